export { DoraMetricsCard, DoraDetails } from './DoraMetricsCard';
export type { DoraMetricsCardProps } from './DoraMetricsCard';
