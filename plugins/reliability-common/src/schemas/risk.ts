import { z } from 'zod';

/**
 * One failing source of a risk response (ClickHouse, the catalog entity's
 * annotations, a stale node), reported next to the data so the card never goes blank.
 *
 * @public
 */
export const riskSourceErrorSchema = z.object({
  source: z.string(),
  message: z.string(),
  errorType: z.string().optional(),
  cluster: z.string().optional(),
});

/** @public */
export type RiskSourceError = z.infer<typeof riskSourceErrorSchema>;

/**
 * The four per-node detectors; the composite validator risk combines them.
 *
 * @public
 */
export const RISK_DETECTORS = ['consensus', 'hardware', 'storage', 'p2p'] as const;

/** @public */
export const riskDetectorSchema = z.enum(RISK_DETECTORS);

/** @public */
export type RiskDetector = z.infer<typeof riskDetectorSchema>;

/**
 * Band of the composite validator risk.
 *
 * @public
 */
export const riskBandNameSchema = z.enum(['ok', 'warning', 'critical']);

/** @public */
export type RiskBandName = z.infer<typeof riskBandNameSchema>;

/**
 * A band: `min` inclusive, `max` exclusive (inclusive for the last band), on the 0–100 composite scale.
 *
 * @public
 */
export const riskBandSchema = z.object({
  name: riskBandNameSchema,
  min: z.number(),
  max: z.number(),
});

/** @public */
export type RiskBand = z.infer<typeof riskBandSchema>;

/**
 * One detector's verdict on one node, at the latest 5-minute bucket.
 *
 * `score` in [0, 1]; `metric` is the metric that drives the score, `value` its current
 * 5-minute mean and `baseline` its streaming baseline (null without data); `unit` the metric's
 * unit; `reason` one line for people.
 *
 * @public
 */
export const detectorResultSchema = z.object({
  detector: riskDetectorSchema,
  score: z.number().min(0).max(1),
  metric: z.string().nullable(),
  value: z.number().nullable(),
  baseline: z.number().nullable(),
  unit: z.string(),
  reason: z.string(),
});

/** @public */
export type DetectorResult = z.infer<typeof detectorResultSchema>;

/**
 * The composite validator risk: `score` 0–100 (noisy-OR of the weighted detector scores),
 * its `band`, and each factor's configured `weight`, detector `score` and `contribution`
 * in points (contributions add up to `score`).
 *
 * @public
 */
export const compositeRiskSchema = z.object({
  score: z.number().min(0).max(100),
  band: riskBandNameSchema,
  contributions: z.array(
    z.object({
      detector: riskDetectorSchema,
      weight: z.number(),
      score: z.number(),
      contribution: z.number(),
    }),
  ),
});

/** @public */
export type CompositeRisk = z.infer<typeof compositeRiskSchema>;

/**
 * One 5-minute bucket of a node's risk trend: bucket start (ISO), composite 0–100 and detector scores 0–1.
 *
 * @public
 */
export const riskTrendPointSchema = z.object({
  ts: z.string(),
  composite: z.number(),
  detectors: z.record(riskDetectorSchema, z.number()),
});

/** @public */
export type RiskTrendPoint = z.infer<typeof riskTrendPointSchema>;

/**
 * Risk of one validator node. `lastSeen` is the start of its latest 5-minute bucket with
 * data; `stale` is true when that is older than 15 minutes. `trend` is present on entity
 * responses (24 hours, 5-minute buckets, oldest first) and absent on the fleet ranking.
 *
 * @public
 */
export const nodeRiskSchema = z.object({
  cluster: z.string(),
  namespace: z.string(),
  node: z.string(),
  component: z.string(),
  lastSeen: z.string(),
  stale: z.boolean(),
  detectors: z.array(detectorResultSchema),
  composite: compositeRiskSchema,
  trend: z.array(riskTrendPointSchema).optional(),
});

/** @public */
export type NodeRisk = z.infer<typeof nodeRiskSchema>;

/**
 * Response of `GET /api/reliability/entities/:kind/:namespace/:name/risk`.
 * `component` is the entity's `backstage.io/kubernetes-id` (null when missing; `errors` then
 * says so and `nodes` is empty).
 *
 * @public
 */
export const entityRiskResponseSchema = z.object({
  entityRef: z.string(),
  component: z.string().nullable(),
  generatedAt: z.string(),
  bucketMinutes: z.number(),
  trendHours: z.number(),
  bands: z.array(riskBandSchema),
  nodes: z.array(nodeRiskSchema),
  errors: z.array(riskSourceErrorSchema),
});

/** @public */
export type EntityRiskResponse = z.infer<typeof entityRiskResponseSchema>;

/**
 * Response of `GET /api/reliability/risk?limit=N`: the fleet's riskiest nodes, highest
 * composite first.
 *
 * @public
 */
export const fleetRiskResponseSchema = z.object({
  generatedAt: z.string(),
  limit: z.number().int(),
  bands: z.array(riskBandSchema),
  nodes: z.array(nodeRiskSchema),
  errors: z.array(riskSourceErrorSchema),
});

/** @public */
export type FleetRiskResponse = z.infer<typeof fleetRiskResponseSchema>;
