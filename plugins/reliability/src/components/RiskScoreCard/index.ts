export { RiskScoreCard, RiskDetails, DETECTOR_TITLES, riskiestFirst } from './RiskScoreCard';
export type { RiskScoreCardProps } from './RiskScoreCard';
