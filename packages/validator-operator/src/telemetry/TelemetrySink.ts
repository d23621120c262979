import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { TelemetryMetric, TelemetryRow, telemetryRowSchema } from '@goldenpath/plugin-reliability-common';

/**
 * The metrics the operator writes on every probe of a node: `probe_latency_ms` always, the block
 * heights, `block_lag` and `peers` when the node answered.
 * @public
 */
export const PROBE_METRICS: readonly TelemetryMetric[] = [
  'probe_latency_ms',
  'block_height',
  'network_height',
  'block_lag',
  'peers',
];

/**
 * Where telemetry rows go. {@link ClickHouseTelemetrySink} is the real one.
 * @public
 */
export interface TelemetrySink {
  /** Queues rows; they are written in batches. */
  push(rows: TelemetryRow[]): void;
  /** Writes everything queued. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Queue, batching and retry shared by the sinks that write to a store: rows are validated on
 * `push`, a batch is written when `batchRows` rows are queued or every `flushIntervalMs`, one
 * batch at a time. A failed batch is kept as it was (same rows, same idempotency key) and tried
 * again first on the next flush; the queue holds at most `maxQueuedRows` rows, oldest dropped
 * first, and `onError` hears about every failure.
 * @public
 */
export abstract class BatchingTelemetrySink implements TelemetrySink {
  readonly #batchRows: number;
  readonly #maxQueued: number;
  readonly #onError: (e: unknown) => void;
  #queue: TelemetryRow[] = [];
  #failed: { rows: TelemetryRow[]; key: string } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #inflight: Promise<void> = Promise.resolve();
  /** Rows dropped because the queue overflowed. */
  dropped = 0;
  /** Rows written. */
  written = 0;

  /**
   * @param o.batchRows - rows per write, default 5000
   * @param o.flushIntervalMs - default 5000
   * @param o.maxQueuedRows - default 200000
   */
  protected constructor(o: { batchRows?: number; flushIntervalMs?: number; maxQueuedRows?: number; onError?: (e: unknown) => void }) {
    this.#batchRows = o.batchRows ?? 5000;
    this.#maxQueued = o.maxQueuedRows ?? 200_000;
    this.#onError = o.onError ?? (() => {});
    this.#timer = setInterval(() => void this.flush(), o.flushIntervalMs ?? 5000);
    this.#timer.unref?.();
  }

  /**
   * Writes one batch.
   * @param rows - validated rows, at most `batchRows`
   * @param key - idempotency key of the batch: the same on every retry of the same rows
   * @throws whatever the store throws; the batch is then kept for the next flush
   */
  protected abstract writeBatch(rows: TelemetryRow[], key: string): Promise<void>;

  push(rows: TelemetryRow[]) {
    for (const row of rows) this.#queue.push(telemetryRowSchema.parse(row));
    const over = this.#queue.length + (this.#failed?.rows.length ?? 0) - this.#maxQueued;
    if (over > 0) {
      const fromQueue = Math.min(over, this.#queue.length);
      this.#queue.splice(0, fromQueue);
      this.dropped += fromQueue;
    }
    if (this.#queue.length >= this.#batchRows) void this.flush();
  }

  flush(): Promise<void> {
    this.#inflight = this.#inflight.then(() => this.#drain());
    return this.#inflight;
  }

  async close() {
    clearInterval(this.#timer);
    await this.flush();
  }

  async #drain() {
    while (this.#failed || this.#queue.length) {
      const batch = this.#failed ?? { rows: this.#queue.splice(0, this.#batchRows), key: randomUUID() };
      try {
        await this.writeBatch(batch.rows, batch.key);
        this.#failed = undefined;
        this.written += batch.rows.length;
      } catch (e) {
        this.#failed = batch;
        this.#onError(e);
        return;
      }
    }
  }
}

/**
 * Batches telemetry rows and inserts them into `<database>.telemetry` with
 * `INSERT … FORMAT JSONEachRow`: the same rows (schema `telemetryRowSchema` from
 * `@goldenpath/plugin-reliability-common`) the reliability backend's `TelemetryWriter`
 * stores, with the `component` label. Written directly with `@clickhouse/client` so the
 * operator does not pull in the Backstage backend plugin. Batching and retries: see
 * {@link BatchingTelemetrySink}.
 * @public
 */
export class ClickHouseTelemetrySink extends BatchingTelemetrySink {
  readonly #client: ClickHouseClient;
  readonly #table: string;

  /**
   * @param options.database - database holding `telemetry`, default `reliability`
   * @param options.batchRows - rows per insert, default 5000
   * @param options.flushIntervalMs - default 5000
   * @param options.maxQueuedRows - default 200000
   * @throws TypeError when `database` is not a plain identifier
   */
  static create(options: {
    client: ClickHouseClient;
    database?: string;
    batchRows?: number;
    flushIntervalMs?: number;
    maxQueuedRows?: number;
    onError?: (e: unknown) => void;
  }): ClickHouseTelemetrySink {
    const database = options.database ?? 'reliability';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
      throw new TypeError(`database must be an identifier, got ${JSON.stringify(database)}`);
    }
    return new ClickHouseTelemetrySink(options, `${database}.telemetry`);
  }

  private constructor(o: Parameters<typeof ClickHouseTelemetrySink.create>[0], table: string) {
    super(o);
    this.#client = o.client;
    this.#table = table;
  }

  protected async writeBatch(rows: TelemetryRow[]): Promise<void> {
    await this.#client.insert({
      table: this.#table,
      values: rows.map(r => ({
        ...r,
        ts: new Date(typeof r.ts === 'number' ? r.ts : Date.parse(r.ts)).toISOString(),
      })),
      format: 'JSONEachRow',
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
  }
}

/**
 * Batches telemetry rows and posts them to the reliability backend's
 * `POST <baseUrl>/telemetry` as NDJSON with a Backstage external-access token: for an operator
 * that reaches Backstage but not ClickHouse (the `make start` demo, whose ClickHouse is
 * embedded in the backend process). Each batch carries an `Idempotency-Key`, unchanged on
 * retries, which the backend turns into the insert deduplication token, so a batch whose answer
 * was lost is not stored twice. Batching and retries: see {@link BatchingTelemetrySink}.
 * @public
 */
export class HttpTelemetrySink extends BatchingTelemetrySink {
  readonly #url: string;
  readonly #token: string | undefined;

  /**
   * @param options.baseUrl - the reliability plugin's base URL, e.g. `http://localhost:7007/api/reliability`
   * @param options.token - external-access token sent as `Authorization: Bearer`; never logged
   * @param options.batchRows - rows per request, default 5000
   * @param options.flushIntervalMs - default 5000
   * @param options.maxQueuedRows - default 200000
   */
  static create(options: {
    baseUrl: string;
    token?: string;
    batchRows?: number;
    flushIntervalMs?: number;
    maxQueuedRows?: number;
    onError?: (e: unknown) => void;
  }): HttpTelemetrySink {
    return new HttpTelemetrySink(options);
  }

  private constructor(o: Parameters<typeof HttpTelemetrySink.create>[0]) {
    super(o);
    this.#url = `${o.baseUrl.replace(/\/+$/, '')}/telemetry`;
    this.#token = o.token;
  }

  protected async writeBatch(rows: TelemetryRow[], key: string): Promise<void> {
    const res = await fetch(this.#url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-ndjson',
        'idempotency-key': key,
        ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}),
      },
      body: rows.map(r => JSON.stringify(r)).join('\n'),
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw new Error(`POST ${this.#url} answered ${res.status}: ${text.slice(0, 300)}`);
    }
    await res.body?.cancel();
  }
}

/**
 * A sink that keeps every row in memory, for tests and the bench. Unbounded: not for a
 * long-running operator (see {@link DiscardTelemetrySink}).
 * @public
 */
export class MemoryTelemetrySink implements TelemetrySink {
  readonly rows: TelemetryRow[] = [];
  push(rows: TelemetryRow[]) {
    for (const row of rows) this.rows.push(telemetryRowSchema.parse(row));
  }
  async flush() {}
  async close() {}
}

/**
 * A sink that validates rows and drops them: what the operator uses without
 * `--clickhouse-url`, so a fleet without ClickHouse does not grow the heap with rows nobody
 * reads (1,000 nodes probed every 30 s make 600,000 rows an hour). `dropped` counts them.
 * @public
 */
export class DiscardTelemetrySink implements TelemetrySink {
  dropped = 0;
  push(rows: TelemetryRow[]) {
    for (const row of rows) telemetryRowSchema.parse(row);
    this.dropped += rows.length;
  }
  async flush() {}
  async close() {}
}
