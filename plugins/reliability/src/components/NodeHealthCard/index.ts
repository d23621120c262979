export { NodeHealthCard, NodeHealthDetails } from './NodeHealthCard';
export type { NodeHealthCardProps } from './NodeHealthCard';
