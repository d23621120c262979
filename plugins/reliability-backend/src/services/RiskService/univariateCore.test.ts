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
type Scored = Point & {
  baseline: number;
  spread: number;
  score: number;
  onset: number;
};

const START = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function isoAt(i: number, stepMs = MINUTE): string {
  return new Date(START + i * stepMs)
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

function series(name: string, values: number[], stepMs = MINUTE): Point[] {
  return values.map((value, i) => ({
    series: name,
    ts: isoAt(i, stepMs),
    value,
  }));
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
        onset: Number(r.onset),
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
        Array.from({ length: 300 }, (_, i) => (i < 150 ? 5 + rnd() : 1e6)),
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
      for (const v of [row.score, row.onset]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(row.onset === 0 || row.onset === row.score).toBe(true);
      expect(row.spread).toBeGreaterThan(0);
    }
    expect(
      rows.filter(r => r.series === 'flat').every(r => r.score === 0),
    ).toBe(true);
    const step = rows.filter(r => r.series === 'step');
    const beforeStep = Math.max(...step.slice(50, 150).map(r => r.score));
    expect(step[150].score).toBeGreaterThan(0.4);
    expect(step[150].score).toBeGreaterThan(beforeStep);
    expect(step[150].onset).toBe(step[150].score);
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

  it('should score a clear spike far above steady noise and fire its onset once per cooldown', async () => {
    // 5-minute rows over 8 days: past `referenceRows`, so the histogram grid
    // is fixed, and every time-of-day bucket has history.
    const rnd = noise(5);
    const spikes = new Set([2100, 2110, 2350]);
    const values = Array.from({ length: 2400 }, (_, i) =>
      spikes.has(i) ? 100 : 50 + 2 * rnd(),
    );
    const rows = await score(series('node-a', values, 5 * MINUTE));
    const steady = rows.slice(2000, 2100).map(r => r.score);
    const meanSteady = steady.reduce((s, x) => s + x, 0) / steady.length;

    expect(rows[2100].score).toBeGreaterThan(0.5);
    expect(rows[2100].score).toBeGreaterThan(Math.max(...steady) + 0.2);
    expect(meanSteady).toBeLessThan(0.2);
    expect(rows[2100].baseline).toBeCloseTo(50, 0);
    expect(rows[2100].value).toBeGreaterThan(
      rows[2100].baseline + 10 * rows[2100].spread,
    );

    // The second spike is 10 rows later, inside the 200-row cooldown: still a
    // high score, but no new onset. The third one is past the cooldown.
    expect(rows[2100].onset).toBe(rows[2100].score);
    expect(rows[2110].score).toBeGreaterThan(0.4);
    expect(rows[2110].score).toBeLessThan(rows[2100].score);
    expect(rows[2110].onset).toBe(0);
    expect(rows[2350].onset).toBeGreaterThan(0.4);
    expect(rows.slice(2101, 2350).every(r => r.onset < 0.2)).toBe(true);
  });

  it('should score a value that is common overall but rare at this time of day', async () => {
    // Hourly rows for 30 days: 10 in the UTC morning, 20 in the afternoon.
    const rnd = noise(13);
    const values = Array.from(
      { length: 30 * 24 },
      (_, i) => (i % 24 < 12 ? 10 : 20) + 0.2 * rnd(),
    );
    values.push(20, 10); // day 31, 00:00 and 01:00 UTC
    const rows = await score(series('node-a', values, HOUR));
    const usual = rows.slice(29 * 24, 30 * 24).map(r => r.score);

    expect(Math.max(...usual)).toBeLessThan(0.1);
    expect(rows[30 * 24].score).toBeGreaterThan(0.3);
    expect(rows[30 * 24 + 1].score).toBeLessThan(0.1);
  });

  it('should score nothing before the minimum history is reached', async () => {
    const rows = await score(
      series('node-a', [1, 100, -100, 1000, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]),
      { ...DEFAULT_UNIVARIATE_CORE, minHistoryRows: 10 },
    );
    expect(rows.slice(0, 10).every(r => r.score === 0)).toBe(true);
    expect(rows.slice(10).some(r => r.score > 0)).toBe(true);
  });

  it('should pass every tunable as a uc_ query parameter and reject bad options', () => {
    const { sql, params } = univariateScoreSql('SELECT 1');
    expect(Object.keys(params)).toHaveLength(
      Object.keys(DEFAULT_UNIVARIATE_CORE).length,
    );
    for (const key of Object.keys(params)) {
      expect(key.startsWith('uc_')).toBe(true);
      expect(sql).toContain(`{${key}:`);
    }
    expect(() =>
      univariateScoreSql('SELECT 1', {
        ...DEFAULT_UNIVARIATE_CORE,
        referenceRows: 1.5,
      }),
    ).toThrow(/referenceRows/);
    expect(() =>
      univariateScoreSql('SELECT 1', {
        ...DEFAULT_UNIVARIATE_CORE,
        contextHours: 25,
      }),
    ).toThrow(/contextHours/);
    expect(() =>
      univariateScoreSql('SELECT 1', {
        ...DEFAULT_UNIVARIATE_CORE,
        minSpread: 0,
      }),
    ).toThrow(/minSpread/);
  });
});
