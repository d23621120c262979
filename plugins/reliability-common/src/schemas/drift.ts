import { z } from 'zod';
import { deliverySourceErrorSchema } from './dora';

/**
 * A Terraform resource address with the actions of its change (`["delete","create"]` is a replace).
 * @public
 */
export const terraformResourceChangeSchema = z.object({
  address: z.string(),
  type: z.string().nullable(),
  actions: z.array(z.string()),
  actionReason: z.string().nullable(),
});

/** @public */
export type TerraformResourceChange = z.infer<typeof terraformResourceChangeSchema>;

/**
 * Last infrastructure drift check of one environment (`terraform plan -detailed-exitcode`:
 * 0 in sync, 2 drift or pending changes, 1 error).
 * @public
 */
export const infrastructureDriftSchema = z.object({
  environment: z.string(),
  status: z.enum(['in-sync', 'drifted', 'error']),
  exitCode: z.number().int(),
  checkedAt: z.string(),
  driftedResources: z.array(terraformResourceChangeSchema),
  plannedChanges: z.array(terraformResourceChangeSchema),
  actionCounts: z.record(z.string(), z.number().int()),
});

/** @public */
export type InfrastructureDrift = z.infer<typeof infrastructureDriftSchema>;

/**
 * Sync and health of one Argo CD `Application`.
 * @public
 */
export const gitOpsApplicationSchema = z.object({
  name: z.string(),
  namespace: z.string(),
  cluster: z.string().optional(),
  syncStatus: z.string(),
  healthStatus: z.string(),
  revision: z.string().nullable(),
  operationPhase: z.string().nullable(),
});

/** @public */
export type GitOpsApplication = z.infer<typeof gitOpsApplicationSchema>;

/**
 * Data drift of one telemetry series: the last 24 hours against the 7 days before. `status` follows
 * the PSI bands (stable below `psiModerate`, significant above `psiSignificant`);
 * `psi` (population stability index), `ks` (two-sample Kolmogorov–Smirnov statistic D in [0, 1])
 * and `jsDistance` (Jensen–Shannon distance, base 2, in [0, 1]).
 * @public
 */
export const dataDriftSeriesSchema = z.object({
  node: z.string(),
  metric: z.string(),
  psi: z.number().nullable(),
  ks: z.number().nullable(),
  jsDistance: z.number().nullable(),
  /** Critical value of D at `thresholds.ksAlpha` for these sample sizes. */
  ksCritical: z.number().nullable(),
  /** The KS test rejects "same distribution" at `thresholds.ksAlpha`. */
  ksRejects: z.boolean(),
  currentCount: z.number().int().nonnegative(),
  baselineCount: z.number().int().nonnegative(),
  status: z.enum(['stable', 'moderate', 'significant', 'insufficient-data']),
});

/** @public */
export type DataDriftSeries = z.infer<typeof dataDriftSeriesSchema>;

const kindStatus = {
  lastCheckedAt: z.string().nullable(),
};

/**
 * Response of `GET /entities/:kind/:namespace/:name/drift`: three independent kinds of drift, each
 * with its own status, last check and details. Deployment status is deliberately not part of it.
 * @public
 */
export const driftResponseSchema = z.object({
  entityRef: z.string(),
  infrastructure: z.object({
    ...kindStatus,
    status: z.enum(['in-sync', 'drifted', 'error', 'unknown']),
    environments: z.array(infrastructureDriftSchema),
  }),
  gitops: z.object({
    ...kindStatus,
    status: z.enum(['synced', 'out-of-sync', 'degraded', 'unknown', 'not-configured']),
    applications: z.array(gitOpsApplicationSchema),
  }),
  data: z.object({
    ...kindStatus,
    status: z.enum(['stable', 'moderate', 'significant', 'no-data', 'not-configured']),
    thresholds: z.object({
      psiModerate: z.number(),
      psiSignificant: z.number(),
      ksAlpha: z.number(),
      minSamples: z.number().int(),
    }),
    series: z.array(dataDriftSeriesSchema),
  }),
  generatedAt: z.string(),
  errors: z.array(deliverySourceErrorSchema),
});

/** @public */
export type DriftResponse = z.infer<typeof driftResponseSchema>;
