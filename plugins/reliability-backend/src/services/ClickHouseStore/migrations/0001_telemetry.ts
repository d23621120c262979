import { Migration } from './types';

/**
 * Raw telemetry of validator nodes plus a 5-minute rollup kept up to date by
 * a materialized view.
 *
 * `telemetry` is ordered by `(component, node, metric, ts)`: every read of the
 * plugin starts from an entity, i.e. a component (`backstage.io/kubernetes-id`),
 * so the primary key prunes to that entity's granules; `ts` last keeps each
 * series contiguous, which makes DoubleDelta on `ts` and Gorilla on `value`
 * effective. `non_replicated_deduplication_window` turns on insert
 * deduplication (by `insert_deduplication_token`) on non-replicated engines;
 * replicated engines deduplicate by default.
 *
 * `telemetry_5m` holds one row per (component, node, metric, 5-minute bucket)
 * with avg/min/max/last states and the sample count; the detectors read it instead of the raw rows.
 * It also carries a deduplication window: with
 * `deduplicate_blocks_in_dependent_materialized_views = 1` on the insert, a
 * retried telemetry batch is dropped from the rollup too (measured: without it
 * the view re-aggregates the dropped block).
 *
 * @public
 */
export const migration: Migration = {
  version: 1,
  name: 'telemetry',
  up: ({ database, onCluster, engine }) => [
    `CREATE TABLE IF NOT EXISTS ${database}.telemetry${onCluster}
(
  ts DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
  cluster LowCardinality(String),
  namespace LowCardinality(String),
  node String,
  component LowCardinality(String),
  metric LowCardinality(String),
  value Float64 CODEC(Gorilla, ZSTD(1))
)
ENGINE = ${engine('MergeTree')}
PARTITION BY toYYYYMM(ts)
ORDER BY (component, node, metric, ts)
TTL toDateTime(ts) + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000`,
    `CREATE TABLE IF NOT EXISTS ${database}.telemetry_5m${onCluster}
(
  bucket DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
  cluster LowCardinality(String),
  namespace LowCardinality(String),
  node String,
  component LowCardinality(String),
  metric LowCardinality(String),
  avg_value AggregateFunction(avg, Float64),
  min_value SimpleAggregateFunction(min, Float64),
  max_value SimpleAggregateFunction(max, Float64),
  last_value AggregateFunction(argMax, Float64, DateTime64(3, 'UTC')),
  samples SimpleAggregateFunction(sum, UInt64)
)
ENGINE = ${engine('AggregatingMergeTree')}
PARTITION BY toYYYYMM(bucket)
ORDER BY (component, node, metric, bucket, cluster, namespace)
TTL bucket + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.telemetry_5m_mv${onCluster}
TO ${database}.telemetry_5m
AS SELECT
  toStartOfFiveMinutes(ts) AS bucket,
  cluster, namespace, node, component, metric,
  avgState(value) AS avg_value,
  min(value) AS min_value,
  max(value) AS max_value,
  argMaxState(value, ts) AS last_value,
  count() AS samples
FROM ${database}.telemetry
GROUP BY bucket, cluster, namespace, node, component, metric`,
  ],
};
