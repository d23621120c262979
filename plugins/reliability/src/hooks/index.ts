export { useNow } from './useReliabilityData';
export type { ReliabilityData } from './useReliabilityData';
export {
  HEALTH_POLL_INTERVAL_MS,
  useEntityCost,
  useEntityDora,
  useEntityDoraTrend,
  useEntityDrift,
  useEntityHealth,
  useEntityRisk,
} from './useEntityReliability';
