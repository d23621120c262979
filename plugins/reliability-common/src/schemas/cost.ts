import { z } from 'zod';
import { deliverySourceErrorSchema } from './dora';

/**
 * Budget thresholds of one environment, as written in a repository's `.platform/budgets.yaml`
 * (monthly US dollars). Every threshold is optional; a missing one is not checked.
 *
 * - `soft_fail_usd`: a monthly increase above it is a soft failure (warning, merge allowed)
 * - `approval_usd`: an increase above it needs a `finops-approved` label on the pull request
 * - `pr_delta_usd`: an increase above it is over budget
 * - `absolute_usd`: a new monthly total above it is over budget
 *
 * @public
 */
export const budgetThresholdsSchema = z.object({
  soft_fail_usd: z.number().nonnegative().optional(),
  approval_usd: z.number().nonnegative().optional(),
  pr_delta_usd: z.number().nonnegative().optional(),
  absolute_usd: z.number().nonnegative().optional(),
});

/** @public */
export type BudgetThresholds = z.infer<typeof budgetThresholdsSchema>;

/**
 * Outcome of a cost delta against its environment's budget. `unknown` when the report carried no
 * budget thresholds.
 * @public
 */
export const budgetStatusSchema = z.enum([
  'within',
  'soft-fail',
  'needs-approval',
  'over',
  'unknown',
]);

/** @public */
export type BudgetStatus = z.infer<typeof budgetStatusSchema>;

/**
 * Latest cost delta of one environment.
 * @public
 */
export const costEnvironmentDeltaSchema = z.object({
  environment: z.string(),
  repository: z.string().nullable(),
  pullRequest: z.number().int().nullable(),
  reportedAt: z.string(),
  currency: z.string(),
  /** `null` when the report had no baseline. */
  pastMonthlyCost: z.number().nullable(),
  totalMonthlyCost: z.number(),
  /** `null` when the report had no baseline. */
  diffMonthlyCost: z.number().nullable(),
  budget: budgetThresholdsSchema,
  status: budgetStatusSchema,
  approved: z.boolean(),
  reason: z.string(),
  projectErrors: z.number().int().nonnegative(),
});

/** @public */
export type CostEnvironmentDelta = z.infer<typeof costEnvironmentDeltaSchema>;

/**
 * A resource whose monthly cost changed in a report.
 * @public
 */
export const costResourceChangeSchema = z.object({
  environment: z.string(),
  project: z.string(),
  name: z.string(),
  resourceType: z.string().nullable(),
  pastMonthlyCost: z.number(),
  monthlyCost: z.number(),
  diffMonthlyCost: z.number(),
});

/** @public */
export type CostResourceChange = z.infer<typeof costResourceChangeSchema>;

/**
 * Response of `GET /entities/:kind/:namespace/:name/cost`. Money in monthly units of `currency`.
 * @public
 */
export const costResponseSchema = z.object({
  entityRef: z.string(),
  /** The entity's `goldenpath.dev/cost-center` annotation, null without it. */
  costCenter: z.string().nullable().optional(),
  environments: z.array(costEnvironmentDeltaSchema),
  history: z.array(
    z.object({
      month: z.string(),
      environment: z.string(),
      totalMonthlyCost: z.number(),
    }),
  ),
  topChangedResources: z.array(costResourceChangeSchema),
  generatedAt: z.string(),
  errors: z.array(deliverySourceErrorSchema),
});

/** @public */
export type CostResponse = z.infer<typeof costResponseSchema>;
