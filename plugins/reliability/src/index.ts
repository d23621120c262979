/**
 * Goldenpath entity cards: node health, risk score, drift, cost delta and DORA metrics,
 * and a Reliability entity tab. This entry is the legacy frontend system; the new frontend
 * system's plugin is the default export of `@goldenpath/plugin-reliability/alpha`.
 *
 * @packageDocumentation
 */
export {
  reliabilityPlugin,
  reliabilityContentRouteRef,
  EntityNodeHealthCard,
  EntityRiskScoreCard,
  EntityDriftCard,
  EntityCostDeltaCard,
  EntityDoraMetricsCard,
  EntityReliabilityContent,
} from './plugin';
export * from './api';
export * from './hooks';
export * from './predicates';
export type { NodeHealthCardProps } from './components/NodeHealthCard';
export type { RiskScoreCardProps } from './components/RiskScoreCard';
export type { DriftCardProps } from './components/DriftCard';
export type { CostDeltaCardProps } from './components/CostDeltaCard';
export type { DoraMetricsCardProps } from './components/DoraMetricsCard';
export { SeverityLabel } from './components/common';
export type { SeverityLevel } from './components/common';
