export { CostDeltaCard, CostDetails } from './CostDeltaCard';
export type { CostDeltaCardProps } from './CostDeltaCard';
