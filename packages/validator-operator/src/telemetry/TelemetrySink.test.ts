import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClickHouseClient, createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { ClickHouseTelemetrySink, DiscardTelemetrySink } from './TelemetrySink';

// Same columns as the reliability backend's migration 0001 (the table the backend owns and creates).
const DDL = `CREATE TABLE reliability.telemetry (
  ts DateTime64(3, 'UTC'), cluster LowCardinality(String), namespace LowCardinality(String), node String,
  component LowCardinality(String), metric LowCardinality(String), value Float64
) ENGINE = MergeTree ORDER BY (component, node, metric, ts)`;

describe('ClickHouseTelemetrySink', () => {
  let dir: string;
  let client: ClickHouseClient;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vo-telemetry-'));
    const connection = createChdbConnection({ path: dir }) as unknown as NonNullable<
      NonNullable<Parameters<typeof createClient>[0]>['connection']
    >;
    client = createClient({ connection });
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS reliability' });
    await client.command({ query: DDL });
  });
  afterAll(async () => {
    await client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('should write rows in batches to reliability.telemetry with the component label', async () => {
    const errors: unknown[] = [];
    const sink = ClickHouseTelemetrySink.create({ client, batchRows: 2, flushIntervalMs: 60_000, onError: e => errors.push(e) });
    const base = { cluster: 'prod', namespace: 'validators', node: 'alpha', component: 'validator-alpha' };
    sink.push([
      { ...base, ts: '2026-11-21T12:00:00.000Z', metric: 'block_height', value: 2614956 },
      { ...base, ts: '2026-11-21T12:00:00.000Z', metric: 'block_lag', value: 3 },
      { ...base, ts: Date.parse('2026-11-21T12:00:30.250Z'), metric: 'peers', value: 46 },
    ]);
    await sink.close();
    expect(errors).toEqual([]);
    expect(sink.written).toBe(3);
    const rows = await (
      await client.query({
        query: `SELECT toString(ts) AS ts, component, metric, value FROM reliability.telemetry WHERE node = {node:String} ORDER BY ts, metric`,
        query_params: { node: 'alpha' },
        format: 'JSONEachRow',
      })
    ).json<{ ts: string; component: string; metric: string; value: number }>();
    expect(rows).toEqual([
      { ts: '2026-11-21 12:00:00.000', component: 'validator-alpha', metric: 'block_height', value: 2614956 },
      { ts: '2026-11-21 12:00:00.000', component: 'validator-alpha', metric: 'block_lag', value: 3 },
      { ts: '2026-11-21 12:00:30.250', component: 'validator-alpha', metric: 'peers', value: 46 },
    ]);
  });

  it('should keep rows across a failed insert and write them on the next flush', async () => {
    const insert = jest.fn().mockRejectedValueOnce(new Error('ClickHouse down')).mockResolvedValue({});
    const errors: unknown[] = [];
    const sink = ClickHouseTelemetrySink.create({ client: { insert } as unknown as ClickHouseClient, flushIntervalMs: 60_000, onError: e => errors.push(e) });
    sink.push([{ ts: 0, cluster: 'c', namespace: 'n', node: 'x', component: 'x', metric: 'peers', value: 1 }]);
    await sink.flush();
    expect(errors).toHaveLength(1);
    expect(sink.written).toBe(0);
    await sink.close();
    expect(sink.written).toBe(1);
    expect(insert).toHaveBeenCalledTimes(2);
    expect(insert.mock.calls[1][0]).toMatchObject({ table: 'reliability.telemetry', format: 'JSONEachRow', values: [{ ts: '1970-01-01T00:00:00.000Z', metric: 'peers' }] });
  });

  it('should reject rows that break the telemetry schema before queueing them', () => {
    const sink = ClickHouseTelemetrySink.create({ client, flushIntervalMs: 60_000 });
    expect(() =>
      sink.push([{ ts: 'yesterday', cluster: 'c', namespace: 'n', node: 'x', component: 'x', metric: 'peers', value: 1 }]),
    ).toThrow();
    expect(() => ClickHouseTelemetrySink.create({ client, database: 'x; DROP TABLE y' })).toThrow('database must be an identifier');
    return sink.close();
  });
});

describe('DiscardTelemetrySink', () => {
  it('should count and drop valid rows, keep nothing, and still reject rows that break the schema', () => {
    const sink = new DiscardTelemetrySink();
    const row = { ts: '2026-11-21T12:00:00.000Z', cluster: 'c', namespace: 'n', node: 'a', component: 'a', metric: 'peers' as const, value: 3 };
    sink.push([row, { ...row, metric: 'block_lag' as const, value: 1 }]);
    expect(sink.dropped).toBe(2);
    expect(Object.values(sink).filter(Array.isArray)).toEqual([]);
    expect(() => sink.push([{ ...row, value: 'many' as unknown as number }])).toThrow();
    expect(sink.dropped).toBe(2);
  });
});
