import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ClickHouseClient, createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { ClickHouseTelemetrySink, DiscardTelemetrySink, HttpTelemetrySink } from './TelemetrySink';

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

describe('HttpTelemetrySink', () => {
  const row = { ts: '2026-11-21T12:00:00.000Z', cluster: 'demo', namespace: 'validators', node: 'validator-alpha-0', component: 'validator-alpha', metric: 'peers' as const, value: 21 };
  let server: http.Server;
  let baseUrl: string;
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  let answers: number[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
        const status = answers.shift() ?? 202;
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status < 300 ? { rows: 1 } : { error: { message: 'ClickHouse unavailable' } }));
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/reliability/`;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));
  beforeEach(() => {
    received.length = 0;
    answers = [];
  });

  it('should post batches as NDJSON to <baseUrl>/telemetry with the token and an idempotency key', async () => {
    const sink = HttpTelemetrySink.create({ baseUrl, token: 'secret-token', batchRows: 2, flushIntervalMs: 60_000 });
    sink.push([row, { ...row, metric: 'block_lag', value: 0 }, { ...row, ts: Date.parse('2026-11-21T12:00:30.000Z'), value: 22 }]);
    await sink.close();
    expect(sink.written).toBe(3);
    expect(received.map(r => r.body.split('\n').map(l => JSON.parse(l)))).toEqual([
      [row, { ...row, metric: 'block_lag', value: 0 }],
      [{ ...row, ts: Date.parse('2026-11-21T12:00:30.000Z'), value: 22 }],
    ]);
    for (const { headers } of received) {
      expect(headers).toMatchObject({ authorization: 'Bearer secret-token', 'content-type': 'application/x-ndjson' });
      expect(headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(received[0].headers['idempotency-key']).not.toBe(received[1].headers['idempotency-key']);
  });

  it('should retry a refused batch with the same rows and key, and report the failure without the token', async () => {
    answers = [503];
    const errors: unknown[] = [];
    const sink = HttpTelemetrySink.create({ baseUrl, token: 'secret-token', flushIntervalMs: 60_000, onError: e => errors.push(e) });
    sink.push([row]);
    await sink.flush();
    expect(sink.written).toBe(0);
    expect(String(errors[0])).toMatch(/answered 503: .*ClickHouse unavailable/);
    expect(String(errors[0])).not.toContain('secret-token');
    sink.push([{ ...row, value: 23 }]);
    await sink.close();
    expect(sink.written).toBe(2);
    expect(received).toHaveLength(3);
    expect(received[1].body).toBe(received[0].body);
    expect(received[1].headers['idempotency-key']).toBe(received[0].headers['idempotency-key']);
    expect(JSON.parse(received[2].body)).toEqual({ ...row, value: 23 });
  });
});
