import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { TelemetryRow } from '@goldenpath/plugin-reliability-common';
import { ClickHouseStore } from '../ClickHouseStore';
import { TelemetryWriter } from './TelemetryWriter';

const HOSTILE = [
  "validator-'alpha'",
  'back\\slash\\',
  "x' OR 1=1 --",
  "'); DROP TABLE telemetry; --",
  'quote"double',
  '{name:String}',
  'line\nbreak',
  'tab\there\r',
  // Longer than the writer's short-label copy loop, with multi-byte characters.
  'välidätor-ノード-'.repeat(6),
];

// The embedded engine shares two cores with the rest of the suite.
jest.setTimeout(60_000);

describe('TelemetryWriter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reliability-telemetry-writer-'));
  let store: ClickHouseStore;

  beforeAll(async () => {
    store = ClickHouseStore.forTesting({
      path: dir,
      logger: mockServices.logger.mock(),
    });
    await store.migrate();
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = async (component: string) => {
    const [row] = await (
      await store.client.query({
        query:
          'SELECT count() AS n, sum(value) AS total FROM reliability.telemetry WHERE component = {component:String}',
        query_params: { component },
        format: 'JSONEachRow',
      })
    ).json<{ n: string | number; total: string | number }>();
    return { n: Number(row.n), total: Number(row.total) };
  };

  it('should store a batch once when the same batch is retried, by content or by key', async () => {
    const writer = TelemetryWriter.create({ store, chunkRows: 3 });
    const rows: TelemetryRow[] = Array.from({ length: 7 }, (_, i) => ({
      ts: Date.UTC(2026, 10, 21, 10, 0, i),
      cluster: 'c1',
      namespace: 'validators',
      node: 'node-0',
      component: 'dedup',
      metric: 'block_lag',
      value: i,
    }));
    const first = await writer.write(rows);
    const retry = await writer.write(rows);
    expect(retry.deduplicationToken).toBe(first.deduplicationToken);
    expect(first.deduplicationToken).toMatch(/^[0-9a-f]{64}$/);
    expect(await count('dedup')).toEqual({ n: 7, total: 21 });

    const rollup = await (
      await store.client.query({
        query:
          "SELECT sum(samples) AS n, avgMerge(avg_value) AS mean FROM reliability.telemetry_5m WHERE component = 'dedup'",
        format: 'JSONEachRow',
      })
    ).json<{ n: number | string; mean: number }>();
    expect(Number(rollup[0].n)).toBe(7);
    expect(Number(rollup[0].mean)).toBeCloseTo(3, 10);

    const changed = rows.map(r => ({ ...r, value: r.value + 100 }));
    await writer.write(changed, { deduplicationToken: 'batch-42' });
    await writer.write(changed, { deduplicationToken: 'batch-42' });
    expect(await count('dedup')).toEqual({ n: 14, total: 21 + 721 });

    // a later insert without a token must not inherit one
    await writer.write([{ ...rows[0], ts: Date.UTC(2026, 10, 21, 11), value: 1000 }]);
    expect((await count('dedup')).n).toBe(15);
  });

  it('should keep quotes, backslashes and SQL fragments as data', async () => {
    const writer = TelemetryWriter.create({ store });
    const rows: TelemetryRow[] = HOSTILE.map((name, i) => ({
      ts: '2026-11-21T10:00:00.123Z',
      cluster: name,
      namespace: name,
      node: name,
      component: name,
      metric: 'peers',
      value: i,
    }));
    await writer.write(rows);
    const stored = await (
      await store.client.query({
        query:
          'SELECT component, node, cluster, namespace, value, toString(ts) AS ts FROM reliability.telemetry WHERE component IN {names:Array(String)} ORDER BY value',
        query_params: { names: HOSTILE },
        format: 'JSONEachRow',
      })
    ).json<Record<string, unknown>>();
    expect(stored).toEqual(
      HOSTILE.map((name, i) => ({
        component: name,
        node: name,
        cluster: name,
        namespace: name,
        value: i,
        ts: '2026-11-21 10:00:00.123',
      })),
    );
    for (const name of HOSTILE) {
      expect(await count(name)).toEqual({ n: 1, total: HOSTILE.indexOf(name) });
    }
    const tables = await (
      await store.client.query({
        query: "SELECT name FROM system.tables WHERE database = 'reliability' AND name = 'telemetry'",
        format: 'JSONEachRow',
      })
    ).json();
    expect(tables).toHaveLength(1);
  });

  it('should reject invalid rows and tokens with an error naming the field', async () => {
    const writer = TelemetryWriter.create({ store });
    const good: TelemetryRow = {
      ts: 0,
      cluster: 'c',
      namespace: 'n',
      node: 'x',
      component: 'y',
      metric: 'peers',
      value: 1,
    };
    await expect(
      writer.write([good, { ...good, metric: 'cpu' as any }]),
    ).rejects.toThrow(/metric/);
    await expect(writer.write([{ ...good, value: Number.NaN }])).rejects.toThrow(
      InputError,
    );
    await expect(
      writer.write([good], { deduplicationToken: "x'; DROP TABLE t; --" }),
    ).rejects.toThrow(/deduplicationToken/);
    expect((await count('y')).n).toBe(0);
  });

  it('should insert concurrent chunks over two engine connections and still store a retried batch once', async () => {
    const writer = TelemetryWriter.create({ store, chunkRows: 500, concurrency: 2 });
    const rows: TelemetryRow[] = Array.from({ length: 5_000 }, (_, i) => ({
      ts: Date.UTC(2026, 10, 21, 14, 0, 0) + i * 1000,
      cluster: 'c1',
      namespace: 'validators',
      node: `node-${i % 4}`,
      component: 'lanes',
      metric: 'gpu_temp_c',
      value: i % 100,
    }));
    const expected = rows.reduce((sum, r) => sum + r.value, 0);
    await writer.write(rows, { deduplicationToken: 'lanes-1' });
    expect(store.insertConnectionCount).toBe(2);
    expect(await count('lanes')).toEqual({ n: 5_000, total: expected });
    await writer.write(rows, { deduplicationToken: 'lanes-1' });
    await writer.write(rows);
    await writer.write(rows);
    expect(await count('lanes')).toEqual({ n: 10_000, total: 2 * expected });
    const [rollup] = await (
      await store.client.query({
        query: "SELECT sum(samples) AS n FROM reliability.telemetry_5m WHERE component = 'lanes'",
        format: 'JSONEachRow',
      })
    ).json<{ n: number | string }>();
    expect(Number(rollup.n)).toBe(10_000);
  });

  it('should keep at most `concurrency` chunks in flight and start them in order', async () => {
    const started: string[] = [];
    let inFlight = 0;
    let most = 0;
    const slow = {
      async insertRaw(options: { settings?: Record<string, string | number> }) {
        started.push(String(options.settings?.insert_deduplication_token));
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise(resolve => setTimeout(resolve, 5));
        inFlight--;
      },
    };
    const rows: TelemetryRow[] = Array.from({ length: 9 }, (_, i) => ({
      ts: Date.UTC(2026, 10, 21, 13, 0, i),
      cluster: 'c1',
      namespace: 'validators',
      node: 'node-0',
      component: 'window',
      metric: 'peers',
      value: i,
    }));
    await TelemetryWriter.create({ store: slow, chunkRows: 1, concurrency: 3 }).write(rows, {
      deduplicationToken: 'w',
    });
    expect(started).toEqual(rows.map((_, i) => `w.${i}`));
    expect(most).toBe(3);
    started.length = 0;
    most = 0;
    await TelemetryWriter.create({ store: slow, chunkRows: 1, concurrency: 1 }).write(rows, {
      deduplicationToken: 'w',
    });
    expect(most).toBe(1);
    expect(() => TelemetryWriter.create({ store: slow, concurrency: 0 })).toThrow(/concurrency/);
  });

  it('should insert the chunks of a batch in order and stop at the first failed chunk', async () => {
    const calls: Array<{ token: string; lines: number }> = [];
    let failAt = -1;
    const recording = {
      async insertRaw(options: { body: string | Buffer; settings?: Record<string, string | number> }) {
        const token = String(options.settings?.insert_deduplication_token);
        if (calls.length === failAt) {
          calls.push({ token, lines: -1 });
          throw new Error('Code: 252. DB::Exception: Too many parts');
        }
        calls.push({ token, lines: options.body.toString().trimEnd().split('\n').length });
      },
    };
    const writer = TelemetryWriter.create({ store: recording, chunkRows: 2 });
    const rows: TelemetryRow[] = Array.from({ length: 5 }, (_, i) => ({
      ts: Date.UTC(2026, 10, 21, 12, 0, i),
      cluster: 'c1',
      namespace: 'validators',
      node: 'node-0',
      component: 'chunks',
      metric: 'peers',
      value: i,
    }));

    await writer.write(rows, { deduplicationToken: 'key-1' });
    // Three chunks of at most 2 rows, rounded up to four (a multiple of the 2 in flight).
    expect(calls).toEqual([
      { token: 'key-1.0', lines: 1 },
      { token: 'key-1.1', lines: 1 },
      { token: 'key-1.2', lines: 1 },
      { token: 'key-1.3', lines: 2 },
    ]);
    calls.length = 0;
    await TelemetryWriter.create({ store: recording, chunkRows: 2, concurrency: 1 }).write(rows, {
      deduplicationToken: 'key-1',
    });
    expect(calls.map(c => c.lines)).toEqual([1, 2, 2]);
    calls.length = 0;
    await TelemetryWriter.create({ store: recording, chunkRows: 5, concurrency: 2 }).write(rows, {
      deduplicationToken: 'key-1',
    });
    expect(calls.map(c => c.lines)).toEqual([5]);
    calls.length = 0;
    const many: TelemetryRow[] = Array.from({ length: 23 }, (_, i) => ({ ...rows[0], value: i }));
    await TelemetryWriter.create({ store: recording, chunkRows: 5, concurrency: 3 }).write(many, {
      deduplicationToken: 'key-3',
    });
    expect(calls.map(c => c.lines)).toEqual([3, 4, 4, 4, 4, 4]);

    calls.length = 0;
    const byContent = await writer.write(rows);
    const contentTokens = calls.map(c => c.token);
    expect(contentTokens).toHaveLength(4);
    contentTokens.forEach((token, i) => expect(token).toMatch(new RegExp(`^[0-9a-f]{64}\\.${i}$`)));
    expect(new Set(contentTokens.map(t => t.split('.')[0])).size).toBe(4);
    calls.length = 0;
    expect((await writer.write(rows)).deduplicationToken).toBe(byContent.deduplicationToken);
    expect(calls.map(c => c.token)).toEqual(contentTokens);

    calls.length = 0;
    failAt = 1;
    await expect(writer.write(rows, { deduplicationToken: 'key-2' })).rejects.toThrow(/Too many parts/);
    expect(calls.map(c => c.token)).toEqual(['key-2.0', 'key-2.1']);
  });
});
