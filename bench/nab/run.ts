/*
 * NAB runner: scores every series of a NAB-layout corpus with the detectors'
 * univariate core inside ClickHouse (embedded chdb engine) and prints the
 * benchmark's normalised score per profile.
 *
 *   node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs bench/nab/run.ts \
 *     [--data DIR] [--windows FILE] [--profiles FILE] [--out DIR] \
 *     [--detector NAME] [--options JSON] [--no-streaming-check]
 *
 * Defaults read the shared dataset next to the repository
 * (`../shared/datasets/nab`) and write results under `bench/out/nab`.
 */
import { ClickHouseClient, createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_UNIVARIATE_CORE,
  UnivariateCoreOptions,
  univariateScoreSql,
} from '../../plugins/reliability-backend/src/services/RiskService/univariateCore';
import {
  listDataFiles,
  readProfiles,
  readSeries,
  readWindows,
  resultPath,
  SeriesRow,
} from './lib/corpus';
import { evaluateDetector, formatResults } from './lib/evaluate';

// chdb types its connection against @clickhouse/client-common 1.23.0 while the
// client is 1.23.1; the runtime interface is the same.
type ClientConnection = NonNullable<
  Parameters<typeof createClient>[0]
>['connection'];

const REPO_ROOT = path.resolve(__dirname, '../..');
const DATASET = path.resolve(REPO_ROOT, '..', 'shared', 'datasets', 'nab');
const TABLE = 'nab_series';

interface RunOptions {
  data: string;
  windows: string;
  profiles: string;
  out: string;
  detector: string;
  core: UnivariateCoreOptions;
  streamingCheck: boolean;
  verbose: boolean;
  column: 'onset' | 'score';
}

function parseOptions(argv: string[]): RunOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string', default: path.join(DATASET, 'data') },
      windows: {
        type: 'string',
        default: path.join(DATASET, 'combined_windows.json'),
      },
      profiles: { type: 'string' },
      out: { type: 'string', default: path.join(REPO_ROOT, 'bench/out/nab') },
      detector: { type: 'string', default: 'goldenpath' },
      options: { type: 'string' },
      'no-streaming-check': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      column: { type: 'string', default: 'onset' },
    },
  });
  const windows = path.resolve(values.windows!);
  let core: UnivariateCoreOptions = DEFAULT_UNIVARIATE_CORE;
  if (values.options) {
    const parsed = JSON.parse(values.options) as Partial<UnivariateCoreOptions>;
    core = { ...DEFAULT_UNIVARIATE_CORE, ...parsed };
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(values.detector!)) {
    throw new Error(
      `--detector must be letters, digits, '_' or '-': '${values.detector}'`,
    );
  }
  if (values.column !== 'onset' && values.column !== 'score') {
    throw new Error(`--column must be 'onset' or 'score': '${values.column}'`);
  }
  return {
    column: values.column,
    data: path.resolve(values.data!),
    windows,
    profiles: path.resolve(
      values.profiles ?? path.join(path.dirname(windows), 'profiles.json'),
    ),
    out: path.resolve(values.out!),
    detector: values.detector!,
    core,
    streamingCheck: !values['no-streaming-check'],
    verbose: values.verbose!,
  };
}

function toClickHouseTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

async function loadSeries(
  client: ClickHouseClient,
  series: string,
  rows: SeriesRow[],
): Promise<void> {
  await client.insert({
    table: TABLE,
    format: 'JSONEachRow',
    values: rows.map(r => ({
      series,
      ts: toClickHouseTime(r.timestamp),
      value: r.value,
    })),
  });
}

/** Scores one series, optionally only its first `limit` rows. */
async function scoreSeries(
  client: ClickHouseClient,
  series: string,
  core: UnivariateCoreOptions,
  column: 'onset' | 'score',
  limit?: number,
): Promise<Array<{ ms: number; score: number }>> {
  const source =
    limit === undefined
      ? `SELECT series, ts, value FROM ${TABLE} WHERE series = {nab_series:String}`
      : `SELECT series, ts, value FROM ${TABLE} WHERE series = {nab_series:String} ORDER BY ts LIMIT {nab_limit:UInt32}`;
  const { sql, params } = univariateScoreSql(source, core);
  const result = await client.query({
    query: `SELECT toUnixTimestamp64Milli(ts) AS ms, ${column} AS score FROM (${sql}) ORDER BY ms`,
    query_params: { ...params, nab_series: series, nab_limit: limit ?? 0 },
    format: 'JSONEachRow',
  });
  const rows = (await result.json()) as Array<{ ms: unknown; score: unknown }>;
  return rows.map(r => ({ ms: Number(r.ms), score: Number(r.score) }));
}

function writeResult(
  file: string,
  timestamps: string[],
  scores: number[],
): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines = ['timestamp,anomaly_score'];
  timestamps.forEach((ts, i) => lines.push(`${ts},${scores[i]}`));
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

function rawTimestamps(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter(line => line.trim() !== '')
    .map(line => line.slice(0, line.indexOf(',')));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  for (const [flag, target] of [
    ['--data', options.data],
    ['--windows', options.windows],
    ['--profiles', options.profiles],
  ]) {
    if (!fs.existsSync(target)) {
      throw new Error(`${flag} ${target} does not exist`);
    }
  }
  const windows = readWindows(options.windows);
  const profiles = readProfiles(options.profiles);
  const dataFiles = listDataFiles(options.data);
  const missing = [...windows.keys()].filter(f => !dataFiles.includes(f));
  if (missing.length > 0) {
    throw new Error(
      `Labelled files missing from --data: ${missing.join(', ')}`,
    );
  }
  const unlabelled = dataFiles.filter(f => !windows.has(f));
  if (unlabelled.length > 0) {
    process.stderr.write(
      `Skipping ${
        unlabelled.length
      } data file(s) without windows: ${unlabelled.join(', ')}\n`,
    );
  }
  const files = dataFiles.filter(f => windows.has(f));

  const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldenpath-nab-'));
  const connection = createChdbConnection({ path: dbDir });
  const client = createClient({
    connection: connection as unknown as ClientConnection,
  });
  const started = Date.now();
  let rowCount = 0;
  let streamingChecked = 0;
  try {
    await client.command({
      query: `CREATE TABLE ${TABLE} (series String, ts DateTime64(3, 'UTC'), value Float64) ENGINE = MergeTree ORDER BY (series, ts)`,
    });
    for (const file of files) {
      const rows = readSeries(path.join(options.data, file));
      await loadSeries(client, file, rows);
      rowCount += rows.length;
    }
    const loaded = Date.now();

    for (const file of files) {
      const scored = await scoreSeries(
        client,
        file,
        options.core,
        options.column,
      );
      const timestamps = rawTimestamps(path.join(options.data, file));
      if (scored.length !== timestamps.length) {
        throw new Error(
          `${file}: scored ${scored.length} rows of ${timestamps.length}`,
        );
      }
      const scores = scored.map(r => r.score);
      if (scores.some(s => !(s >= 0 && s <= 1))) {
        throw new Error(`${file}: an anomaly score is outside [0, 1]`);
      }
      if (options.streamingCheck) {
        // Scoring only a prefix must reproduce the prefix's scores exactly.
        const cut = Math.floor(scored.length / 2);
        const prefix = await scoreSeries(
          client,
          file,
          options.core,
          options.column,
          cut,
        );
        prefix.forEach((r, i) => {
          if (r.ms !== scored[i].ms || r.score !== scored[i].score) {
            throw new Error(
              `${file}: row ${i} scores ${scored[i].score} with the full series but ${r.score} with only its first ${cut} rows (look-ahead)`,
            );
          }
        });
        streamingChecked += 1;
      }
      writeResult(
        resultPath(options.out, options.detector, file),
        timestamps,
        scores,
      );
    }
    const done = Date.now();

    const results = evaluateDetector(
      options.out,
      options.detector,
      windows,
      profiles,
    );
    process.stdout.write(
      `NAB: ${files.length} files, ${rowCount} rows, ${results[0].windowCount} windows; ` +
        `load ${loaded - started} ms, score ${done - loaded} ms` +
        `${
          options.streamingCheck
            ? ` (incl. streaming check on ${streamingChecked} files)`
            : ''
        }\n` +
        `core options: ${JSON.stringify(options.core)}; column: ${
          options.column
        }\n` +
        `results: ${options.out}\n`,
    );
    process.stdout.write(
      formatResults(options.detector, results, windows, options.verbose),
    );
  } finally {
    await client.close();
    fs.rmSync(dbDir, { recursive: true, force: true });
  }
}

main().catch(error => {
  process.stderr.write(
    `${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
