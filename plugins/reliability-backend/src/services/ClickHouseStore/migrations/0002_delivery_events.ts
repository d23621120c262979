import { Migration } from './types';

/**
 * Delivery events normalised from GitHub webhooks (DORA inputs).
 *
 * One row per logical event: a merged pull request, a deployment, a deployment status, an incident
 * opened or closed. `ReplacingMergeTree(received_at)` ordered by `(repository, kind, event_id)`
 * collapses a redelivered or replayed event into one row; readers use `FINAL`, so a duplicate that
 * slipped past the ingest lookup on `delivery_id` is never counted twice. The bloom filter on
 * `delivery_id` keeps that lookup cheap. Rows live 365 days (the longest DORA window) counted from
 * receipt, not from the event time, so a delivery id stays known for a year whatever the payload says.
 *
 * @public
 */
export const migration: Migration = {
  version: 2,
  name: 'delivery_events',
  up: ({ database, onCluster, engine }) => [
    `CREATE TABLE IF NOT EXISTS ${database}.delivery_events${onCluster}
(
  delivery_id String,
  event_id String,
  kind LowCardinality(String),
  repository LowCardinality(String),
  ts DateTime64(3, 'UTC'),
  environment LowCardinality(String),
  state LowCardinality(String),
  deployment_id Int64,
  sha String,
  number UInt32,
  first_commit_at Nullable(DateTime64(3, 'UTC')),
  first_commit_source LowCardinality(String),
  author String,
  author_is_bot UInt8,
  is_rollback UInt8,
  received_at DateTime64(3, 'UTC') DEFAULT now64(3),
  INDEX delivery_id_bf delivery_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ${engine('ReplacingMergeTree', 'received_at')}
PARTITION BY toYYYYMM(ts)
ORDER BY (repository, kind, event_id)
TTL toDateTime(received_at) + INTERVAL 365 DAY`,
  ],
};
