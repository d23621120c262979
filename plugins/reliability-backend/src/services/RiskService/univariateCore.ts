/**
 * Tunables of the streaming univariate scoring core.
 *
 * Every field travels to ClickHouse as a query parameter prefixed `uc_`
 * (for example `baselineRows` → `{uc_baseline_rows:UInt32}`), so one prepared
 * SQL text serves every configuration.
 *
 * @public
 */
export interface UnivariateCoreOptions {
  /**
   * Rows of history (strictly before the scored row) that form the baseline
   * window, per series. Unit: rows.
   */
  baselineRows: number;
  /**
   * Rows of history a series needs before it is scored at all; earlier rows
   * score 0. Unit: rows.
   */
  minHistoryRows: number;
  /**
   * Floor of the spread relative to the baseline's magnitude, so a nearly
   * constant series does not turn rounding noise into alarms. Unit: fraction
   * of `|baseline|`.
   */
  minSpreadRatio: number;
  /** Absolute floor of the spread, in the series' own unit. */
  minSpread: number;
}

/**
 * The one configuration used by every detector and by the NAB benchmark
 * (`bench/nab`). Figures behind each value are in `docs/nab-benchmark.md`.
 *
 * @public
 */
export const DEFAULT_UNIVARIATE_CORE: Readonly<UnivariateCoreOptions> =
  Object.freeze({
    baselineRows: 288,
    minHistoryRows: 12,
    minSpreadRatio: 0.001,
    minSpread: 1e-9,
  });

function checkOptions(options: UnivariateCoreOptions): void {
  const checks: Array<[keyof UnivariateCoreOptions, boolean]> = [
    [
      'baselineRows',
      Number.isInteger(options.baselineRows) && options.baselineRows >= 2,
    ],
    [
      'minHistoryRows',
      Number.isInteger(options.minHistoryRows) &&
        options.minHistoryRows >= 2 &&
        options.minHistoryRows <= options.baselineRows,
    ],
    [
      'minSpreadRatio',
      Number.isFinite(options.minSpreadRatio) && options.minSpreadRatio >= 0,
    ],
    ['minSpread', Number.isFinite(options.minSpread) && options.minSpread > 0],
  ];
  for (const [field, ok] of checks) {
    if (!ok) {
      throw new TypeError(
        `Invalid univariate core option ${field}: ${String(options[field])}`,
      );
    }
  }
}

/**
 * Wraps a series subquery into a streaming anomaly-scoring query.
 *
 * `source` is a SQL subquery (without surrounding parentheses) yielding
 * `series String, ts DateTime64(3), value Float64`; it may carry its own
 * query parameters, which the caller merges with the returned `params`.
 * The result yields one row per input row:
 * `series String, ts DateTime64(3), value Float64, baseline Float64,
 * spread Float64, score Float64`, ordered by `series, ts`.
 *
 * Streaming: a row's baseline, spread and score use only that row and the
 * earlier rows of the same series (window frames end at the current row),
 * so appending data never changes an earlier score. Rows with equal `ts`
 * are ordered by value to stay deterministic.
 *
 * Formula (v1): baseline = mean of the previous `baselineRows` values,
 * spread = max(population standard deviation of those values,
 * `minSpreadRatio`·|baseline|, `minSpread`), z = |value − baseline| / spread,
 * score = erf(z / √2), i.e. the two-sided Gaussian probability mass within
 * ±z (the rolling z-score of NAB's `windowedGaussian` reference detector,
 * Lavin & Ahmad 2015). Score is 0 until `minHistoryRows` earlier rows exist.
 *
 * @param source - subquery yielding `series, ts, value`
 * @param options - tunables; defaults to {@link DEFAULT_UNIVARIATE_CORE}
 * @returns the SQL text and its `uc_`-prefixed query parameters
 * @throws TypeError when an option is out of range
 * @public
 */
export function univariateScoreSql(
  source: string,
  options: UnivariateCoreOptions = DEFAULT_UNIVARIATE_CORE,
): { sql: string; params: Record<string, unknown> } {
  checkOptions(options);
  const sql = `
SELECT series, ts, value, baseline, spread,
  if(history < {uc_min_history_rows:UInt32}, 0,
     least(1, greatest(0, erf(abs(value - baseline) / spread / sqrt(2))))) AS score
FROM (
  SELECT series, ts, value,
    count() OVER w_hist AS history,
    ifNull(avg(value) OVER w_hist, value) AS baseline,
    greatest(
      ifNull(stddevPop(value) OVER w_hist, 0),
      {uc_min_spread_ratio:Float64} * abs(baseline),
      {uc_min_spread:Float64}) AS spread
  FROM (SELECT toString(series) AS series, toDateTime64(ts, 3) AS ts, toFloat64(value) AS value FROM (${source}))
  WINDOW w_hist AS (PARTITION BY series ORDER BY ts, value
                    ROWS BETWEEN {uc_baseline_rows:UInt32} PRECEDING AND 1 PRECEDING)
)
ORDER BY series, ts, value`;
  return {
    sql,
    params: {
      uc_baseline_rows: options.baselineRows,
      uc_min_history_rows: options.minHistoryRows,
      uc_min_spread_ratio: options.minSpreadRatio,
      uc_min_spread: options.minSpread,
    },
  };
}
