export { CostDeltaCard } from './CostDeltaCard';
export type { CostDeltaCardProps } from './CostDeltaCard';
