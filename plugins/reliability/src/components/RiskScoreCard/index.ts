export { RiskScoreCard, DETECTOR_TITLES } from './RiskScoreCard';
export type { RiskScoreCardProps } from './RiskScoreCard';
