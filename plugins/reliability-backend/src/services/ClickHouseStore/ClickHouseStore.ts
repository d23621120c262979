import { mkdirSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { Readable } from 'node:stream';
import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { assertError } from '@backstage/errors';
import { ClickHouseClient, createClient, parseError } from '@clickhouse/client';
import {
  MergeTreeKind,
  Migration,
  MigrationContext,
  migrations as allMigrations,
} from './migrations';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MIGRATION_NAME = /^[a-z0-9_]+$/;
const SETTING_VALUE = /^[A-Za-z0-9._:-]*$/;

/** Default `reliability.clickhouse.embedded.path`, relative to the backend's working directory. */
export const DEFAULT_EMBEDDED_PATH = '.data/clickhouse';
/** Default `reliability.clickhouse.database`. */
export const DEFAULT_DATABASE = 'reliability';
/** Default `reliability.clickhouse.embedded.insertConnections`. */
export const DEFAULT_INSERT_CONNECTIONS = 2;

/**
 * Options of {@link ClickHouseStore.fromClient}.
 *
 * @public
 */
export interface ClickHouseStoreClientOptions {
  /** A ready client (HTTP or the embedded chdb connection). The store owns it and closes it. */
  client: ClickHouseClient;
  /** Database holding the plugin's tables; a plain identifier. */
  database: string;
  /** Cluster name for `ON CLUSTER` DDL and `Replicated…` engines; a plain identifier. */
  cluster?: string;
  logger: LoggerService;
  /** Migrations to apply instead of the plugin's own (tests). */
  migrations?: Migration[];
}

/**
 * The one ClickHouse connection of the reliability plugin, with its
 * versioned schema migrations.
 *
 * Every other service of the plugin takes this store and queries
 * `store.client`, qualifying tables with `store.database`
 * (`${store.database}.telemetry`). Values always travel as `query_params`.
 *
 * @public
 */
export class ClickHouseStore {
  /** The `@clickhouse/client` client; embedded (chdb) or HTTP, same SQL. */
  readonly client: ClickHouseClient;
  /** Database of the plugin's tables, a validated plain identifier. */
  readonly database: string;
  /** Cluster name when `ON CLUSTER` DDL is used, else `undefined`. */
  readonly cluster: string | undefined;
  readonly #logger: LoggerService;
  readonly #migrations: Migration[];
  readonly #embedded: EmbeddedConnection | undefined;
  /** Embedded engine only: the connections `insertRaw` spreads concurrent inserts over (never `client`'s). */
  readonly #insertLanes: Array<{ connection: EmbeddedConnection; inFlight: number }> = [];
  readonly #maxInsertConnections: number;
  #background: ClickHouseClient | undefined;
  #closed = false;

  /**
   * Builds the store from `reliability.clickhouse`:
   * `url` (+ `username`, `password`, `database`, `cluster`) for a server or
   * cluster, otherwise the embedded chdb engine at `embedded.path`
   * (default `.data/clickhouse`, resolved against `process.cwd()`) with up to
   * `embedded.insertConnections` (default 2) connections for concurrent inserts.
   *
   * @throws Error when `database` or `cluster` is not a plain identifier, or
   *   `embedded.insertConnections` is not an integer in 1–16
   */
  static create(options: {
    config: Config;
    logger: LoggerService;
  }): ClickHouseStore {
    const { config, logger } = options;
    const cfg = config.getOptionalConfig('reliability.clickhouse');
    const database = cfg?.getOptionalString('database') ?? DEFAULT_DATABASE;
    const cluster = cfg?.getOptionalString('cluster');
    const url = cfg?.getOptionalString('url');
    if (url) {
      const client = createClient({
        url,
        username: cfg?.getOptionalString('username'),
        password: cfg?.getOptionalString('password'),
        request_timeout: cfg?.getOptionalNumber('requestTimeoutMs') ?? 30_000,
        application: 'goldenpath-reliability',
      });
      logger.info('Using ClickHouse server', {
        url: redactUrl(url),
        database,
        cluster,
      });
      return new ClickHouseStore({ client, database, cluster, logger });
    }
    const path = resolvePath(
      cfg?.getOptionalString('embedded.path') ?? DEFAULT_EMBEDDED_PATH,
    );
    const insertConnections = checkInsertConnections(
      cfg?.getOptionalNumber('embedded.insertConnections') ?? DEFAULT_INSERT_CONNECTIONS,
    );
    const embedded = createEmbeddedConnection(path);
    logger.info('Using embedded ClickHouse engine (chdb)', { path, database });
    return new ClickHouseStore({
      client: clientOn(embedded),
      database,
      logger,
      embedded,
      insertConnections,
    });
  }

  /**
   * A store on the embedded engine at `path` (created if missing), for tests,
   * benches and scripts. One embedded data directory per process.
   */
  static forTesting(options: {
    path: string;
    database?: string;
    logger: LoggerService;
    migrations?: Migration[];
    /** See `reliability.clickhouse.embedded.insertConnections`; default 2.
     * @throws Error when not an integer in 1–16 (before the data directory is opened) */
    insertConnections?: number;
  }): ClickHouseStore {
    const insertConnections = checkInsertConnections(
      options.insertConnections ?? DEFAULT_INSERT_CONNECTIONS,
    );
    const embedded = createEmbeddedConnection(options.path);
    return new ClickHouseStore({
      client: clientOn(embedded),
      database: options.database ?? DEFAULT_DATABASE,
      logger: options.logger,
      migrations: options.migrations,
      embedded,
      insertConnections,
    });
  }

  /**
   * Wraps an existing client, e.g. an embedded one on a temporary directory
   * in tests.
   *
   * @throws Error when `database` or `cluster` is not a plain identifier
   */
  static fromClient(options: ClickHouseStoreClientOptions): ClickHouseStore {
    return new ClickHouseStore(options);
  }

  private constructor(
    options: ClickHouseStoreClientOptions & {
      embedded?: EmbeddedConnection;
      /** Checked by the factory that opened `embedded`, before it did. */
      insertConnections?: number;
    },
  ) {
    if (!IDENTIFIER.test(options.database)) {
      throw new Error(
        `Invalid reliability.clickhouse.database '${options.database}': expected a plain identifier [A-Za-z_][A-Za-z0-9_]*`,
      );
    }
    if (options.cluster !== undefined && !IDENTIFIER.test(options.cluster)) {
      throw new Error(
        `Invalid reliability.clickhouse.cluster '${options.cluster}': expected a plain identifier [A-Za-z_][A-Za-z0-9_]*`,
      );
    }
    this.client = options.client;
    this.database = options.database;
    this.cluster = options.cluster;
    this.#logger = options.logger;
    this.#migrations = checkMigrations(options.migrations ?? allMigrations);
    this.#embedded = options.embedded;
    this.#maxInsertConnections = options.insertConnections ?? DEFAULT_INSERT_CONNECTIONS;
  }

  /**
   * True on the embedded engine (chdb): one process owns the data directory, so no other writer
   * shares its tables. False with a server `url` or a client passed to {@link ClickHouseStore.fromClient}.
   */
  get isEmbedded(): boolean {
    return this.#embedded !== undefined;
  }

  /**
   * Absolute data directory of the embedded engine (`embedded.path`, resolved); undefined with a
   * server. Other local state that belongs with the data (the webhook delivery journal) lives in it.
   */
  get embeddedPath(): string | undefined {
    return this.#embedded?.chdb.session.path;
  }

  /**
   * A client for long background statements that must not hold up `client`: the embedded engine
   * runs one statement per connection at a time, so this is a second connection on the same data
   * directory (created on first use, closed with the store). With a server it is `client`.
   */
  get backgroundClient(): ClickHouseClient {
    if (!this.#embedded) {
      return this.client;
    }
    this.#background ??= clientOn(createEmbeddedConnection(this.#embedded.chdb.session.path));
    return this.#background;
  }

  /**
   * Inserts a pre-serialised body (`TabSeparated` or `JSONEachRow`) into a
   * table of the plugin's database with per-insert settings. On the embedded
   * engine the bytes go straight to its parser (no SQL text round trip);
   * on a server they are streamed with the settings in the INSERT's own
   * `SETTINGS` clause.
   *
   * Concurrent calls run concurrently on both. The embedded engine runs one
   * statement per connection at a time, so inserts use connections of their own
   * on the same data directory (reads on `client` never wait behind an insert):
   * each call takes the one with the fewest inserts in flight, and another is
   * opened while all are busy, up to `embedded.insertConnections`. A server gets
   * one HTTP request per call.
   *
   * @param options.table - table name inside `database`, a plain identifier
   * @param options.columns - column names, plain identifiers
   * @param options.body - the rows, a string or UTF-8 bytes
   * @param options.settings - setting name → number or `[A-Za-z0-9._:-]*` string; scoped to this insert
   * @throws Error for a bad identifier or setting value; ClickHouse errors as thrown by the client
   *   (on the embedded engine reshaped to the client's `ClickHouseError`, `code` and `type` set)
   */
  async insertRaw(options: {
    table: string;
    columns: string[];
    format: 'TabSeparated' | 'JSONEachRow';
    body: string | Buffer;
    settings?: Record<string, string | number>;
  }): Promise<void> {
    const { table, columns, format, body } = options;
    const settings = options.settings ?? {};
    for (const name of [table, ...columns, ...Object.keys(settings)]) {
      if (!IDENTIFIER.test(name)) {
        throw new Error(`Invalid identifier '${name}'`);
      }
    }
    for (const [name, value] of Object.entries(settings)) {
      if (typeof value === 'string' && !SETTING_VALUE.test(value)) {
        throw new Error(`Invalid value for setting ${name}`);
      }
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new Error(`Invalid value for setting ${name}`);
      }
    }
    if (this.#embedded) {
      const lane = this.#insertLane(this.#embedded);
      lane.inFlight++;
      try {
        await lane.connection.chdb.rawInsert({
          table: `${this.database}.${table}`,
          columns,
          format,
          values: typeof body === 'string' ? Buffer.from(body) : body,
          settings,
        });
      } catch (error) {
        // chdb's raw insert throws its own error classes; reshape them like the embedded client's
        // queries (`ClickHouseError` with `code`/`type` parsed from `Code: N. DB::Exception: … (TYPE)`)
        // so `mapClickHouseError` tells refused rows from an unavailable engine on both paths
        const mapped = parseError(error instanceof Error ? error.message : String(error));
        if (mapped !== error) {
          mapped.cause = error;
        }
        throw mapped;
      } finally {
        lane.inFlight--;
      }
      return;
    }
    const clause = Object.entries(settings)
      .map(([k, v]) => `${k} = ${typeof v === 'number' ? v : `'${v}'`}`)
      .join(', ');
    const result = await this.client.exec({
      query: `INSERT INTO ${this.database}.${table} (${columns.join(', ')})${clause ? ` SETTINGS ${clause}` : ''} FORMAT ${format}`,
      values: Readable.from([body]),
    });
    result.stream.resume();
  }

  /** The insert connection with the fewest inserts in flight; a new one while all are busy and the cap allows. */
  #insertLane(embedded: EmbeddedConnection): { connection: EmbeddedConnection; inFlight: number } {
    let best = this.#insertLanes[0];
    for (const lane of this.#insertLanes) {
      if (lane.inFlight < best.inFlight) best = lane;
    }
    if (!best || (best.inFlight > 0 && this.#insertLanes.length < this.#maxInsertConnections)) {
      best = { connection: createEmbeddedConnection(embedded.chdb.session.path), inFlight: 0 };
      this.#insertLanes.push(best);
    }
    return best;
  }

  /**
   * Number of embedded connections `insertRaw` has opened so far (1 until two inserts overlap); 0 with a server.
   */
  get insertConnectionCount(): number {
    return this.#insertLanes.length;
  }

  /** The context handed to each migration's `up`. */
  migrationContext(): MigrationContext {
    const cluster = this.cluster;
    return {
      database: this.database,
      onCluster: cluster ? ` ON CLUSTER ${cluster}` : '',
      engine(kind: MergeTreeKind, args?: string) {
        if (!cluster) {
          return `${kind}(${args ?? ''})`;
        }
        const replicated = `'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'`;
        return `Replicated${kind}(${replicated}${args ? `, ${args}` : ''})`;
      },
    };
  }

  /**
   * Creates the database and applies every migration not yet recorded in
   * `<database>.schema_migrations`, in version order. Safe to call again:
   * applied versions are skipped.
   *
   * @returns the versions applied by this call
   * @throws the ClickHouse error of the first failing statement (later migrations are not run)
   */
  async migrate(): Promise<number[]> {
    const ctx = this.migrationContext();
    const db = this.database;
    await this.client.command({
      query: `CREATE DATABASE IF NOT EXISTS ${db}${ctx.onCluster}`,
    });
    await this.client.command({
      query: `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations${ctx.onCluster}
(version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
ENGINE = ${ctx.engine('ReplacingMergeTree', 'applied_at')}
ORDER BY version`,
    });
    const applied = new Set(
      (
        await (
          await this.client.query({
            query: `SELECT DISTINCT version FROM ${db}.schema_migrations`,
            format: 'JSONEachRow',
          })
        ).json<{ version: number | string }>()
      ).map(row => Number(row.version)),
    );
    const done: number[] = [];
    for (const migration of this.#migrations) {
      if (applied.has(migration.version)) {
        continue;
      }
      for (const statement of migration.up(ctx)) {
        await this.client.command({ query: statement });
      }
      await this.client.command({
        query: `INSERT INTO ${db}.schema_migrations (version, name) VALUES ({version:UInt32}, {name:String})`,
        query_params: { version: migration.version, name: migration.name },
      });
      this.#logger.info('Applied ClickHouse migration', {
        version: migration.version,
        name: migration.name,
      });
      done.push(migration.version);
    }
    return done;
  }

  /** Checks that ClickHouse answers a `SELECT 1`. */
  async ping(): Promise<{ ok: true } | { ok: false; message: string }> {
    const result = await this.client.ping({ select: true });
    if (result.success) {
      return { ok: true };
    }
    return { ok: false, message: result.error.message };
  }

  /** Closes the client; later calls do nothing. */
  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    await this.#background?.close();
    for (const lane of this.#insertLanes) {
      await lane.connection.close();
    }
    await this.client.close();
  }
}

type EmbeddedConnection = import('chdb/connection').ChdbConnection;

function checkInsertConnections(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 16) {
    throw new Error(
      `Invalid reliability.clickhouse.embedded.insertConnections '${value}': expected an integer from 1 to 16`,
    );
  }
  return value;
}

function createEmbeddedConnection(path: string): EmbeddedConnection {
  mkdirSync(path, { recursive: true });
  // Loaded lazily: the native engine is large and unused with a server.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createChdbConnection } = require('chdb/connection') as typeof import('chdb/connection');
  return createChdbConnection({ path });
}

function clientOn(connection: EmbeddedConnection): ClickHouseClient {
  // chdb types its connection against @clickhouse/client-common, which the
  // client now bundles as its own copy; the runtime contract is the same.
  return createClient({
    connection: connection as unknown as NonNullable<
      Parameters<typeof createClient>[0]
    >['connection'],
  });
}

/**
 * A `@clickhouse/client` client on the embedded chdb engine with its data in
 * `path` (created if missing). Only one path per process can be open.
 *
 * @public
 */
export function createEmbeddedClickHouseClient(path: string): ClickHouseClient {
  return clientOn(createEmbeddedConnection(path));
}

function checkMigrations(list: Migration[]): Migration[] {
  let previous = 0;
  for (const migration of list) {
    if (!Number.isInteger(migration.version) || migration.version <= previous) {
      throw new Error(
        `ClickHouse migrations must have strictly increasing positive integer versions; got ${migration.version} after ${previous}`,
      );
    }
    if (!MIGRATION_NAME.test(migration.name)) {
      throw new Error(
        `ClickHouse migration ${migration.version} has an invalid name '${migration.name}' (expected snake_case)`,
      );
    }
    previous = migration.version;
  }
  return list;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}

const MIGRATION_RETRY_MS = 30_000;

/**
 * The plugin's ClickHouse store. The default factory builds it from
 * `reliability.clickhouse`, runs the migrations at start-up (retrying every
 * 30 s while ClickHouse is unreachable, so the backend still starts and the
 * routes answer 503) and closes the client on shutdown.
 *
 * @public
 */
export const clickHouseStoreServiceRef = createServiceRef<ClickHouseStore>({
  id: 'reliability.clickhouse',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
      },
      async factory({ config, logger, lifecycle }) {
        const store = ClickHouseStore.create({ config, logger });
        let timer: NodeJS.Timeout | undefined;
        const attempt = async () => {
          try {
            await store.migrate();
          } catch (error) {
            assertError(error);
            logger.error(
              `ClickHouse migrations failed, retrying in ${MIGRATION_RETRY_MS / 1000}s: ${error.message}`,
            );
            timer = setTimeout(attempt, MIGRATION_RETRY_MS);
            timer.unref();
          }
        };
        await attempt();
        lifecycle.addShutdownHook(async () => {
          if (timer) clearTimeout(timer);
          await store.close();
        });
        return store;
      },
    }),
});
