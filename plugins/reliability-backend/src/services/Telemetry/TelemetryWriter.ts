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
const DEFAULT_CONCURRENCY = 2;

/**
 * Result of {@link TelemetryWriter.write}.
 *
 * @public
 */
export interface TelemetryWriteResult {
  /** Rows in the batch (also when ClickHouse dropped them as a retried duplicate). */
  rows: number;
  /**
   * The caller's idempotency key, or (without one) the SHA-256 of the chunks' hashes; chunk `i`
   * was inserted with `<key>.<i>`, respectively `<SHA-256 of chunk i>.<i>`.
   */
  deduplicationToken: string;
}

/**
 * Writes telemetry rows into `<database>.telemetry`: the route
 * `POST /api/reliability/telemetry` and the validator operator use it, so
 * both produce the same rows.
 *
 * A batch is split into chunks of at most `chunkRows` rows (of equal size give or take a row,
 * and a multiple of `concurrency` of them when there is more than one); each chunk is one
 * `INSERT … FORMAT TabSeparated` with an `insert_deduplication_token`: with the
 * caller's idempotency key `<key>.<chunk index>`, without one the SHA-256 of the
 * chunk's serialized rows plus `.<chunk index>`. Retrying the same batch (same
 * key or same content) therefore stores nothing new.
 *
 * The chunks of a batch are started in order, at most `concurrency` (default 2)
 * at a time, and the next chunk is serialized while the engine inserts the
 * previous ones: one writer keeps the JavaScript thread and two engine
 * connections busy (see `ClickHouseStore.insertRaw`). Chunks in flight together
 * may commit in either order; once a chunk has failed no further chunk starts, and
 * retrying the batch with the same key or content stores only what is missing.
 *
 * @public
 */
export class TelemetryWriter {
  readonly #store: Pick<ClickHouseStore, 'insertRaw'>;
  readonly #chunkRows: number;
  readonly #concurrency: number;

  /**
   * @param options.store - the plugin's ClickHouse store
   * @param options.chunkRows - rows per INSERT, default 50000
   * @param options.concurrency - chunks of one batch in flight at once, default 2
   * @throws TypeError when `chunkRows` or `concurrency` is not a positive integer
   */
  static create(options: {
    store: Pick<ClickHouseStore, 'insertRaw'>;
    chunkRows?: number;
    concurrency?: number;
  }): TelemetryWriter {
    return new TelemetryWriter(options.store, options.chunkRows, options.concurrency);
  }

  private constructor(
    store: Pick<ClickHouseStore, 'insertRaw'>,
    chunkRows = DEFAULT_CHUNK_ROWS,
    concurrency = DEFAULT_CONCURRENCY,
  ) {
    if (!Number.isInteger(chunkRows) || chunkRows < 1) {
      throw new TypeError(`chunkRows must be a positive integer, got ${chunkRows}`);
    }
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new TypeError(`concurrency must be a positive integer, got ${concurrency}`);
    }
    this.#store = store;
    this.#chunkRows = chunkRows;
    this.#concurrency = concurrency;
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
    const key = options.deduplicationToken;
    const batchHash = key === undefined ? createHash('sha256') : undefined;
    // Chunks in flight, oldest first; `failure` is the first error of a settled chunk.
    const inFlight: Promise<void>[] = [];
    let failure: { error: unknown } | undefined;
    const recordFailure = (error: unknown) => {
      failure ??= { error };
    };
    try {
      const chunks = this.#chunkCount(rows.length);
      for (let i = 0; i < chunks; i++) {
        // Chunk sizes differ by at most one row.
        const start = Math.floor((i * rows.length) / chunks);
        const body = serializeRows(rows, start, Math.floor(((i + 1) * rows.length) / chunks));
        let chunkToken: string;
        if (batchHash) {
          const chunkHash = createHash('sha256').update(body).digest('hex');
          batchHash.update(chunkHash);
          chunkToken = `${chunkHash}.${i}`;
        } else {
          chunkToken = `${key}.${i}`;
        }
        while (inFlight.length >= this.#concurrency && !failure) {
          await inFlight.shift();
        }
        if (failure) {
          break;
        }
        inFlight.push(this.#insert(body, chunkToken).catch(recordFailure));
      }
    } catch (error) {
      failure ??= { error };
    }
    // Every chunk still in flight settles before the batch is reported.
    await Promise.all(inFlight);
    if (failure) {
      throw mapClickHouseError(failure.error);
    }
    const token = key ?? batchHash!.digest('hex');
    return { rows: rows.length, deduplicationToken: token };
  }

  /**
   * Chunks for a batch of `rows`: enough for at most `chunkRows` rows each, and for a batch of more
   * than one chunk a multiple of `concurrency`, so no lone last chunk leaves a connection idle
   * (500k rows with chunkRows 100k: six chunks of 83,333–83,334, not five of 100k). The same batch
   * with the same settings is always cut the same way, which the deduplication tokens rely on.
   */
  #chunkCount(rows: number): number {
    const chunks = Math.ceil(rows / this.#chunkRows);
    return chunks > 1 ? Math.ceil(chunks / this.#concurrency) * this.#concurrency : chunks;
  }

  #insert(body: Buffer, token: string): Promise<void> {
    // Per-insert settings, never clickhouse_settings: the embedded engine
    // applies those as a session-wide SET that leaks into later inserts.
    return this.#store.insertRaw({
      table: 'telemetry',
      columns: COLUMNS,
      format: 'TabSeparated',
      body,
      settings: {
        insert_deduplication_token: token,
        deduplicate_blocks_in_dependent_materialized_views: 1,
      },
    });
  }
}

/**
 * Unix seconds with milliseconds (`1763719200.123`), a text form DateTime64(3) parses. For a
 * whole number of milliseconds `ms / 1000` prints exactly that: the quotient is correctly
 * rounded, and JavaScript prints the shortest text that reads back as the same double.
 */
function formatTs(ts: string | number): string {
  const ms = typeof ts === 'number' ? Math.trunc(ts) : Date.parse(ts);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new InputError(`Invalid timestamp '${ts}'`);
  }
  return String(ms / 1000);
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

const TAB = 0x09;
const NEWLINE = 0x0a;
/** Room kept free for one row's timestamp and value; the labels' own length is added to it. */
const ROW_ROOM = 4096;
/** Most distinct labels whose bytes one chunk keeps; further ones are encoded each time. */
const LABEL_CACHE_SIZE = 65_536;

/**
 * Rows `[start, end)` as TabSeparated bytes. Fields are written straight into one buffer: building
 * a string per row and joining them cost three times as much, most of it garbage collection. The
 * labels (cluster, namespace, node, component, metric) repeat from row to row, so each one's
 * escaped UTF-8 bytes, tab included, are made once per chunk and copied (0.8 against 1.2 µs per
 * row with encoding every field); so is the timestamp text while rows share one.
 */
function serializeRows(rows: readonly TelemetryRow[], start: number, end: number): Buffer {
  let buf = Buffer.allocUnsafe(Math.max(ROW_ROOM, (end - start) * 96));
  let pos = 0;
  const labels = new Map<string, Buffer>();
  const label = (value: string): Buffer => {
    let bytes = labels.get(value);
    if (bytes === undefined) {
      bytes = Buffer.from(`\t${esc(value)}`, 'utf8');
      if (labels.size < LABEL_CACHE_SIZE) labels.set(value, bytes);
    }
    return bytes;
  };
  let lastTs: TelemetryRow['ts'] | undefined;
  let tsText = '';
  for (let i = start; i < end; i++) {
    const r = rows[i];
    const fields = [label(r.cluster), label(r.namespace), label(r.node), label(r.component), label(r.metric)];
    const need = ROW_ROOM + fields.reduce((sum, f) => sum + f.length, 0);
    if (buf.length - pos < need) {
      const grown = Buffer.allocUnsafe(Math.max(buf.length * 2, pos + need));
      buf.copy(grown, 0, 0, pos);
      buf = grown;
    }
    if (r.ts !== lastTs) {
      tsText = formatTs(r.ts);
      lastTs = r.ts;
    }
    pos += buf.write(tsText, pos, 'latin1');
    for (const field of fields) {
      // A byte loop beats TypedArray.set's call overhead for short labels.
      if (field.length < 32) {
        for (let k = 0; k < field.length; k++) buf[pos + k] = field[k];
      } else {
        buf.set(field, pos);
      }
      pos += field.length;
    }
    buf[pos++] = TAB;
    pos += buf.write(String(r.value), pos, 'latin1');
    buf[pos++] = NEWLINE;
  }
  return buf.subarray(0, pos);
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
