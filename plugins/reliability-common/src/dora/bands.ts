/**
 * The four DORA software delivery metrics, in the units Goldenpath computes them.
 *
 * - `deploymentFrequency`: successful production deployments per day
 * - `leadTimeForChanges`: hours from first commit to running in production (median)
 * - `changeFailureRate`: fraction in [0, 1] of production deployments that failed or needed remediation
 * - `timeToRestoreService`: hours (median; the 2023+ reports call it "failed deployment recovery time")
 *
 * @public
 */
export type DoraMetricKey =
  | 'deploymentFrequency'
  | 'leadTimeForChanges'
  | 'changeFailureRate'
  | 'timeToRestoreService';

/**
 * Names of the performance clusters in the State of DevOps reports.
 * The 2022 report found no elite cluster.
 * @public
 */
export type DoraBandName = 'elite' | 'high' | 'medium' | 'low';

/**
 * One cluster's value for one metric as printed in a report.
 *
 * `label` is the report's wording. `limit` is the numeric boundary Goldenpath classifies with, in the
 * metric's unit (see {@link DoraMetricKey}): for deployment frequency a value **at or above** `limit`
 * reaches the band; for the other metrics a value **at or below** `limit` does. The lowest band has
 * no limit and catches every remaining value.
 *
 * @public
 */
export type DoraBand = {
  band: DoraBandName;
  label: string;
  limit?: number;
};

/**
 * Band table of one State of DevOps report year.
 * @public
 */
export type DoraBandTable = {
  year: DoraReportYear;
  title: string;
  source: string;
  /** Bands per metric, best first. */
  metrics: Record<DoraMetricKey, DoraBand[]>;
};

/**
 * Report years whose tables are kept.
 * @public
 */
export type DoraReportYear = 2021 | 2022 | 2023 | 2024;

const HOUR = 1;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;
const SIX_MONTHS = 182 * DAY;
/** "Multiple deploys per day" / "on demand". */
const ON_DEMAND = 1;
const ONCE_PER_WEEK = 1 / 7;
const ONCE_PER_MONTH = 1 / 30;
const ONCE_PER_SIX_MONTHS = 1 / 182;

/**
 * Performance clusters of the Accelerate State of DevOps reports 2021–2024 (DORA / Google Cloud).
 *
 * Labels follow each report's software delivery performance table. Where a report gives a range, the
 * boundary towards the next better band is used as `limit`; where it gives a single cluster value
 * (change failure rate in 2023 and 2024) that value is the limit. The 2024 table lists a lower change
 * failure rate for medium (10 %) than for high (20 %); classification walks the bands best-first, so a
 * rate ≤ 10 % that misses elite is shown as high, which is the safer reading.
 *
 * Sources:
 * - 2021: https://dora.dev/research/2021/dora-report/ (Accelerate State of DevOps 2021, p. 11)
 * - 2022: https://dora.dev/research/2022/dora-report/ (Accelerate State of DevOps 2022, p. 10)
 * - 2023: https://dora.dev/research/2023/dora-report/ (Accelerate State of DevOps 2023, p. 14)
 * - 2024: https://dora.dev/research/2024/dora-report/ (Accelerate State of DevOps 2024, p. 13)
 *
 * @public
 */
export const DORA_BAND_TABLES: Record<DoraReportYear, DoraBandTable> = {
  2021: {
    year: 2021,
    title: 'Accelerate State of DevOps Report 2021',
    source: 'https://dora.dev/research/2021/dora-report/',
    metrics: {
      deploymentFrequency: [
        { band: 'elite', label: 'On-demand (multiple deploys per day)', limit: ON_DEMAND },
        { band: 'high', label: 'Between once per week and once per month', limit: ONCE_PER_MONTH },
        { band: 'medium', label: 'Between once per month and once every 6 months', limit: ONCE_PER_SIX_MONTHS },
        { band: 'low', label: 'Fewer than once per six months' },
      ],
      leadTimeForChanges: [
        { band: 'elite', label: 'Less than one hour', limit: HOUR },
        { band: 'high', label: 'Between one day and one week', limit: WEEK },
        { band: 'medium', label: 'Between one month and six months', limit: SIX_MONTHS },
        { band: 'low', label: 'More than six months' },
      ],
      changeFailureRate: [
        { band: 'elite', label: '0–15%', limit: 0.15 },
        { band: 'high', label: '16–30%', limit: 0.3 },
        { band: 'medium', label: '16–30%', limit: 0.3 },
        { band: 'low', label: '16–30%' },
      ],
      timeToRestoreService: [
        { band: 'elite', label: 'Less than one hour', limit: HOUR },
        { band: 'high', label: 'Less than one day', limit: DAY },
        { band: 'medium', label: 'Between one day and one week', limit: WEEK },
        { band: 'low', label: 'More than six months' },
      ],
    },
  },
  2022: {
    year: 2022,
    title: 'Accelerate State of DevOps Report 2022',
    source: 'https://dora.dev/research/2022/dora-report/',
    metrics: {
      deploymentFrequency: [
        { band: 'high', label: 'On-demand (multiple deploys per day)', limit: ON_DEMAND },
        { band: 'medium', label: 'Between once per week and once per month', limit: ONCE_PER_MONTH },
        { band: 'low', label: 'Between once per month and once every six months' },
      ],
      leadTimeForChanges: [
        { band: 'high', label: 'Between one day and one week', limit: WEEK },
        { band: 'medium', label: 'Between one week and one month', limit: MONTH },
        { band: 'low', label: 'Between one month and six months' },
      ],
      changeFailureRate: [
        { band: 'high', label: '0–15%', limit: 0.15 },
        { band: 'medium', label: '16–30%', limit: 0.3 },
        { band: 'low', label: '46–60%' },
      ],
      timeToRestoreService: [
        { band: 'high', label: 'Less than one day', limit: DAY },
        { band: 'medium', label: 'Between one day and one week', limit: WEEK },
        { band: 'low', label: 'Between one week and one month' },
      ],
    },
  },
  2023: {
    year: 2023,
    title: 'Accelerate State of DevOps Report 2023',
    source: 'https://dora.dev/research/2023/dora-report/',
    metrics: {
      deploymentFrequency: [
        { band: 'elite', label: 'On demand', limit: ON_DEMAND },
        { band: 'high', label: 'Between once per day and once per week', limit: ONCE_PER_WEEK },
        { band: 'medium', label: 'Between once per week and once per month', limit: ONCE_PER_MONTH },
        { band: 'low', label: 'Between once per month and once every six months' },
      ],
      leadTimeForChanges: [
        { band: 'elite', label: 'Less than one day', limit: DAY },
        { band: 'high', label: 'Between one day and one week', limit: WEEK },
        { band: 'medium', label: 'Between one week and one month', limit: MONTH },
        { band: 'low', label: 'Between one month and six months' },
      ],
      changeFailureRate: [
        { band: 'elite', label: '5%', limit: 0.05 },
        { band: 'high', label: '10%', limit: 0.1 },
        { band: 'medium', label: '15%', limit: 0.15 },
        { band: 'low', label: '64%' },
      ],
      timeToRestoreService: [
        { band: 'elite', label: 'Less than one hour', limit: HOUR },
        { band: 'high', label: 'Less than one day', limit: DAY },
        { band: 'medium', label: 'Between one day and one week', limit: WEEK },
        { band: 'low', label: 'Between one month and six months' },
      ],
    },
  },
  2024: {
    year: 2024,
    title: 'Accelerate State of DevOps Report 2024',
    source: 'https://dora.dev/research/2024/dora-report/',
    metrics: {
      deploymentFrequency: [
        { band: 'elite', label: 'On demand (multiple deploys per day)', limit: ON_DEMAND },
        { band: 'high', label: 'Between once per day and once per week', limit: ONCE_PER_WEEK },
        { band: 'medium', label: 'Between once per week and once per month', limit: ONCE_PER_MONTH },
        { band: 'low', label: 'Between once per month and once every six months' },
      ],
      leadTimeForChanges: [
        { band: 'elite', label: 'Less than one day', limit: DAY },
        { band: 'high', label: 'Between one day and one week', limit: WEEK },
        { band: 'medium', label: 'Between one week and one month', limit: MONTH },
        { band: 'low', label: 'Between one month and six months' },
      ],
      changeFailureRate: [
        { band: 'elite', label: '5%', limit: 0.05 },
        { band: 'high', label: '20%', limit: 0.2 },
        { band: 'medium', label: '10%', limit: 0.1 },
        { band: 'low', label: '40%' },
      ],
      timeToRestoreService: [
        { band: 'elite', label: 'Less than one hour', limit: HOUR },
        { band: 'high', label: 'Less than one day', limit: DAY },
        { band: 'medium', label: 'Less than one day', limit: DAY },
        { band: 'low', label: 'Between one week and one month' },
      ],
    },
  },
};

/**
 * Report years with a band table, oldest first.
 * @public
 */
export const DORA_REPORT_YEARS: DoraReportYear[] = [2021, 2022, 2023, 2024];

/**
 * Report year used when none is configured (`reliability.dora.bandYear`).
 * @public
 */
export const DEFAULT_DORA_REPORT_YEAR: DoraReportYear = 2024;

/**
 * Classifies one metric value against a report year's bands.
 *
 * @param year - report year whose table to use
 * @param metric - which DORA metric `value` measures
 * @param value - in the metric's unit (see {@link DoraMetricKey}); must be finite
 * @returns the first band, best first, whose limit the value meets (the last band otherwise)
 * @throws RangeError when `value` is not a finite number or the year has no table
 * @public
 */
export function classifyDoraMetric(
  year: DoraReportYear,
  metric: DoraMetricKey,
  value: number,
): DoraBand {
  const table = DORA_BAND_TABLES[year];
  if (!table) {
    throw new RangeError(`No DORA band table for report year ${year}`);
  }
  if (!Number.isFinite(value)) {
    throw new RangeError(`Cannot classify ${metric}: value ${value} is not finite`);
  }
  const bands = table.metrics[metric];
  const higherIsBetter = metric === 'deploymentFrequency';
  for (const band of bands) {
    if (band.limit === undefined) {
      return band;
    }
    if (higherIsBetter ? value >= band.limit : value <= band.limit) {
      return band;
    }
  }
  return bands[bands.length - 1];
}
