import { z } from 'zod';

/**
 * Metric names of validator-node telemetry, exactly as the design lists them.
 * Units are in the names: `_pct` percent (0–100), `_c` degrees Celsius,
 * `_ms` milliseconds; heights and lag in blocks; `peers` a count.
 *
 * @public
 */
export const TELEMETRY_METRICS = [
  'block_height',
  'network_height',
  'block_lag',
  'peers',
  'gpu_util_pct',
  'gpu_temp_c',
  'cpu_util_pct',
  'mem_util_pct',
  'disk_write_latency_ms',
  'disk_util_pct',
  'probe_latency_ms',
] as const;

/** @public */
export type TelemetryMetric = (typeof TELEMETRY_METRICS)[number];

const label = (field: string, max: number) =>
  z
    .string()
    .min(1, `${field} must not be empty`)
    .max(max, `${field} is longer than ${max} characters`);

/**
 * One telemetry sample.
 *
 * - `ts`: ISO 8601 date-time with a zone (`2026-11-21T10:00:00.123Z`) or Unix epoch milliseconds;
 *   stored at millisecond precision in UTC.
 * - `cluster`, `namespace`, `node`: where the validator runs (`node` is the pod or ValidatorNode name).
 * - `component`: the `backstage.io/kubernetes-id` label of the node, which is how an entity finds it.
 * - `metric`: one of {@link TELEMETRY_METRICS}; `value`: a finite number in the metric's unit.
 *
 * @public
 */
export const telemetryRowSchema = z.strictObject({
  // Epoch milliseconds first: the operator and most agents send numbers, and a union tries its options in order.
  ts: z.union([
    z.number().int().min(0).max(253402300799999),
    z.iso.datetime({ offset: true }),
  ]),
  cluster: label('cluster', 253),
  namespace: label('namespace', 253),
  node: label('node', 253),
  component: label('component', 253),
  metric: z.enum(TELEMETRY_METRICS),
  // zod 4's number() rejects NaN and ±Infinity itself ("expected number, received Infinity").
  value: z.number(),
});

/** @public */
export type TelemetryRow = z.infer<typeof telemetryRowSchema>;

/**
 * Body of `POST /api/reliability/telemetry` with `Content-Type: application/json`:
 * either an array of rows or `{ rows: [...] }`. With `application/x-ndjson` the body is one
 * row object per line instead.
 *
 * @public
 */
export const telemetryBatchSchema = z.union([
  z.array(telemetryRowSchema).min(1, 'batch must contain at least one row'),
  z.strictObject({
    rows: z.array(telemetryRowSchema).min(1, 'batch must contain at least one row'),
  }),
]);

/**
 * Answer of `POST /api/reliability/telemetry`. `rows` is the number of rows in the batch;
 * `deduplicationToken` the insert deduplication token used (the caller's `Idempotency-Key`, or a
 * SHA-256 of the batch): a retried batch with the same token is not stored twice.
 *
 * @public
 */
export const telemetryIngestResponseSchema = z.object({
  rows: z.number().int().nonnegative(),
  deduplicationToken: z.string(),
  generatedAt: z.string(),
  errors: z.array(
    z.object({
      source: z.string(),
      message: z.string(),
      errorType: z.string().optional(),
      cluster: z.string().optional(),
    }),
  ),
});

/** @public */
export type TelemetryIngestResponse = z.infer<typeof telemetryIngestResponseSchema>;
