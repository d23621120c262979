export {
  DriftService,
  driftServiceRef,
  driftReportRequestSchema,
  toGitOpsApplication,
} from './DriftService';
export type { ArgoApplicationSource, DriftReportRequest } from './DriftService';
export { DATA_DRIFT_THRESHOLDS, dataDriftSql, ksCriticalValue } from './dataDrift';
export { summarizeTerraformPlan, terraformPlanSchema } from './terraformPlan';
export type { TerraformPlanSummary } from './terraformPlan';
