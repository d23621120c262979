import { Migration } from './types';

/**
 * Infrastructure drift checks posted by the scheduled drift job (`terraform plan -detailed-exitcode`
 * and `terraform show -json`). The resource lists are stored as JSON text: they are only ever read
 * back whole for the latest check of an environment.
 *
 * @public
 */
export const migration: Migration = {
  version: 4,
  name: 'drift_reports',
  up: ({ database, onCluster, engine }) => [
    `CREATE TABLE IF NOT EXISTS ${database}.drift_reports${onCluster}
(
  report_id String,
  entity_ref LowCardinality(String),
  repository LowCardinality(String),
  environment LowCardinality(String),
  checked_at DateTime64(3, 'UTC'),
  exit_code Int8,
  status LowCardinality(String),
  drifted_resources String,
  planned_changes String,
  action_counts String
)
ENGINE = ${engine('ReplacingMergeTree')}
PARTITION BY toYYYYMM(checked_at)
ORDER BY (entity_ref, repository, environment, checked_at, report_id)
TTL toDateTime(checked_at) + INTERVAL 365 DAY`,
  ],
};
