import { Migration } from './types';

/**
 * Rebuilds the read model `risk_node_state` (migration 8) so that the entity
 * risk route reads one column: per node, `payload` holds the JSON object the
 * route used to assemble from 14 columns (names, latest bucket, composite,
 * every detail value, the 24-hour trend as parallel arrays), written by each
 * risk refresh. Granules are 8 rows: a row is about 14 KB of JSON and a
 * request reads one component's two or three rows.
 *
 * Measured on bench/risk's 100M telemetry rows (1,000 nodes, one part after the
 * fleet refresh's OPTIMIZE), 77 reads each at load 3.8: reading and parsing the
 * 14 columns p50 6.0 ms / p95 14.1 ms; the one `payload` column p50 2.8 ms /
 * p95 9.5 ms (with 64-row granules the 14 columns cost p50 6.7 ms at load 1.7,
 * 5.4 ms with 8-row ones).
 *
 * Neither `index_granularity` nor the column set of a read model is worth an
 * ALTER: the table is dropped and created again. The fleet refresh at start-up
 * (and every 5 minutes) rewrites it for every node scored in the last 24
 * hours, and until then an entity read that finds its component behind its
 * telemetry refreshes that component first. Both statements are idempotent.
 *
 * @public
 */
export const migration: Migration = {
  version: 9,
  name: 'risk_node_state_payload',
  up: ({ database, onCluster, engine }) => [
    `DROP TABLE IF EXISTS ${database}.risk_node_state${onCluster} SYNC`,
    `CREATE TABLE IF NOT EXISTS ${database}.risk_node_state${onCluster}
(
  component LowCardinality(String),
  cluster LowCardinality(String),
  namespace LowCardinality(String),
  node String,
  bucket DateTime('UTC'),
  payload String,
  computed_at DateTime64(3, 'UTC')
)
ENGINE = ${engine('ReplacingMergeTree', 'computed_at')}
ORDER BY (component, cluster, namespace, node)
TTL bucket + INTERVAL 90 DAY
SETTINGS index_granularity = 8`,
  ],
};
