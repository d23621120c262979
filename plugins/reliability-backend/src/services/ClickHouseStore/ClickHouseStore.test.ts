import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ServiceUnavailableError } from '@backstage/errors';
import { createClient } from '@clickhouse/client';
import { ClickHouseStore } from './ClickHouseStore';
import { mapClickHouseError } from './errors';
import { migrations, Migration } from './migrations';

// The embedded engine shares two cores with the rest of the suite.
jest.setTimeout(60_000);

describe('ClickHouseStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reliability-store-'));
  const logger = mockServices.logger.mock();
  let store: ClickHouseStore;

  beforeAll(() => {
    store = ClickHouseStore.create({
      config: new ConfigReader({
        reliability: {
          clickhouse: { database: 'rel_test', embedded: { path: dir, insertConnections: 3 } },
        },
      }),
      logger,
    });
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should apply every migration once and record it, even when run twice', async () => {
    const first = await store.migrate();
    expect(first).toEqual(migrations.map(m => m.version));

    const again = ClickHouseStore.fromClient({
      client: store.client,
      database: 'rel_test',
      logger,
    });
    expect(await again.migrate()).toEqual([]);

    const recorded = await (
      await store.client.query({
        query:
          'SELECT version, name, count() AS n FROM rel_test.schema_migrations GROUP BY version, name ORDER BY version',
        format: 'JSONEachRow',
      })
    ).json<{ version: number | string; name: string; n: number | string }>();
    expect(
      recorded.map(r => ({ version: Number(r.version), name: r.name, n: Number(r.n) })),
    ).toEqual(migrations.map(m => ({ version: m.version, name: m.name, n: 1 })));

    const [table] = await (
      await store.client.query({
        query:
          'SELECT sorting_key, partition_key, engine FROM system.tables WHERE database = {db:String} AND name = {name:String}',
        query_params: { db: 'rel_test', name: 'telemetry' },
        format: 'JSONEachRow',
      })
    ).json<{ sorting_key: string; partition_key: string; engine: string }>();
    expect(table).toEqual({
      sorting_key: 'component, node, metric, ts',
      partition_key: 'toYYYYMM(ts)',
      engine: 'MergeTree',
    });
  });

  it('should run only migrations newer than the recorded ones and stop at a failing one', async () => {
    const extra: Migration[] = [
      ...migrations,
      {
        version: 900,
        name: 'extra_table',
        up: ({ database, engine }) => [
          `CREATE TABLE IF NOT EXISTS ${database}.extra (id UInt32) ENGINE = ${engine('MergeTree')} ORDER BY id`,
        ],
      },
      {
        version: 901,
        name: 'broken',
        up: () => ['CREATE TABLE this is not sql'],
      },
    ];
    const next = ClickHouseStore.fromClient({
      client: store.client,
      database: 'rel_test',
      logger,
      migrations: extra,
    });
    await expect(next.migrate()).rejects.toThrow(/Syntax error/);
    const versions = await (
      await store.client.query({
        query: 'SELECT version FROM rel_test.schema_migrations ORDER BY version',
        format: 'JSONEachRow',
      })
    ).json<{ version: number }>();
    expect(versions.map(v => Number(v.version))).toContain(900);
    expect(versions.map(v => Number(v.version))).not.toContain(901);
  });

  it('should build replicated engines and ON CLUSTER clauses when a cluster is configured', () => {
    const clustered = ClickHouseStore.fromClient({
      client: store.client,
      database: 'reliability',
      cluster: 'prod_cluster',
      logger,
    });
    const ctx = clustered.migrationContext();
    expect(ctx.onCluster).toBe(' ON CLUSTER prod_cluster');
    expect(ctx.engine('ReplacingMergeTree', 'version')).toBe(
      "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', version)",
    );
    const [statement] = migrations[0].up(ctx);
    expect(statement).toContain('reliability.telemetry ON CLUSTER prod_cluster');
    expect(statement).toContain('ENGINE = ReplicatedMergeTree(');

    const local = store.migrationContext();
    expect(local.onCluster).toBe('');
    expect(local.engine('AggregatingMergeTree')).toBe('AggregatingMergeTree()');
  });

  it('should reject database and cluster names that are not plain identifiers', () => {
    expect(() =>
      ClickHouseStore.fromClient({
        client: store.client,
        database: 'x; DROP DATABASE system',
        logger,
      }),
    ).toThrow(/Invalid reliability.clickhouse.database/);
    expect(() =>
      ClickHouseStore.fromClient({
        client: store.client,
        database: 'ok',
        cluster: "c' --",
        logger,
      }),
    ).toThrow(/Invalid reliability.clickhouse.cluster/);
    expect(() =>
      ClickHouseStore.fromClient({
        client: store.client,
        database: 'ok',
        logger,
        migrations: [
          { version: 2, name: 'b', up: () => [] },
          { version: 1, name: 'a', up: () => [] },
        ],
      }),
    ).toThrow(/strictly increasing/);
  });

  it('should map an unreachable server to a 503 and keep query errors as they are', async () => {
    const unreachable = createClient({
      url: 'http://127.0.0.1:1',
      request_timeout: 2000,
    });
    let caught: unknown;
    try {
      await unreachable.query({ query: 'SELECT 1' });
    } catch (error) {
      caught = error;
    }
    await unreachable.close();
    const mapped = mapClickHouseError(caught);
    expect(mapped).toBeInstanceOf(ServiceUnavailableError);
    expect(mapped.message).toMatch(/^ClickHouse unavailable: .*ECONNREFUSED/);

    let syntax: unknown;
    try {
      await store.client.query({ query: 'SELEC 1' });
    } catch (error) {
      syntax = error;
    }
    const kept = mapClickHouseError(syntax);
    expect(kept).toBe(syntax);
    expect(kept).not.toBeInstanceOf(ServiceUnavailableError);
  });

  it('should spread concurrent embedded inserts over up to insertConnections connections', async () => {
    await store.migrate();
    // Recent timestamps: rows older than the table's 90-day TTL are dropped on insert.
    const now = Math.floor(Date.now() / 1000);
    const insert = (i: number) =>
      store.insertRaw({
        table: 'telemetry',
        columns: ['ts', 'cluster', 'namespace', 'node', 'component', 'metric', 'value'],
        format: 'TabSeparated',
        body: `${now + i}\tc\tns\tnode-${i}\tlanes\tpeers\t${i}`,
        settings: { insert_deduplication_token: `lane-${i}` },
      });
    for (let i = 0; i < 3; i++) await insert(i);
    expect(store.insertConnectionCount).toBe(1);
    await Promise.all([3, 4, 5, 6, 7, 8].map(insert));
    expect(store.insertConnectionCount).toBe(3);
    await Promise.all([0, 1, 2, 3].map(insert));
    const [row] = await (
      await store.client.query({
        query: "SELECT count() AS n, sum(value) AS total FROM rel_test.telemetry WHERE component = 'lanes'",
        format: 'JSONEachRow',
      })
    ).json<{ n: number | string; total: number | string }>();
    expect({ n: Number(row.n), total: Number(row.total) }).toEqual({ n: 9, total: 36 });
    for (const bad of [0, 17, 1.5]) {
      expect(() =>
        ClickHouseStore.create({
          config: new ConfigReader({
            reliability: { clickhouse: { embedded: { path: dir, insertConnections: bad } } },
          }),
          logger,
        }),
      ).toThrow(/insertConnections/);
      expect(() => ClickHouseStore.forTesting({ path: dir, logger, insertConnections: bad })).toThrow(
        /insertConnections/,
      );
    }
  });

  it('should throw refused embedded raw inserts as ClickHouse errors that mapClickHouseError keeps', async () => {
    await store.migrate();
    const error = await store
      .insertRaw({
        table: 'telemetry',
        columns: ['ts', 'cluster', 'namespace', 'node', 'component', 'metric', 'value'],
        format: 'TabSeparated',
        body: 'not-a-time\tc\tns\tnode\trefused\tpeers\t1',
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ code: expect.stringMatching(/^\d+$/), type: expect.stringMatching(/^CANNOT_PARSE/) });
    expect(mapClickHouseError(error)).toBe(error);
  });

  it('should send raw inserts to a server with the settings in the INSERT itself', async () => {
    const exec = jest.fn().mockResolvedValue({ stream: { resume: jest.fn() } });
    const server = ClickHouseStore.fromClient({
      client: { exec } as any,
      database: 'reliability',
      logger,
    });
    await server.insertRaw({
      table: 'telemetry',
      columns: ['ts', 'value'],
      format: 'TabSeparated',
      body: '1763719200.000\t1',
      settings: { insert_deduplication_token: 'abc.0', deduplicate_blocks_in_dependent_materialized_views: 1 },
    });
    expect(exec).toHaveBeenCalledTimes(1);
    expect(exec.mock.calls[0][0].query).toBe(
      "INSERT INTO reliability.telemetry (ts, value) SETTINGS insert_deduplication_token = 'abc.0', deduplicate_blocks_in_dependent_materialized_views = 1 FORMAT TabSeparated",
    );
    expect(exec.mock.calls[0][0].clickhouse_settings).toBeUndefined();
    await expect(
      server.insertRaw({
        table: 'telemetry',
        columns: ['ts'],
        format: 'TabSeparated',
        body: '',
        settings: { insert_deduplication_token: "x' , readonly = 0 --" },
      }),
    ).rejects.toThrow(/Invalid value for setting insert_deduplication_token/);
    await expect(
      server.insertRaw({ table: 'telemetry; DROP', columns: ['ts'], format: 'TabSeparated', body: '' }),
    ).rejects.toThrow(/Invalid identifier/);
    expect(exec).toHaveBeenCalledTimes(1);
  });
});
