import { Migration } from './types';

/**
 * Materialised detector output: one row per (node, 5-minute bucket) with the
 * composite and every detector, term and metric column in `detail`. The risk
 * routes read it; `RiskService.refresh` (scheduled, default every 5 minutes) rewrites the
 * latest buckets, and ReplacingMergeTree on `computed_at` keeps the newest.
 *
 * @public
 */
export const migration: Migration = {
  version: 5,
  name: 'risk_scores',
  up: ({ database, onCluster, engine }) => [
    `CREATE TABLE IF NOT EXISTS ${database}.risk_scores${onCluster}
(
  component LowCardinality(String),
  cluster LowCardinality(String),
  namespace LowCardinality(String),
  node String,
  bucket DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
  composite Float64,
  detail Map(String, Nullable(Float64)),
  computed_at DateTime64(3, 'UTC')
)
ENGINE = ${engine('ReplacingMergeTree', 'computed_at')}
PARTITION BY toYYYYMM(bucket)
ORDER BY (component, node, cluster, namespace, bucket)
TTL bucket + INTERVAL 90 DAY`,
  ],
};
