/**
 * Tunables of the streaming univariate scoring core.
 *
 * Every field travels to ClickHouse as a query parameter prefixed `uc_`
 * (for example `cooldownRows` → `{uc_cooldown_rows:UInt32}`), so one SQL
 * text serves every configuration. Units are rows of the scored series
 * unless stated otherwise.
 *
 * @public
 */
export interface UnivariateCoreOptions {
  /**
   * Rows before the scored row whose mean and population standard deviation
   * are reported as `baseline` and `spread` (descriptive only; the score does
   * not use them).
   */
  baselineRows: number;
  /**
   * The first rows of a series whose mean and standard deviation fix the
   * series' histogram grid (`binWidth` standard deviations per bin). Until
   * that many rows exist the grid follows all rows seen so far.
   */
  referenceRows: number;
  /** Histogram bin width, in reference standard deviations. */
  binWidth: number;
  /**
   * Width of the time-of-day context buckets, in hours (1–24; 24 = no
   * context). Values are compared with earlier values of the same bucket.
   */
  contextHours: number;
  /**
   * Surprise, in decimal digits (−log10 of the estimated probability), at
   * which the series-wide rarity reaches score 1.
   */
  globalDigits: number;
  /** Surprise, in decimal digits, at which the time-of-day rarity reaches 1. */
  contextDigits: number;
  /** Rows a series needs before it is scored at all; earlier rows score 0. */
  minHistoryRows: number;
  /**
   * Alert cooldown for `onset`: a row's `onset` is its `score` only when the
   * score exceeds every score of the previous `cooldownRows` rows, else 0.
   */
  cooldownRows: number;
  /**
   * Floor of the reference and baseline spreads relative to the mean's
   * magnitude, so a nearly constant series does not turn rounding noise into
   * histogram bins. Unit: fraction of `|mean|`.
   */
  minSpreadRatio: number;
  /** Absolute floor of the spreads, in the series' own unit. */
  minSpread: number;
}

/**
 * The one configuration used by every detector and by the NAB benchmark
 * (`bench/nab`). How each value was chosen, with the NAB figures of the
 * alternatives, is in `docs/nab-benchmark.md`.
 *
 * @public
 */
export const DEFAULT_UNIVARIATE_CORE: Readonly<UnivariateCoreOptions> =
  Object.freeze({
    baselineRows: 288,
    referenceRows: 2000,
    binWidth: 1.5,
    contextHours: 2,
    globalDigits: 4.4,
    contextDigits: 4,
    minHistoryRows: 12,
    cooldownRows: 200,
    minSpreadRatio: 0.001,
    minSpread: 1e-9,
  });

const INTEGER_OPTIONS = [
  'baselineRows',
  'referenceRows',
  'contextHours',
  'minHistoryRows',
  'cooldownRows',
] as const;

function checkOptions(options: UnivariateCoreOptions): void {
  const fail = (field: keyof UnivariateCoreOptions, expected: string) => {
    throw new TypeError(
      `Invalid univariate core option ${field}: ${String(
        options[field],
      )} (expected ${expected})`,
    );
  };
  for (const field of INTEGER_OPTIONS) {
    const v = options[field];
    if (!Number.isInteger(v) || v < 1 || v > 1_000_000_000) {
      fail(field, 'an integer ≥ 1');
    }
  }
  if (options.contextHours > 24) fail('contextHours', 'an integer in 1–24');
  for (const field of ['binWidth', 'globalDigits', 'contextDigits'] as const) {
    if (!Number.isFinite(options[field]) || options[field] <= 0) {
      fail(field, 'a positive number');
    }
  }
  if (!Number.isFinite(options.minSpreadRatio) || options.minSpreadRatio < 0) {
    fail('minSpreadRatio', 'a number ≥ 0');
  }
  if (!Number.isFinite(options.minSpread) || options.minSpread <= 0) {
    fail('minSpread', 'a positive number');
  }
}

/**
 * Wraps a series subquery into a streaming anomaly-scoring query.
 *
 * `source` is a SQL subquery (without surrounding parentheses) yielding
 * `series String, ts DateTime64(3), value Float64`; it may carry its own
 * query parameters, which the caller merges with the returned `params`.
 * The result has one row per input row, ordered by `series, ts`:
 *
 * - `series`, `ts`, `value` — as given;
 * - `baseline`, `spread` (Float64) — mean and population standard deviation
 *   of the previous `baselineRows` values (floored, see the options);
 * - `score` (Float64, [0, 1]) — how rare the value is in the series' own
 *   history: the larger of the series-wide and the time-of-day rarity;
 * - `onset` (Float64, [0, 1]) — `score` when it exceeds every score of the
 *   previous `cooldownRows` rows, else 0: what an alert with a cooldown fires
 *   on. The NAB benchmark measures this column.
 *
 * Streaming: every window frame ends at the current row, so a row's columns
 * use only that row and earlier rows of the same series, and appending data
 * never changes an earlier row. Rows with equal `ts` are ordered by value.
 *
 * Formula: the first `referenceRows` values give a mean `m` and standard
 * deviation `s`; bin `b = ⌊(x − m) / (binWidth · s)⌋`. With `n` the row's
 * position in the series, `c` the earlier rows in bin `b`, and `n_h`, `c_h`
 * the same counts restricted to rows in the same `contextHours`-hour UTC
 * time-of-day bucket, `score = max(min(1, −log10((c + 1) / n) / globalDigits),
 * min(1, −log10((c_h + 1) / (n_h + 1)) / contextDigits))`. It is a causal
 * histogram density estimate with add-one smoothing; the same idea as the
 * "relative entropy" detector of NAB (Wang et al., 2011) and the log-scaled
 * anomaly likelihood of Numenta HTM (Ahmad et al., 2017), but computed
 * with ClickHouse window functions.
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
  const bySeries = 'PARTITION BY series ORDER BY rn';
  const before = 'ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING';
  const spreadFloor = (sd: string, mean: string) =>
    `greatest(ifNull(${sd}, 0), {uc_min_spread_ratio:Float64} * abs(${mean}), {uc_min_spread:Float64})`;
  const sql = `
SELECT series, ts, value, baseline, spread, score,
  if(score > ifNull(recent_peak, 0), score, 0) AS onset
FROM (
  SELECT *,
    max(score) OVER (${bySeries} ROWS BETWEEN {uc_cooldown_rows:UInt32} PRECEDING AND 1 PRECEDING) AS recent_peak
  FROM (
    SELECT *,
      if(rn <= {uc_min_history_rows:UInt32}, 0, greatest(
        least(1, -log10((bin_seen + 1) / rn) / {uc_global_digits:Float64}),
        least(1, -log10((context_bin_seen + 1) / (context_seen + 1)) / {uc_context_digits:Float64})
      )) AS score
    FROM (
      SELECT *,
        count() OVER (PARTITION BY series, bin ORDER BY rn ${before}) AS bin_seen,
        count() OVER (PARTITION BY series, context, bin ORDER BY rn ${before}) AS context_bin_seen,
        count() OVER (PARTITION BY series, context ORDER BY rn ${before}) AS context_seen
      FROM (
        SELECT *,
          floor((value - ref_mean) / (${spreadFloor(
            'ref_sd',
            'ref_mean',
          )} * {uc_bin_width:Float64})) AS bin
        FROM (
          SELECT *,
            avgIf(value, rn <= {uc_reference_rows:UInt32}) OVER w_cum AS ref_mean,
            stddevPopIf(value, rn <= {uc_reference_rows:UInt32}) OVER w_cum AS ref_sd
          FROM (
            SELECT series, ts, value,
              row_number() OVER (PARTITION BY series ORDER BY ts, value) AS rn,
              intDiv(toHour(ts, 'UTC'), {uc_context_hours:UInt8}) AS context,
              ifNull(avg(value) OVER w_base, value) AS baseline,
              ${spreadFloor(
                'stddevPop(value) OVER w_base',
                'baseline',
              )} AS spread
            FROM (
              SELECT toString(series) AS series, toDateTime64(ts, 3) AS ts, toFloat64(value) AS value
              FROM (${source})
            )
            WINDOW w_base AS (PARTITION BY series ORDER BY ts, value
                              ROWS BETWEEN {uc_baseline_rows:UInt32} PRECEDING AND 1 PRECEDING)
          )
          WINDOW w_cum AS (${bySeries} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        )
      )
    )
  )
)
ORDER BY series, ts, value`;
  return {
    sql,
    params: {
      uc_baseline_rows: options.baselineRows,
      uc_reference_rows: options.referenceRows,
      uc_bin_width: options.binWidth,
      uc_context_hours: options.contextHours,
      uc_global_digits: options.globalDigits,
      uc_context_digits: options.contextDigits,
      uc_min_history_rows: options.minHistoryRows,
      uc_cooldown_rows: options.cooldownRows,
      uc_min_spread_ratio: options.minSpreadRatio,
      uc_min_spread: options.minSpread,
    },
  };
}
