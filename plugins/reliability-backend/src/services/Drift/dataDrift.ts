/**
 * Thresholds of the data-drift statistics.
 *
 * - PSI (population stability index) over deciles of the baseline: below 0.1 stable, 0.1–0.25
 *   moderate shift, above 0.25 significant shift. Source: N. Siddiqi, "Credit Risk Scorecards"
 *   (Wiley, 2006), ch. 8, the rule of thumb used across model monitoring; discussed in B. Yurdakul,
 *   "Statistical Properties of Population Stability Index" (Western Michigan University, 2018).
 * - Two-sample Kolmogorov–Smirnov: reject "same distribution" when D exceeds
 *   c(α)·sqrt((n + m) / (n·m)) with c(0.05) = 1.358 (Smirnov 1948; table in F. J. Massey,
 *   "The Kolmogorov-Smirnov Test for Goodness of Fit", JASA 46(253), 1951).
 * - Series with fewer than `minSamples` points in either window are `insufficient-data`.
 *
 * @public
 */
export const DATA_DRIFT_THRESHOLDS = {
  psiModerate: 0.1,
  psiSignificant: 0.25,
  ksAlpha: 0.05,
  minSamples: 30,
} as const;

/** c(α) of the two-sample KS critical value for α = 0.05. */
const KS_C_ALPHA_005 = 1.358;

/**
 * Critical value of the two-sample KS statistic at α = 0.05.
 *
 * @param n - size of the first sample (> 0)
 * @param m - size of the second sample (> 0)
 * @public
 */
export function ksCriticalValue(n: number, m: number): number {
  return KS_C_ALPHA_005 * Math.sqrt((n + m) / (n * m));
}

/**
 * SQL computing, per (node, metric) of one component's telemetry, PSI, the two-sample KS statistic D
 * and the Jensen–Shannon distance of the last `current_hours` against the `baseline_days` before.
 *
 * PSI and JS use ten bins cut at the baseline's exact deciles (`quantilesExact`); empty bins get a
 * proportion of 1e-4 in PSI so the logarithm stays finite. JS distance is the square root of the
 * base-2 Jensen–Shannon divergence, in [0, 1]. KS walks the pooled sorted values with running
 * counts (window functions) and takes the largest gap of the two empirical CDFs.
 *
 * Parameters: `db` is inlined (validated identifier); values travel as query params
 * `{component:String}`, `{end:DateTime64(3, 'UTC')}`, `{current_hours:UInt32}`, `{baseline_days:UInt32}`.
 *
 * @public
 */
export function dataDriftSql(db: string): string {
  return `
WITH
  src AS (
    SELECT node, metric, value, ts >= ({end:DateTime64(3, 'UTC')} - toIntervalHour({current_hours:UInt32})) AS is_cur
    FROM ${db}.telemetry
    WHERE component = {component:String}
      AND ts >= {end:DateTime64(3, 'UTC')} - toIntervalHour({current_hours:UInt32}) - toIntervalDay({baseline_days:UInt32})
      AND ts < {end:DateTime64(3, 'UTC')}
      AND isFinite(value)
  ),
  counts AS (
    SELECT node, metric, countIf(NOT is_cur) AS nb, countIf(is_cur) AS nc
    FROM src GROUP BY node, metric
  ),
  edges AS (
    SELECT node, metric, quantilesExact(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)(value) AS e
    FROM src WHERE NOT is_cur GROUP BY node, metric
  ),
  binned AS (
    SELECT s.node AS node, s.metric AS metric, arrayCount(x -> s.value > x, g.e) AS bin,
           countIf(NOT s.is_cur) AS b, countIf(s.is_cur) AS c
    FROM src AS s INNER JOIN edges AS g ON s.node = g.node AND s.metric = g.metric
    GROUP BY node, metric, bin
  ),
  dist AS (
    SELECT d.node AS node, d.metric AS metric, d.b / k.nb AS pb, d.c / k.nc AS pc
    FROM binned AS d INNER JOIN counts AS k ON d.node = k.node AND d.metric = k.metric
    WHERE k.nb > 0 AND k.nc > 0
  ),
  divergence AS (
    SELECT node, metric,
      sum((greatest(pc, 1e-4) - greatest(pb, 1e-4)) * ln(greatest(pc, 1e-4) / greatest(pb, 1e-4))) AS psi,
      sqrt(greatest(0,
        0.5 * sum(if(pb > 0, pb * log2(pb / ((pb + pc) / 2)), 0)) +
        0.5 * sum(if(pc > 0, pc * log2(pc / ((pb + pc) / 2)), 0)))) AS js
    FROM dist GROUP BY node, metric
  ),
  steps AS (
    SELECT node, metric, value, countIf(NOT is_cur) AS b, countIf(is_cur) AS c
    FROM src GROUP BY node, metric, value
  ),
  cdf AS (
    SELECT node, metric,
      sum(b) OVER w AS cb, sum(c) OVER w AS cc
    FROM steps
    WINDOW w AS (PARTITION BY node, metric ORDER BY value ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
  ),
  ks AS (
    SELECT f.node AS node, f.metric AS metric, max(abs(f.cb / k.nb - f.cc / k.nc)) AS d
    FROM cdf AS f INNER JOIN counts AS k ON f.node = k.node AND f.metric = k.metric
    WHERE k.nb > 0 AND k.nc > 0
    GROUP BY node, metric
  )
SELECT k.node AS node, k.metric AS metric, k.nb AS baseline_count, k.nc AS current_count,
       v.psi AS psi, v.js AS js, s.d AS ks
FROM counts AS k
LEFT JOIN divergence AS v ON k.node = v.node AND k.metric = v.metric
LEFT JOIN ks AS s ON k.node = s.node AND k.metric = s.metric
ORDER BY node, metric
SETTINGS join_use_nulls = 1`;
}
