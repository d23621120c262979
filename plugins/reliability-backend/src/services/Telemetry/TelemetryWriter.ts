import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  TelemetryRow,
  telemetryRowSchema,
} from '@goldenpath/plugin-reliability-common';
import { z } from 'zod';
import {
  clickHouseStoreServiceRef,
  mapClickHouseError,
} from '../ClickHouseStore';

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
 * `INSERT … FORMAT JSONEachRow` with `insert_deduplication_token =
 * <token>.<chunk index>`, where the token is the caller's idempotency key or
 * the SHA-256 of the whole serialized batch. Retrying the same batch (same key
 * or same content) therefore stores nothing new.
 *
 * @public
 */
export class TelemetryWriter {
  readonly #client: ClickHouseClient;
  readonly #table: string;
  readonly #chunkRows: number;

  /**
   * @param options.store - the plugin's ClickHouse store (or any `{ client, database }`)
   * @param options.chunkRows - rows per INSERT, default 50000
   */
  static create(options: {
    store: { client: ClickHouseClient; database: string };
    chunkRows?: number;
  }): TelemetryWriter {
    return new TelemetryWriter(options.store, options.chunkRows);
  }

  private constructor(
    store: { client: ClickHouseClient; database: string },
    chunkRows = DEFAULT_CHUNK_ROWS,
  ) {
    if (!Number.isInteger(chunkRows) || chunkRows < 1) {
      throw new TypeError(`chunkRows must be a positive integer, got ${chunkRows}`);
    }
    this.#client = store.client;
    this.#table = `${store.database}.telemetry`;
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
        const result = await this.#client.exec({
          // The token matches TOKEN, so it cannot leave the string literal.
          // Query-level SETTINGS (not clickhouse_settings) because the embedded
          // engine applies those as session-wide SET, leaking into later inserts.
          query: `INSERT INTO ${this.#table} (ts, cluster, namespace, node, component, metric, value) SETTINGS insert_deduplication_token = '${token}.${i}', deduplicate_blocks_in_dependent_materialized_views = 1 FORMAT JSONEachRow`,
          values: Readable.from([chunks[i]]),
        });
        result.stream.resume();
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

/** `YYYY-MM-DD hh:mm:ss.sss` in UTC, the text form of DateTime64(3, 'UTC'). */
function formatTs(ts: string | number): string {
  const ms = typeof ts === 'number' ? ts : Date.parse(ts);
  if (!Number.isFinite(ms)) {
    throw new InputError(`Invalid timestamp '${ts}'`);
  }
  return new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
}

function serializeRows(rows: readonly TelemetryRow[], start: number, end: number): string {
  const lines = new Array<string>(end - start);
  for (let i = start; i < end; i++) {
    const r = rows[i];
    lines[i - start] =
      `{"ts":"${formatTs(r.ts)}","cluster":${JSON.stringify(r.cluster)},"namespace":${JSON.stringify(r.namespace)},"node":${JSON.stringify(r.node)},"component":${JSON.stringify(r.component)},"metric":${JSON.stringify(r.metric)},"value":${r.value}}`;
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
