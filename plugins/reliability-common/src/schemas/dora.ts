import { z } from 'zod';

/**
 * One failing source of a delivery-signal response (a table, an upstream API, a cluster), reported
 * next to the data so a card shows what it has instead of going blank.
 * @public
 */
export const deliverySourceErrorSchema = z.object({
  source: z.string(),
  message: z.string(),
  errorType: z.string().optional(),
  cluster: z.string().optional(),
});

/** @public */
export type DeliverySourceError = z.infer<typeof deliverySourceErrorSchema>;

/**
 * Windows, in days, over which DORA metrics can be computed.
 * @public
 */
export const DORA_WINDOWS = [7, 30, 90, 365] as const;

/** @public */
export type DoraWindowDays = (typeof DORA_WINDOWS)[number];

/**
 * Band a metric value falls in, with the report's wording.
 * @public
 */
export const doraBandResultSchema = z.object({
  band: z.enum(['elite', 'high', 'medium', 'low']),
  label: z.string(),
});

/**
 * Fields shared by the four metrics. `complete: false` means the metric lacks its inputs in the
 * window (for example no production deployment events): `value` is then `null`, never a fake zero,
 * and `missing` says what is missing.
 */
const metricBase = {
  value: z.number().nullable(),
  unit: z.string(),
  complete: z.boolean(),
  missing: z.string().optional(),
  sampleSize: z.number().int().nonnegative(),
  band: doraBandResultSchema.nullable(),
};

/**
 * Response of `GET /entities/:kind/:namespace/:name/dora?window=7|30|90|365`.
 *
 * Units: lead time and time to restore in hours, deployment frequency in deployments per week,
 * change failure rate as a fraction in [0, 1].
 *
 * @public
 */
export const doraResponseSchema = z.object({
  entityRef: z.string(),
  repository: z.string().nullable(),
  productionEnvironment: z.string(),
  window: z.object({
    days: z.number().int().positive(),
    from: z.string(),
    to: z.string(),
  }),
  bands: z.object({
    year: z.number().int(),
    title: z.string(),
    source: z.string(),
  }),
  metrics: z.object({
    leadTimeForChanges: z.object({
      ...metricBase,
      medianHours: z.number().nullable(),
      p90Hours: z.number().nullable(),
      excludedBotPullRequests: z.number().int().nonnegative(),
    }),
    deploymentFrequency: z.object({
      ...metricBase,
      deployments: z.number().int().nonnegative(),
      deploymentDays: z.number().int().nonnegative(),
      deploymentsPerWeek: z.number().nullable(),
      deploymentDaysPerWeek: z.number().nullable(),
    }),
    changeFailureRate: z.object({
      ...metricBase,
      totalDeployments: z.number().int().nonnegative(),
      failedDeployments: z.number().int().nonnegative(),
      remediatedDeployments: z.number().int().nonnegative(),
    }),
    timeToRestoreService: z.object({
      ...metricBase,
      medianHours: z.number().nullable(),
      incidentsRestored: z.number().int().nonnegative(),
      failedDeploymentsRecovered: z.number().int().nonnegative(),
    }),
  }),
  autoMergeRevocation: z.object({
    revoke: z.boolean(),
    changeFailureRate: z.number().nullable(),
    threshold: z.number(),
    windowDays: z.number().int(),
    complete: z.boolean(),
  }),
  generatedAt: z.string(),
  errors: z.array(deliverySourceErrorSchema),
});

/** @public */
export type DoraResponse = z.infer<typeof doraResponseSchema>;
