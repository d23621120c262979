import { Migration } from './types';

/**
 * Superseded: `GithubWebhookService` now acknowledges embedded-engine deliveries from its on-disk
 * `DeliveryJournal` and only moves rows an earlier version left here at start; nothing writes this
 * table any more. Kept because applied migrations are never edited or removed.
 *
 * Was: inbox of webhook delivery events on the embedded engine (chdb): acknowledged deliveries
 * were written here first and moved to `delivery_events` in bulk every second or so.
 *
 * Why: every insert into a MergeTree table creates a part (a directory of about 15 files, later
 * merged and deleted). On the embedded engine one such insert cost 10–13 ms of CPU with its merges
 * (bench/ingest/insert-cost.ts), more than half of it in the kernel creating files, so small
 * group-committed batches cost more than the HTTP requests they acknowledge. An `EmbeddedRocksDB`
 * insert appends to RocksDB's write-ahead log instead (about 3 ms, no new files) and survives
 * `kill -9` like a MergeTree part does (neither calls fsync). `optimize_for_bulk_insert = 0`: the
 * default (1) writes each insert as a new SST file, which costs about as much as a part again.
 *
 * Same columns as `delivery_events`, keyed by `delivery_id` (a redelivery overwrites its own row).
 * With a ClickHouse server the service inserts into `delivery_events` directly (a server creates
 * parts cheaply enough) and this table stays empty.
 *
 * @public
 */
export const migration: Migration = {
  version: 10,
  name: 'delivery_inbox',
  up: ({ database, onCluster }) => [
    `CREATE TABLE IF NOT EXISTS ${database}.delivery_inbox${onCluster}
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
  received_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = EmbeddedRocksDB
PRIMARY KEY delivery_id
SETTINGS optimize_for_bulk_insert = 0`,
  ],
};
