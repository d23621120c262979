export { RiskService, riskServiceRef, TREND_HOURS, STALE_AFTER_MINUTES } from './RiskService';
export {
  DEFAULT_RISK_CONFIG,
  readRiskConfig,
  validateBands,
  bandOf,
} from './riskConfig';
export type { RiskConfig, RiskThresholds } from './riskConfig';
export {
  univariateScoreSql,
  DEFAULT_UNIVARIATE_CORE,
} from './univariateCore';
export type { UnivariateCoreOptions } from './univariateCore';
