import fs from 'node:fs';
import path from 'node:path';
import type { AnomalyWindow, CostProfile, DetectorRow } from './scorer';

/**
 * The three NAB cost profiles, by name.
 *
 * @public
 */
export type ProfileName =
  | 'standard'
  | 'reward_low_FP_rate'
  | 'reward_low_FN_rate';

/**
 * Profile names in the order NAB reports them.
 *
 * @public
 */
export const PROFILE_NAMES: readonly ProfileName[] = [
  'standard',
  'reward_low_FP_rate',
  'reward_low_FN_rate',
];

/**
 * Parses a NAB timestamp (`2014-04-10 07:15:00` or
 * `2014-04-10 07:15:00.000000`, UTC) into epoch milliseconds.
 *
 * @throws Error naming the text when it is not such a timestamp
 * @public
 */
export function parseNabTimestamp(text: string): number {
  const match =
    /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?$/.exec(
      text.trim(),
    );
  if (!match) {
    throw new Error(`Invalid NAB timestamp '${text}'`);
  }
  const millis = (match[3] ?? '').padEnd(3, '0').slice(0, 3);
  const ms = Date.parse(`${match[1]}T${match[2]}.${millis}Z`);
  if (Number.isNaN(ms)) {
    throw new Error(`Invalid NAB timestamp '${text}'`);
  }
  return ms;
}

/**
 * Reads a headed CSV file of plain (unquoted) fields, as NAB writes them.
 *
 * @returns the header and the data rows, each as an array of field texts
 * @throws Error when a row's field count differs from the header's
 * @public
 */
export function readCsv(file: string): { header: string[]; rows: string[][] } {
  const lines = fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter(line => line.trim() !== '');
  if (lines.length === 0) {
    throw new Error(`Empty CSV file ${file}`);
  }
  const header = lines[0].split(',').map(h => h.trim());
  const rows = lines.slice(1).map((line, i) => {
    const fields = line.split(',');
    if (fields.length !== header.length) {
      throw new Error(
        `${file}:${i + 2}: expected ${header.length} fields, got ${
          fields.length
        }`,
      );
    }
    return fields;
  });
  return { header, rows };
}

function column(header: string[], name: string, file: string): number {
  const index = header.indexOf(name);
  if (index < 0) {
    throw new Error(`${file}: missing column '${name}'`);
  }
  return index;
}

/**
 * A NAB data file: `timestamp,value` rows.
 *
 * @public
 */
export interface SeriesRow {
  timestamp: number;
  value: number;
}

/**
 * Reads a NAB data file (`data/<category>/<file>.csv`).
 *
 * @throws Error on a bad timestamp or a non-numeric value
 * @public
 */
export function readSeries(file: string): SeriesRow[] {
  const { header, rows } = readCsv(file);
  const ts = column(header, 'timestamp', file);
  const value = column(header, 'value', file);
  return rows.map((fields, i) => {
    const v = Number(fields[value]);
    if (!Number.isFinite(v)) {
      throw new Error(
        `${file}:${i + 2}: value '${fields[value]}' is not a number`,
      );
    }
    return { timestamp: parseNabTimestamp(fields[ts]), value: v };
  });
}

/**
 * Reads a detector result file (`timestamp,anomaly_score[,label]`).
 *
 * @throws Error on a bad timestamp or an anomaly score that is not a number
 * @public
 */
export function readDetectorRows(file: string): DetectorRow[] {
  const { header, rows } = readCsv(file);
  const ts = column(header, 'timestamp', file);
  const score = column(header, 'anomaly_score', file);
  return rows.map((fields, i) => {
    const anomalyScore = Number(fields[score]);
    if (!Number.isFinite(anomalyScore)) {
      throw new Error(
        `${file}:${i + 2}: anomaly_score '${fields[score]}' is not a number`,
      );
    }
    return { timestamp: parseNabTimestamp(fields[ts]), anomalyScore };
  });
}

/**
 * Reads `combined_windows.json`: data file (relative to the data folder,
 * e.g. `realKnownCause/nyc_taxi.csv`) → its windows, sorted by start.
 *
 * @throws Error when the file is not an object of `[start, end]` pairs
 * @public
 */
export function readWindows(file: string): Map<string, AnomalyWindow[]> {
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`${file}: expected an object of data file → windows`);
  }
  const result = new Map<string, AnomalyWindow[]>();
  for (const [name, pairs] of Object.entries(json)) {
    if (!Array.isArray(pairs)) {
      throw new Error(`${file}: windows of '${name}' are not an array`);
    }
    const windows = pairs.map(pair => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new Error(
          `${file}: window of '${name}' is not a [start, end] pair`,
        );
      }
      return {
        start: parseNabTimestamp(String(pair[0])),
        end: parseNabTimestamp(String(pair[1])),
      };
    });
    windows.sort((a, b) => a.start - b.start);
    result.set(name, windows);
  }
  return result;
}

/**
 * Reads `profiles.json` (`{ <name>: { CostMatrix: { tpWeight, fpWeight,
 * fnWeight } } }`).
 *
 * @throws Error when a profile or weight is missing
 * @public
 */
export function readProfiles(file: string): Record<ProfileName, CostProfile> {
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<
    string,
    { CostMatrix?: Record<string, unknown> }
  >;
  const result = {} as Record<ProfileName, CostProfile>;
  for (const name of PROFILE_NAMES) {
    const matrix = json[name]?.CostMatrix;
    const weights = ['tpWeight', 'fpWeight', 'fnWeight'].map(k =>
      Number(matrix?.[k]),
    );
    if (!matrix || weights.some(w => !Number.isFinite(w))) {
      throw new Error(`${file}: profile '${name}' lacks tp/fp/fn weights`);
    }
    result[name] = {
      tpWeight: weights[0],
      fpWeight: weights[1],
      fnWeight: weights[2],
    };
  }
  return result;
}

/**
 * Lists the data files of a NAB-layout folder as `<category>/<file>.csv`,
 * sorted.
 *
 * @public
 */
export function listDataFiles(dataDir: string): string[] {
  return fs
    .readdirSync(dataDir, { withFileTypes: true })
    .filter(d => d.isDirectory())
    .flatMap(d =>
      fs
        .readdirSync(path.join(dataDir, d.name))
        .filter(f => f.endsWith('.csv'))
        .map(f => `${d.name}/${f}`),
    )
    .sort();
}

/**
 * Path of a detector's result file in NAB's layout:
 * `<root>/<category>/<detector>_<file>.csv`.
 *
 * @public
 */
export function resultPath(
  root: string,
  detector: string,
  dataFile: string,
): string {
  const category = path.dirname(dataFile);
  return path.join(root, category, `${detector}_${path.basename(dataFile)}`);
}
