import type { ClickHouseClient } from '@clickhouse/client';
import { TelemetryRow, telemetryRowSchema } from '@goldenpath/plugin-reliability-common';

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
 * Batches telemetry rows and inserts them into `<database>.telemetry` with
 * `INSERT … FORMAT JSONEachRow`: the same rows (schema `telemetryRowSchema` from
 * `@goldenpath/plugin-reliability-common`) the reliability backend's `TelemetryWriter`
 * stores, with the `component` label. Written directly with `@clickhouse/client` so the
 * operator does not pull in the Backstage backend plugin.
 *
 * A batch is flushed when `batchRows` rows are queued or every `flushIntervalMs`.
 * A failed insert keeps the rows (up to `maxQueuedRows`, oldest dropped first) for the next
 * flush; `onError` hears about it.
 * @public
 */
export class ClickHouseTelemetrySink implements TelemetrySink {
  readonly #client: ClickHouseClient;
  readonly #table: string;
  readonly #batchRows: number;
  readonly #maxQueued: number;
  readonly #onError: (e: unknown) => void;
  #queue: TelemetryRow[] = [];
  #timer: NodeJS.Timeout | undefined;
  #inflight: Promise<void> = Promise.resolve();
  /** Rows dropped because the queue overflowed. */
  dropped = 0;
  /** Rows written. */
  written = 0;

  /**
   * @param options.database - database holding `telemetry`, default `reliability`
   * @param options.batchRows - rows per insert, default 5000
   * @param options.flushIntervalMs - default 5000
   * @param options.maxQueuedRows - default 200000
   */
  static create(options: {
    client: ClickHouseClient;
    database?: string;
    batchRows?: number;
    flushIntervalMs?: number;
    maxQueuedRows?: number;
    onError?: (e: unknown) => void;
  }): ClickHouseTelemetrySink {
    return new ClickHouseTelemetrySink(options);
  }

  private constructor(o: Parameters<typeof ClickHouseTelemetrySink.create>[0]) {
    this.#client = o.client;
    const database = o.database ?? 'reliability';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
      throw new TypeError(`database must be an identifier, got ${JSON.stringify(database)}`);
    }
    this.#table = `${database}.telemetry`;
    this.#batchRows = o.batchRows ?? 5000;
    this.#maxQueued = o.maxQueuedRows ?? 200_000;
    this.#onError = o.onError ?? (() => {});
    this.#timer = setInterval(() => void this.flush(), o.flushIntervalMs ?? 5000);
    this.#timer.unref?.();
  }

  push(rows: TelemetryRow[]) {
    for (const row of rows) this.#queue.push(telemetryRowSchema.parse(row));
    const over = this.#queue.length - this.#maxQueued;
    if (over > 0) {
      this.#queue.splice(0, over);
      this.dropped += over;
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
    while (this.#queue.length) {
      const batch = this.#queue.slice(0, this.#batchRows);
      try {
        await this.#client.insert({
          table: this.#table,
          values: batch.map(r => ({
            ...r,
            ts: new Date(typeof r.ts === 'number' ? r.ts : Date.parse(r.ts)).toISOString(),
          })),
          format: 'JSONEachRow',
          clickhouse_settings: { date_time_input_format: 'best_effort' },
        });
        this.#queue.splice(0, batch.length);
        this.written += batch.length;
      } catch (e) {
        this.#onError(e);
        return;
      }
    }
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
