import { ClickHouseClient, createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_UNIVARIATE_CORE, univariateScoreSql } from './univariateCore';

// chdb types its connection against @clickhouse/client-common 1.23.0 while the
// client is 1.23.1; the runtime interface is the same.
type ClientConnection = NonNullable<
  Parameters<typeof createClient>[0]
>['connection'];

type Point = { series: string; ts: string; value: number };
type Scored = Point & { baseline: number; spread: number; score: number };

const START = Date.UTC(2026, 0, 1);
const STEP_MS = 60_000;

function isoAt(i: number): string {
  return new Date(START + i * STEP_MS)
    .toISOString()
    .replace('T', ' ')
    .replace('Z', '');
}

/** Deterministic pseudo-random noise in [-1, 1) (Park–Miller LCG). */
function noise(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return (s / 2147483647) * 2 - 1;
  };
}

function series(name: string, values: number[]): Point[] {
  return values.map((value, i) => ({ series: name, ts: isoAt(i), value }));
}

describe('univariateScoreSql', () => {
  let dir: string;
  let client: ClickHouseClient;
  let tableSeq = 0;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'univariate-core-'));
    const connection = createChdbConnection({ path: dir });
    client = createClient({
      connection: connection as unknown as ClientConnection,
    });
  });

  afterAll(async () => {
    await client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function score(points: Point[], options = DEFAULT_UNIVARIATE_CORE) {
    tableSeq += 1;
    const table = `points_${tableSeq}`;
    await client.command({
      query: `CREATE TABLE ${table} (series String, ts DateTime64(3, 'UTC'), value Float64) ENGINE = Memory`,
    });
    await client.insert({ table, values: points, format: 'JSONEachRow' });
    const { sql, params } = univariateScoreSql(
      `SELECT series, ts, value FROM ${table} WHERE series IN {wanted:Array(String)}`,
      options,
    );
    const result = await client.query({
      query: sql,
      query_params: {
        ...params,
        wanted: [...new Set(points.map(p => p.series))],
      },
      format: 'JSONEachRow',
    });
    const rows = (await result.json()) as Array<Record<string, unknown>>;
    return rows.map(
      (r): Scored => ({
        series: String(r.series),
        ts: String(r.ts),
        value: Number(r.value),
        baseline: Number(r.baseline),
        spread: Number(r.spread),
        score: Number(r.score),
      }),
    );
  }

  it('should never change an earlier score when future rows are appended', async () => {
    const rnd = noise(7);
    const values = Array.from({ length: 400 }, (_, i) =>
      i === 250 ? 90 : 50 + 5 * rnd(),
    );
    const prefix = await score(series('node-a', values.slice(0, 260)));
    const full = await score(series('node-a', values));

    expect(prefix).toHaveLength(260);
    expect(full).toHaveLength(400);
    expect(full.slice(0, 260)).toEqual(prefix);
    // The appended tail is scored too, so the comparison is not vacuous.
    expect(full.slice(260).some(r => r.score > 0)).toBe(true);
  });

  it('should keep every score in [0, 1], including flat, stepped and extreme series', async () => {
    const rnd = noise(11);
    const points = [
      ...series('flat', Array(300).fill(3)),
      ...series(
        'step',
        Array.from({ length: 300 }, (_, i) => (i < 150 ? 0 : 1e6)),
      ),
      ...series(
        'wild',
        Array.from({ length: 300 }, () => rnd() * 1e12),
      ),
      ...series(
        'negative',
        Array.from({ length: 300 }, (_, i) => -i * 7.5),
      ),
    ];
    const rows = await score(points);

    expect(rows).toHaveLength(1200);
    for (const row of rows) {
      expect(Number.isFinite(row.score)).toBe(true);
      expect(row.score).toBeGreaterThanOrEqual(0);
      expect(row.score).toBeLessThanOrEqual(1);
      expect(row.spread).toBeGreaterThan(0);
    }
    expect(
      rows.filter(r => r.series === 'flat').every(r => r.score === 0),
    ).toBe(true);
    const step = rows.filter(r => r.series === 'step');
    expect(step[150].score).toBeGreaterThan(0.99);
  });

  it('should score each series only from its own history', async () => {
    const rnd = noise(3);
    const a = series(
      'node-a',
      Array.from({ length: 300 }, () => 10 + rnd()),
    );
    const b = series(
      'node-b',
      Array.from({ length: 300 }, (_, i) => (i % 2 ? 1e9 : -1e9)),
    );
    const alone = await score(a);
    const mixed = await score([...b, ...a]);

    expect(mixed.filter(r => r.series === 'node-a')).toEqual(alone);
    expect(mixed.filter(r => r.series === 'node-b')).toHaveLength(300);
  });

  it('should score a clear spike far above steady noise', async () => {
    const rnd = noise(5);
    const values = Array.from({ length: 500 }, (_, i) =>
      i === 400 ? 100 : 50 + 2 * rnd(),
    );
    const rows = await score(series('node-a', values));
    const steady = rows.slice(300, 400).map(r => r.score);
    const meanSteady = steady.reduce((s, x) => s + x, 0) / steady.length;

    expect(rows[400].score).toBeGreaterThan(0.99);
    expect(rows[400].score).toBeGreaterThan(Math.max(...steady));
    expect(meanSteady).toBeLessThan(0.8);
    expect(rows[400].baseline).toBeCloseTo(50, 0);
  });

  it('should score nothing before the minimum history is reached', async () => {
    const rows = await score(
      series('node-a', [1, 100, -100, 1000, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]),
      { ...DEFAULT_UNIVARIATE_CORE, minHistoryRows: 10 },
    );
    expect(rows.slice(0, 10).every(r => r.score === 0)).toBe(true);
  });

  it('should pass every tunable as a uc_ query parameter and reject bad options', () => {
    const { sql, params } = univariateScoreSql('SELECT 1');
    expect(Object.keys(params).length).toBeGreaterThan(0);
    for (const key of Object.keys(params)) {
      expect(key.startsWith('uc_')).toBe(true);
      expect(sql).toContain(`{${key}:`);
    }
    expect(() =>
      univariateScoreSql('SELECT 1', {
        ...DEFAULT_UNIVARIATE_CORE,
        baselineRows: 1.5,
      }),
    ).toThrow(/baselineRows/);
    expect(() =>
      univariateScoreSql('SELECT 1', {
        ...DEFAULT_UNIVARIATE_CORE,
        minSpread: 0,
      }),
    ).toThrow(/minSpread/);
  });
});
