export { NodeHealthCard } from './NodeHealthCard';
export type { NodeHealthCardProps } from './NodeHealthCard';
