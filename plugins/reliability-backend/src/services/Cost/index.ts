export {
  CostService,
  costServiceRef,
  costReportRequestSchema,
  normalizeReportEntityRef,
} from './CostService';
export type { CostReportRequest, ReportOwner } from './CostService';
export { evaluateBudget, FINOPS_APPROVED_LABEL } from './budget';
export { infracostOutputSchema, summarizeInfracost, toDecimal6 } from './infracost';
export type {
  InfracostOutput,
  InfracostResourceDelta,
  InfracostSummary,
} from './infracost';
