/**
 * ClickHouse SQL of the four DORA metrics over `delivery_events` (read with `FINAL`, so replayed
 * deliveries count once). Every value is a query param:
 * `{repository:String}`, `{environment:String}`, `{from:DateTime64(3, 'UTC')}`,
 * `{to:DateTime64(3, 'UTC')}`, `{incident_hours:UInt32}`; `db` is a validated identifier.
 *
 * A production deployment is a GitHub deployment in the production environment with a terminal
 * status (`success`, `failure` or `error`); its time is its last terminal status and its outcome
 * that status. Deployments without a terminal status are not counted yet.
 */
function deploymentsCte(db: string): string {
  return `
  deploys AS (
    SELECT deployment_id,
           argMax(state, ts) AS outcome,
           max(ts) AS finished_at,
           argMax(sha, ts) AS sha,
           max(is_rollback) AS flagged,
           1 AS k
    FROM ${db}.delivery_events FINAL
    WHERE repository = {repository:String}
      AND kind = 'deployment_status'
      AND environment = {environment:String}
      AND state IN ('success', 'failure', 'error')
      AND ts < {to:DateTime64(3, 'UTC')}
    GROUP BY deployment_id
  ),
  succ AS (
    SELECT deployment_id, finished_at, k FROM deploys WHERE outcome = 'success'
  )`;
}

/**
 * Deployment frequency and change failure rate inputs in [from, to).
 *
 * A successful deployment is a rollback when flagged on ingest (task, description or payload says
 * rollback) or when it re-deploys a commit that an earlier successful deployment shipped and that is
 * not the one currently running. A successful deployment counts as failed ("remediated") when the
 * next production deployment is a rollback, or when an `incident`-labelled issue is opened within
 * `incident_hours` after it and before any later deployment (ASOF JOIN to the latest deployment
 * before the incident).
 *
 * Columns: `total`, `successful`, `deployment_days`, `failed`, `remediated`.
 * @public
 */
export function deploymentStatsSql(db: string): string {
  return `
WITH ${deploymentsCte(db)},
  marked AS (
    SELECT deployment_id, outcome, finished_at, sha, k,
      flagged = 1 OR (outcome = 'success' AND sha != ''
        AND has(earlier, sha) AND sha != ifNull(running, '')) AS is_rollback
    FROM (
      SELECT *,
        groupArray(if(outcome = 'success', sha, '')) OVER prior AS earlier,
        anyLast(if(outcome = 'success', toNullable(sha), NULL)) OVER prior AS running
      FROM deploys
      WINDOW prior AS (ORDER BY finished_at, deployment_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    )
  ),
  sequenced AS (
    SELECT *,
      leadInFrame(toUInt8(is_rollback), 1, 0) OVER (ORDER BY finished_at, deployment_id
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS next_is_rollback
    FROM marked
  ),
  incidents AS (
    SELECT ts, 1 AS k FROM ${db}.delivery_events FINAL
    WHERE repository = {repository:String} AND kind = 'incident_opened'
      AND ts < {to:DateTime64(3, 'UTC')}
  ),
  attributed AS (
    SELECT DISTINCT d.deployment_id AS deployment_id
    FROM incidents AS i
    ASOF INNER JOIN (SELECT deployment_id, finished_at, k FROM deploys) AS d
      ON i.k = d.k AND i.ts >= d.finished_at
    WHERE dateDiff('second', d.finished_at, i.ts) <= {incident_hours:UInt32} * 3600
  )
SELECT
  count() AS total,
  countIf(outcome = 'success') AS successful,
  uniqExactIf(toDate(finished_at), outcome = 'success') AS deployment_days,
  countIf(outcome != 'success') AS failed,
  countIf(outcome = 'success' AND (next_is_rollback = 1
    OR deployment_id IN (SELECT deployment_id FROM attributed))) AS remediated
FROM sequenced
WHERE finished_at >= {from:DateTime64(3, 'UTC')} AND finished_at < {to:DateTime64(3, 'UTC')}`;
}

/**
 * Lead time for changes: for each pull request merged in [from, to) by a human (bot authors are
 * excluded), the hours from its first commit to the first successful production deployment at or
 * after its merge. Pull requests not deployed yet are left out.
 *
 * Columns: `merged`, `bots`, `deployed`, `median_hours`, `p90_hours`.
 * @public
 */
export function leadTimeSql(db: string): string {
  return `
WITH ${deploymentsCte(db)},
  prs AS (
    SELECT number, ts AS merged_at, first_commit_at, author_is_bot, 1 AS k
    FROM ${db}.delivery_events FINAL
    WHERE repository = {repository:String} AND kind = 'pull_request_merged'
      AND ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
  ),
  lead AS (
    SELECT dateDiff('millisecond', ifNull(p.first_commit_at, p.merged_at), d.finished_at) / 3600000 AS hours
    FROM (SELECT * FROM prs WHERE author_is_bot = 0) AS p
    ASOF INNER JOIN succ AS d ON p.k = d.k AND p.merged_at <= d.finished_at
  )
SELECT
  (SELECT countIf(author_is_bot = 0) FROM prs) AS merged,
  (SELECT countIf(author_is_bot = 1) FROM prs) AS bots,
  count() AS deployed,
  quantileExact(0.5)(hours) AS median_hours,
  quantileExact(0.9)(hours) AS p90_hours
FROM lead`;
}

/**
 * Time to restore service in [from, to): hours from an incident opened to its closing, and from a
 * failed production deployment to the next successful one. Median over both.
 *
 * Columns: `incidents`, `recovered`, `median_hours`.
 * @public
 */
export function timeToRestoreSql(db: string): string {
  return `
WITH ${deploymentsCte(db)},
  opened AS (
    SELECT number, min(ts) AS opened_at FROM ${db}.delivery_events FINAL
    WHERE repository = {repository:String} AND kind = 'incident_opened'
    GROUP BY number
  ),
  closed AS (
    SELECT number, max(ts) AS closed_at FROM ${db}.delivery_events FINAL
    WHERE repository = {repository:String} AND kind = 'incident_closed'
    GROUP BY number
  ),
  incident_hours AS (
    SELECT dateDiff('millisecond', o.opened_at, c.closed_at) / 3600000 AS hours
    FROM opened AS o INNER JOIN closed AS c ON o.number = c.number
    WHERE o.opened_at >= {from:DateTime64(3, 'UTC')} AND o.opened_at < {to:DateTime64(3, 'UTC')}
      AND c.closed_at >= o.opened_at
  ),
  failed AS (
    SELECT finished_at AS failed_at, k FROM deploys
    WHERE outcome != 'success'
      AND finished_at >= {from:DateTime64(3, 'UTC')} AND finished_at < {to:DateTime64(3, 'UTC')}
  ),
  recovery_hours AS (
    SELECT dateDiff('millisecond', f.failed_at, d.finished_at) / 3600000 AS hours
    FROM failed AS f ASOF INNER JOIN succ AS d ON f.k = d.k AND f.failed_at < d.finished_at
  )
SELECT
  (SELECT count() FROM incident_hours) AS incidents,
  (SELECT count() FROM recovery_hours) AS recovered,
  quantileExact(0.5)(hours) AS median_hours
FROM (SELECT hours FROM incident_hours UNION ALL SELECT hours FROM recovery_hours)`;
}
