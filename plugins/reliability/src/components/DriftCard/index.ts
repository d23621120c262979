export { DriftCard, DriftDetails } from './DriftCard';
export type { DriftCardProps } from './DriftCard';
