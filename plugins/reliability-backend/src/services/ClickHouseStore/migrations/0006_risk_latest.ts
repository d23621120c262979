import { Migration } from './types';

/**
 * The latest stored bucket of every node, for the fleet ranking: a
 * materialized view keeps, from each block written to `risk_scores`, the
 * newest bucket per node, and ReplacingMergeTree on `bucket` keeps the newest
 * (for equal buckets, the last inserted: a recomputed bucket replaces the old).
 *
 * @public
 */
export const migration: Migration = {
  version: 6,
  name: 'risk_latest',
  up: ({ database, onCluster, engine }) => [
    `CREATE TABLE IF NOT EXISTS ${database}.risk_latest${onCluster}
(
  component LowCardinality(String),
  cluster LowCardinality(String),
  namespace LowCardinality(String),
  node String,
  bucket DateTime('UTC'),
  composite Float64,
  detail Map(String, Nullable(Float64)),
  computed_at DateTime64(3, 'UTC')
)
ENGINE = ${engine('ReplacingMergeTree', 'bucket')}
ORDER BY (component, cluster, namespace, node)
TTL bucket + INTERVAL 90 DAY`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.risk_latest_mv${onCluster}
TO ${database}.risk_latest
AS SELECT component, cluster, namespace, node, bucket, composite, detail, computed_at
FROM ${database}.risk_scores
ORDER BY bucket DESC
LIMIT 1 BY component, cluster, namespace, node`,
  ],
};
