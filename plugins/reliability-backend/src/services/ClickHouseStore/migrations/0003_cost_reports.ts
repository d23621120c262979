import { Migration } from './types';

/**
 * Cost reports posted by CI (`infracost diff|breakdown --format json`, summarised on ingest).
 *
 * `cost_reports` holds one row per report and environment with the totals, the budget thresholds it
 * was posted with and the evaluated status; `cost_report_resources` holds the resources whose monthly
 * cost changed, for the "changed most" list. Money is `Decimal(18, 6)`: Infracost prints decimal
 * strings and sums must not pick up binary rounding. Past total and difference are `NULL` when the
 * output has no baseline (older `breakdown` runs), never a fake zero.
 *
 * @public
 */
export const migration: Migration = {
  version: 3,
  name: 'cost_reports',
  up: ({ database, onCluster, engine }) => [
    `CREATE TABLE IF NOT EXISTS ${database}.cost_reports${onCluster}
(
  report_id String,
  entity_ref LowCardinality(String),
  repository LowCardinality(String),
  environment LowCardinality(String),
  pull_request Nullable(UInt32),
  reported_at DateTime64(3, 'UTC'),
  currency LowCardinality(String),
  past_monthly_cost Nullable(Decimal(18, 6)),
  total_monthly_cost Decimal(18, 6),
  diff_monthly_cost Nullable(Decimal(18, 6)),
  project_count UInt32,
  project_errors UInt32,
  budget String,
  status LowCardinality(String),
  approved UInt8,
  reason String
)
ENGINE = ${engine('ReplacingMergeTree')}
PARTITION BY toYYYYMM(reported_at)
ORDER BY (entity_ref, repository, environment, reported_at, report_id)`,
    `CREATE TABLE IF NOT EXISTS ${database}.cost_report_resources${onCluster}
(
  report_id String,
  entity_ref LowCardinality(String),
  repository LowCardinality(String),
  environment LowCardinality(String),
  reported_at DateTime64(3, 'UTC'),
  project String,
  name String,
  resource_type String,
  past_monthly_cost Decimal(18, 6),
  monthly_cost Decimal(18, 6),
  diff_monthly_cost Decimal(18, 6)
)
ENGINE = ${engine('ReplacingMergeTree')}
PARTITION BY toYYYYMM(reported_at)
ORDER BY (entity_ref, repository, environment, reported_at, report_id, project, name)`,
  ],
};
