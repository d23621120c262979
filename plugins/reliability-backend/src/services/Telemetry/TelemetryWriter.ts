import { createHash } from 'node:crypto';
import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  TelemetryRow,
  telemetryRowSchema,
} from '@goldenpath/plugin-reliability-common';
import { z } from 'zod';
import {
  ClickHouseStore,
  clickHouseStoreServiceRef,
  mapClickHouseError,
} from '../ClickHouseStore';

const COLUMNS = ['ts', 'cluster', 'namespace', 'node', 'component', 'metric', 'value'];

const TOKEN = /^[A-Za-z0-9._:-]{1,128}$/;
const DEFAULT_CHUNK_ROWS = 50_000;

/**
 * Result of {@link TelemetryWriter.write}.
 *
 * @public
 */
export interface TelemetryWriteResult {
  /** Rows in the batch (also when ClickHouse dropped them as a retried duplicate). */
  rows: number;
  /** Base insert deduplication token; chunk `i` of the batch used `<token>.<i>`. */
  deduplicationToken: string;
}

/**
 * Writes telemetry rows into `<database>.telemetry`: the route
 * `POST /api/reliability/telemetry` and the validator operator use it, so
 * both produce the same rows.
 *
 * A batch is split into chunks of at most `chunkRows` rows; each chunk is one
 * `INSERT … FORMAT TabSeparated` with `insert_deduplication_token =
 * <token>.<chunk index>`, where the token is the caller's idempotency key or
 * the SHA-256 of the whole serialized batch. Retrying the same batch (same key
 * or same content) therefore stores nothing new.
 *
 * @public
 */
export class TelemetryWriter {
  readonly #store: Pick<ClickHouseStore, 'insertRaw'>;
  readonly #chunkRows: number;

  /**
   * @param options.store - the plugin's ClickHouse store
   * @param options.chunkRows - rows per INSERT, default 50000
   */
  static create(options: {
    store: Pick<ClickHouseStore, 'insertRaw'>;
    chunkRows?: number;
  }): TelemetryWriter {
    return new TelemetryWriter(options.store, options.chunkRows);
  }

  private constructor(
    store: Pick<ClickHouseStore, 'insertRaw'>,
    chunkRows = DEFAULT_CHUNK_ROWS,
  ) {
    if (!Number.isInteger(chunkRows) || chunkRows < 1) {
      throw new TypeError(`chunkRows must be a positive integer, got ${chunkRows}`);
    }
    this.#store = store;
    this.#chunkRows = chunkRows;
  }

  /**
   * Validates and inserts a batch.
   *
   * @param rows - telemetry rows (see `telemetryRowSchema`)
   * @param options.deduplicationToken - idempotency key of the batch, `[A-Za-z0-9._:-]{1,128}`
   * @param options.assumeValid - skip validation when the caller already parsed the rows with `telemetryRowSchema`
   * @throws InputError naming the first invalid row and field, or an invalid token
   * @throws ServiceUnavailableError when ClickHouse cannot be reached
   */
  async write(
    rows: readonly TelemetryRow[],
    options: { deduplicationToken?: string; assumeValid?: boolean } = {},
  ): Promise<TelemetryWriteResult> {
    if (!options.assumeValid) {
      const parsed = z.array(telemetryRowSchema).safeParse(rows);
      if (!parsed.success) {
        throw new InputError(parsed.error.toString());
      }
    }
    if (options.deduplicationToken !== undefined && !TOKEN.test(options.deduplicationToken)) {
      throw new InputError(
        'deduplicationToken must be 1-128 characters of letters, digits, ".", "_", ":" or "-"',
      );
    }
    const chunks: string[] = [];
    for (let start = 0; start < rows.length; start += this.#chunkRows) {
      chunks.push(serializeRows(rows, start, Math.min(rows.length, start + this.#chunkRows)));
    }
    const token = options.deduplicationToken ?? hashChunks(chunks);
    try {
      for (let i = 0; i < chunks.length; i++) {
        // Per-insert settings, never clickhouse_settings: the embedded engine
        // applies those as a session-wide SET that leaks into later inserts.
        await this.#store.insertRaw({
          table: 'telemetry',
          columns: COLUMNS,
          format: 'TabSeparated',
          body: chunks[i],
          settings: {
            insert_deduplication_token: `${token}.${i}`,
            deduplicate_blocks_in_dependent_materialized_views: 1,
          },
        });
      }
    } catch (error) {
      throw mapClickHouseError(error);
    }
    return { rows: rows.length, deduplicationToken: token };
  }
}

function hashChunks(chunks: string[]): string {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

/** Unix seconds with milliseconds (`1763719200.123`), a text form DateTime64(3) parses. */
function formatTs(ts: string | number): string {
  const ms = typeof ts === 'number' ? ts : Date.parse(ts);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new InputError(`Invalid timestamp '${ts}'`);
  }
  const rest = ms % 1000;
  return `${(ms - rest) / 1000}.${String(rest).padStart(3, '0')}`;
}

const SPECIAL = /[\\\t\n\r]/;

/** TabSeparated escaping of a String field. */
function esc(value: string): string {
  if (!SPECIAL.test(value)) return value;
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\t/g, '\\t')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
}

function serializeRows(rows: readonly TelemetryRow[], start: number, end: number): string {
  const lines = new Array<string>(end - start);
  for (let i = start; i < end; i++) {
    const r = rows[i];
    lines[i - start] = `${formatTs(r.ts)}\t${esc(r.cluster)}\t${esc(r.namespace)}\t${esc(r.node)}\t${esc(r.component)}\t${esc(r.metric)}\t${r.value}`;
  }
  return lines.join('\n');
}

/**
 * The plugin's telemetry writer, on the plugin's ClickHouse store.
 *
 * @public
 */
export const telemetryWriterServiceRef = createServiceRef<TelemetryWriter>({
  id: 'reliability.telemetry-writer',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { store: clickHouseStoreServiceRef },
      factory: ({ store }) => TelemetryWriter.create({ store }),
    }),
});
