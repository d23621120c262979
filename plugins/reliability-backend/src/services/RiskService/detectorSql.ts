import {
  DEFAULT_UNIVARIATE_CORE,
  UnivariateCoreOptions,
  univariateScoreSql,
} from './univariateCore';
import { RiskDetector } from '@goldenpath/plugin-reliability-common';
import { RiskConfig } from './riskConfig';

/** Width of a trend bucket: the `telemetry_5m` rollup. Unit: seconds. */
export const BUCKET_SECONDS = 300;

/**
 * Metrics the detectors read, with the short column prefix used in the
 * pivoted query and the direction in which a deviation is a risk.
 */
export const DETECTOR_METRICS = {
  block_lag: { col: 'lag', direction: 'up' },
  block_height: { col: 'height', direction: 'none' },
  peers: { col: 'peers', direction: 'down' },
  gpu_temp_c: { col: 'gpu_temp', direction: 'both' },
  gpu_util_pct: { col: 'gpu_util', direction: 'both' },
  cpu_util_pct: { col: 'cpu_util', direction: 'both' },
  mem_util_pct: { col: 'mem_util', direction: 'both' },
  disk_write_latency_ms: { col: 'disk_lat', direction: 'both' },
  disk_util_pct: { col: 'disk_util', direction: 'both' },
} as const;

/** @internal */
export type DetectorMetric = keyof typeof DETECTOR_METRICS;

const ramp = (x: string, lo: string, hi: string) =>
  `coalesce(greatest(0, least(1, ((${x}) - (${lo})) / ((${hi}) - (${lo})))), 0)`;

/**
 * Share of a metric's streaming anomaly score above the threshold, in [0, 1],
 * counted only in the risky direction: (score − t) / (1 − t).
 */
const anomaly = (metric: DetectorMetric) => {
  const { col, direction } = DETECTOR_METRICS[metric];
  const excess = `greatest(0, (${col}_s - {anomaly_threshold:Float64}) / (1 - {anomaly_threshold:Float64}))`;
  let gate = '1';
  if (direction === 'up') gate = `${col}_v > ${col}_b`;
  if (direction === 'down') gate = `${col}_v < ${col}_b`;
  return `coalesce(if(${gate}, ${excess}, 0), 0)`;
};

const anomalyTerm = (metric: DetectorMetric) =>
  `{anomaly_weight:Float64} * ${anomaly(metric)}`;

/**
 * One term of a detector: a column `<name>` in [0, 1] computed from the
 * pivoted columns `<col>_v` (5-minute mean), `<col>_b` (baseline) and
 * `<col>_s` (univariate score). `kind` says what the term measures.
 */
export interface DetectorTerm {
  name: string;
  metric: DetectorMetric;
  kind: 'threshold' | 'anomaly' | 'stall';
  sql: string;
}

const threshold = (
  name: string,
  metric: DetectorMetric,
  sql: string,
): DetectorTerm => ({ name, metric, kind: 'threshold', sql });
const anomalyOf = (metric: DetectorMetric): DetectorTerm => ({
  name: `${DETECTOR_METRICS[metric].col}_anomaly`,
  metric,
  kind: 'anomaly',
  sql: anomalyTerm(metric),
});

/**
 * Terms of each detector; a detector's score is the largest of its terms.
 * Documented in docs/risk-scores.md; keep both in step.
 */
export const DETECTOR_TERMS: Record<RiskDetector, DetectorTerm[]> = {
  consensus: [
    threshold(
      'lag_threshold',
      'block_lag',
      ramp('lag_v', '0.2 * {max_block_lag:Float64}', '{max_block_lag:Float64}'),
    ),
    { name: 'height_stall', metric: 'block_height', kind: 'stall', sql: 'if(stalled, 1, 0)' },
    anomalyOf('block_lag'),
  ],
  hardware: [
    threshold(
      'gpu_temp_threshold',
      'gpu_temp_c',
      ramp('gpu_temp_v', '{gpu_temp_warn:Float64}', '{gpu_temp_critical:Float64}'),
    ),
    threshold('gpu_util_threshold', 'gpu_util_pct', ramp('gpu_util_v', '{saturation_pct:Float64}', '100')),
    threshold('cpu_util_threshold', 'cpu_util_pct', ramp('cpu_util_v', '{saturation_pct:Float64}', '100')),
    threshold('mem_util_threshold', 'mem_util_pct', ramp('mem_util_v', '{saturation_pct:Float64}', '100')),
    anomalyOf('gpu_temp_c'),
    anomalyOf('gpu_util_pct'),
    anomalyOf('cpu_util_pct'),
    anomalyOf('mem_util_pct'),
  ],
  storage: [
    threshold(
      'disk_lat_threshold',
      'disk_write_latency_ms',
      ramp('disk_lat_v', '{disk_latency_warn:Float64}', '{disk_latency_critical:Float64}'),
    ),
    threshold(
      'disk_util_threshold',
      'disk_util_pct',
      ramp('disk_util_v', '{disk_util_saturation:Float64}', '100'),
    ),
    anomalyOf('disk_write_latency_ms'),
    anomalyOf('disk_util_pct'),
  ],
  p2p: [
    threshold(
      'peers_threshold',
      'peers',
      `greatest(coalesce(if(peers_v = 0, 1, 0), 0), ${ramp('{min_peers:Float64} - peers_v', '0', '{min_peers:Float64}')})`,
    ),
    anomalyOf('peers'),
  ],
};

/**
 * Names of the per-bucket columns kept in `risk_scores.detail`: every pivoted
 * metric column, every detector term, the detectors and `stalled`.
 *
 * @internal
 */
export const DETAIL_COLUMNS: string[] = [
  ...Object.values(DETECTOR_METRICS).flatMap(({ col }) => [`${col}_v`, `${col}_b`, `${col}_s`]),
  ...Object.values(DETECTOR_TERMS).flat().map(t => t.name),
  ...Object.keys(DETECTOR_TERMS),
  'stalled',
];

/**
 * Builds the statement that scores telemetry and writes `risk_scores`.
 *
 * 1. Source: `telemetry_5m` means per (node, metric, 5-minute bucket) in
 *    `[{from}, {to}]`, as the univariate core's `series = '<metric>:<node key>'`.
 * 2. The univariate core scores every bucket in streaming fashion.
 * 3. A pivot puts each node's metrics side by side per bucket; a block height
 *    no higher than 15 minutes earlier marks the node as stalled.
 * 4. The detector terms, the four detectors (largest term) and the noisy-OR
 *    composite `100·(1 − Π(1 − wᵢ·sᵢ))`.
 * 5. Buckets from `{since}` are inserted into `risk_scores` with
 *    `computed_at = now64(3)`.
 *
 * With `component: true` only `{component:String}` is scored.
 *
 * @internal
 */
export function buildRefreshQuery(options: {
  database: string;
  component: boolean;
  core?: UnivariateCoreOptions;
}): { sql: string; params: Record<string, unknown> } {
  const { database } = options;
  const filter = options.component ? `component = {component:String} AND ` : '';
  const where = `${filter}metric IN {metrics:Array(String)} AND bucket >= {from:DateTime('UTC')} AND bucket <= {to:DateTime('UTC')}`;
  const nodeKey = 'hex(sipHash64(component, cluster, namespace, node))';
  const source = `SELECT concat(toString(metric), ':', ${nodeKey}) AS series,
    toDateTime64(bucket, 3, 'UTC') AS ts, avgMerge(avg_value) AS value
  FROM ${database}.telemetry_5m
  WHERE ${where}
  GROUP BY series, ts`;
  const core = univariateScoreSql(source, options.core ?? DEFAULT_UNIVARIATE_CORE);

  const pivot = Object.entries(DETECTOR_METRICS)
    .flatMap(([metric, { col }]) => [
      `anyIf(toNullable(value), m = '${metric}') AS ${col}_v`,
      `anyIf(toNullable(baseline), m = '${metric}') AS ${col}_b`,
      `anyIf(toNullable(score), m = '${metric}') AS ${col}_s`,
    ])
    .join(',\n    ');

  const terms = Object.values(DETECTOR_TERMS)
    .flat()
    .map(term => `least(1, ${term.sql}) AS ${term.name}`)
    .join(',\n      ');
  const detectors = Object.entries(DETECTOR_TERMS)
    .map(([name, list]) => `greatest(${list.map(t => t.name).join(', ')}) AS ${name}`)
    .join(',\n    ');

  const scored = `SELECT *,
    ${detectors},
    100 * (1 - (1 - {w_consensus:Float64} * consensus) * (1 - {w_hardware:Float64} * hardware)
             * (1 - {w_storage:Float64} * storage) * (1 - {w_p2p:Float64} * p2p)) AS composite
  FROM (
   SELECT *,
      ${terms}
   FROM (
    SELECT *,
      coalesce(height_v <= max(height_v) OVER (PARTITION BY node_key ORDER BY ts_s
        RANGE BETWEEN 900 PRECEDING AND 900 PRECEDING), false) AS stalled
    FROM (
      SELECT node_key, ts, toUInt32(toUnixTimestamp(ts)) AS ts_s,
        ${pivot}
      FROM (
        SELECT substring(series, position(series, ':') + 1) AS node_key,
          substring(series, 1, position(series, ':') - 1) AS m, ts, value, baseline, score
        FROM (${core.sql})
      )
      GROUP BY node_key, ts
    )
   )
  )`;

  const names = `SELECT ${nodeKey} AS node_key, any(component) AS n_component, any(cluster) AS n_cluster,
      any(namespace) AS n_namespace, any(node) AS n_node
    FROM ${database}.telemetry_5m
    WHERE ${where}
    GROUP BY node_key`;

  const detail = DETAIL_COLUMNS.map(c => `'${c}', CAST(s.${c} AS Nullable(Float64))`).join(', ');

  const sql = `INSERT INTO ${database}.risk_scores (component, cluster, namespace, node, bucket, composite,
    consensus, hardware, storage, p2p, detail, computed_at)
  SELECT n.n_component, n.n_cluster, n.n_namespace, n.n_node, toDateTime(s.ts, 'UTC'), s.composite,
    s.consensus, s.hardware, s.storage, s.p2p, map(${detail}), now64(3)
  FROM (SELECT * FROM (${scored}) WHERE ts >= {since:DateTime64(3, 'UTC')}) AS s
  INNER JOIN (${names}) AS n ON s.node_key = n.node_key`;

  return {
    sql,
    params: { ...core.params, metrics: Object.keys(DETECTOR_METRICS) },
  };
}

/**
 * Rewrites `risk_node_state` for the nodes whose latest stored bucket lies in
 * `[{trend_from}, {to}]` (only `{component:String}` when `component` is set).
 * Each row's `payload` is one JSON object: `component`, `cluster`, `namespace`,
 * `node`, `ts_text` and `last_bucket` (the latest bucket, `YYYY-MM-DD hh:mm:ss`
 * UTC), `composite` and `detail` (every detail column) from `risk_latest`, and
 * the trend of `[{trend_from}, {to}]` from `risk_scores` (the newest
 * computation of each bucket) as parallel arrays sorted by bucket: `trend_ts`
 * (Unix seconds), `trend_composite` (2 decimals), `trend_<detector>` (4
 * decimals). Run after each refresh.
 *
 * @internal
 */
export function nodeStateRefreshSql(database: string, options: { component: boolean }): string {
  const only = options.component ? ' AND component = {component:String}' : '';
  return `INSERT INTO ${database}.risk_node_state (component, cluster, namespace, node, bucket, payload, computed_at)
  SELECT component, cluster, namespace, node, bucket,
    formatRowNoNewline('JSONEachRow', component, cluster, namespace, node, ts_text, last_bucket, composite, detail,
      trend_ts, trend_composite, trend_consensus, trend_hardware, trend_storage, trend_p2p),
    now64(3)
  FROM (
    SELECT l.component AS component, l.cluster AS cluster, l.namespace AS namespace, l.node AS node,
      l.bucket AS bucket, toString(l.bucket) AS ts_text, toString(l.bucket) AS last_bucket,
      l.composite AS composite, l.detail AS detail,
      arrayMap(p -> p.1, t.points) AS trend_ts, arrayMap(p -> p.2, t.points) AS trend_composite,
      arrayMap(p -> p.3, t.points) AS trend_consensus, arrayMap(p -> p.4, t.points) AS trend_hardware,
      arrayMap(p -> p.5, t.points) AS trend_storage, arrayMap(p -> p.6, t.points) AS trend_p2p
    FROM (
      SELECT component, cluster, namespace, node, bucket, composite, detail
      FROM ${database}.risk_latest FINAL
      WHERE bucket >= {trend_from:DateTime('UTC')} AND bucket <= {to:DateTime('UTC')}${only}
    ) AS l
    LEFT JOIN (
      SELECT component, cluster, namespace, node,
        arraySort(p -> p.1, groupArray((toUInt32(toUnixTimestamp(bucket)), toFloat32(round(composite, 2)),
          toFloat32(round(consensus, 4)), toFloat32(round(hardware, 4)), toFloat32(round(storage, 4)),
          toFloat32(round(p2p, 4))))) AS points
      FROM (
        SELECT component, cluster, namespace, node, bucket, composite, consensus, hardware, storage, p2p
        FROM ${database}.risk_scores
        WHERE bucket >= {trend_from:DateTime('UTC')} AND bucket <= {to:DateTime('UTC')}${only}
        ORDER BY computed_at DESC
        LIMIT 1 BY component, cluster, namespace, node, bucket
      )
      GROUP BY component, cluster, namespace, node
    ) AS t USING (component, cluster, namespace, node)
  )`;
}

/**
 * Reads one component's nodes from `risk_node_state` in one query: one
 * `payload` per node, the JSON object described at {@link nodeStateRefreshSql};
 * the caller keeps the trend points of its own window.
 *
 * @internal
 */
export function entityStateSql(database: string): string {
  return `SELECT payload
  FROM ${database}.risk_node_state FINAL
  WHERE component = {component:String} AND ({namespace:String} = '' OR namespace = {namespace:String})
    AND bucket <= {to:DateTime('UTC')}`;
}

/**
 * The newest telemetry timestamp of every component (Unix seconds), from
 * `telemetry_last`: `component`, `last`.
 *
 * @internal
 */
export function telemetryLastSql(database: string): string {
  return `SELECT component, toUnixTimestamp(max(last_ts)) AS last
    FROM ${database}.telemetry_last GROUP BY component`;
}

/**
 * Reads the latest stored bucket of every node seen in `[{from}, {to}]` from
 * `risk_latest`, highest composite first, `{limit}` rows.
 *
 * @internal
 */
export function fleetScoresSql(database: string): string {
  return `SELECT component, cluster, namespace, node, toString(bucket) AS ts_text,
    toString(bucket) AS last_bucket, composite, detail
  FROM ${database}.risk_latest FINAL
  WHERE bucket >= {from:DateTime('UTC')} AND bucket <= {to:DateTime('UTC')}
  ORDER BY composite DESC, node
  LIMIT {limit:UInt32}`;
}

/**
 * Query parameters carrying the configured weights and thresholds.
 *
 * @internal
 */
export function riskConfigParams(config: RiskConfig): Record<string, unknown> {
  const t = config.thresholds;
  return {
    w_consensus: config.weights.consensus,
    w_hardware: config.weights.hardware,
    w_storage: config.weights.storage,
    w_p2p: config.weights.p2p,
    anomaly_threshold: config.anomalyThreshold,
    anomaly_weight: config.anomalyWeight,
    max_block_lag: t.maxBlockLag,
    min_peers: t.minPeers,
    gpu_temp_warn: t.gpuTempWarnC,
    gpu_temp_critical: t.gpuTempCriticalC,
    saturation_pct: t.saturationPct,
    disk_latency_warn: t.diskLatencyWarnMs,
    disk_latency_critical: t.diskLatencyCriticalMs,
    disk_util_saturation: t.diskUtilSaturationPct,
  };
}
