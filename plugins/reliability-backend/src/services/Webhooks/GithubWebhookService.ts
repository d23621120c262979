import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  ClickHouseStore,
  clickHouseStoreServiceRef,
  mapClickHouseError,
} from '../ClickHouseStore';
import { firstCommitResolverFromConfig } from './githubFirstCommit';
import { inspectGithubDelivery } from './inspectDelivery';
import {
  completeFirstCommit,
  DeliveryEvent,
  FirstCommitResolver,
} from './normalizeGithubEvent';
import { PayloadWorkers } from './PayloadWorkers';

/**
 * Where delivery events are stored: the plugin's ClickHouse client and database. Passing the
 * {@link ClickHouseStore} itself adds `isEmbedded`, `insertRaw` and `backgroundClient`; on the embedded engine the
 * service then writes through the `delivery_inbox` table (see {@link GithubWebhookService}).
 * @public
 */
export type DeliveryStoreTarget = {
  client: ClickHouseClient;
  database: string;
} & Partial<Pick<ClickHouseStore, 'isEmbedded' | 'insertRaw' | 'backgroundClient'>>;

/**
 * Outcome of one webhook delivery.
 *
 * - `stored`: a new delivery event was written (durably, before this resolves)
 * - `duplicate`: a delivery with this `X-GitHub-Delivery` id was stored before
 * - `ignored`: not a DORA input; nothing stored
 *
 * @public
 */
export type WebhookReceipt = {
  status: 'stored' | 'duplicate' | 'ignored';
  deliveryId: string;
  event: string;
  kind?: DeliveryEvent['kind'];
};

/**
 * One raw GitHub webhook delivery as received over HTTP.
 * @public
 */
export type GithubWebhookDelivery = {
  /** `X-GitHub-Event` */
  eventName: string | undefined;
  /** `X-GitHub-Delivery` */
  deliveryId: string | undefined;
  /** `X-Hub-Signature-256`, `sha256=<hex>` */
  signature: string | undefined;
  /** `Content-Type` */
  contentType: string | undefined;
  /** Exact bytes of the request body. */
  rawBody: Buffer;
};

/**
 * Each INSERT costs the embedded ClickHouse about 4–6 ms of CPU whatever its size (query, new part,
 * later merges; measured with bench/ingest). Inserting back to back makes batches only as large as
 * what arrived during the previous insert, so under load inserts alone keep a core busy; spacing
 * their starts by 10 ms caps that at about half a core and adds at most 10 ms to an acknowledgement.
 */
const DEFAULT_MIN_FLUSH_INTERVAL_MS = 10;

/**
 * How often the inbox is moved to `delivery_events` (embedded engine): DORA metrics lag the
 * webhooks by about this much. A move costs about 30 µs of CPU per row whatever the interval.
 */
const DEFAULT_INBOX_MOVE_INTERVAL_MS = 1000;

/** Most rows one inbox move takes (a backlog is moved over several ticks). */
const MAX_MOVE_ROWS = 50_000;

/** Columns written per delivery event, in the order of the inbox insert and the move. */
const EVENT_COLUMNS = [
  'delivery_id',
  'event_id',
  'kind',
  'repository',
  'ts',
  'environment',
  'state',
  'deployment_id',
  'sha',
  'number',
  'first_commit_at',
  'first_commit_source',
  'author',
  'author_is_bot',
  'is_rollback',
];

type Pending = {
  event: DeliveryEvent;
  resolve(status: 'stored' | 'duplicate'): void;
  reject(error: unknown): void;
};

/**
 * Receives GitHub webhooks for DORA: verifies `X-Hub-Signature-256` (HMAC-SHA256 of the raw body,
 * `@octokit/webhooks-methods`) against each configured secret (`reliability.github.webhookSecrets`,
 * several for rotation), normalises the payload and stores it in `delivery_events`.
 *
 * Durability: concurrent deliveries are grouped into one synchronous insert (`wait_end_of_query=1`,
 * no async insert; group commit) and each caller is answered only after that insert returned, so a
 * 2xx means the event is on disk. A failed insert fails every delivery of the batch (503) and GitHub
 * can redeliver them. Inserts start at most every `minFlushIntervalMs` (10 ms by default): a lone
 * delivery is inserted at once, under load the deliveries of each 10 ms share one insert.
 *
 * On the embedded engine (a {@link ClickHouseStore} whose `isEmbedded` is true) the group commit
 * goes to the `delivery_inbox` table (EmbeddedRocksDB: a write-ahead-log append, about a quarter of
 * the CPU of a MergeTree insert, which creates and later merges a part of ~15 files), and the inbox
 * is moved to `delivery_events` in one insert every `inboxMoveIntervalMs` (1 s by default; also at
 * start, for what a previous process left). The move reads the inbox's keys, copies those rows and
 * then deletes those keys, on the store's `backgroundClient`, so it neither blocks nor loses inserts
 * made meanwhile; a crash in between only writes rows again, which `FINAL` counts once. DORA
 * metrics therefore see a delivery up to about a second after its acknowledgement. With a server,
 * events are inserted into `delivery_events` directly (`client.insert`).
 *
 * Deduplication on `X-GitHub-Delivery`, in two layers: the ids of the last 200,000 stored deliveries
 * are kept in memory (flushes run one at a time, so a redelivery is always checked against every
 * acknowledged one) and answered `duplicate` without a write; and rows are keyed by the logical event
 * (`(repository, kind, event_id)`) in a ReplacingMergeTree that every metric reads with `FINAL`, so a
 * redelivery after a restart, or a replay under a new delivery id, is written again but counted
 * once. A lookup query per batch was measured and dropped: it cost as much as the insert.
 *
 * @public
 */
export class GithubWebhookService {
  readonly #target: DeliveryStoreTarget;
  readonly #secrets: string[];
  readonly #logger: LoggerService;
  readonly #resolveFirstCommit?: FirstCommitResolver;
  readonly #maxBatch: number;
  readonly #minFlushIntervalMs: number;
  #lastFlushAt = -Infinity;
  #queue: Pending[] = [];
  readonly #recent = new Set<string>();
  /** `#recent` in insertion order, oldest overwritten first (O(1); see `#remember`). */
  readonly #recentRing: Array<string | undefined>;
  #recentNext = 0;
  #flushing: Promise<void> = Promise.resolve();
  #scheduled = false;
  readonly #inbox: boolean;
  /** Whether the inbox may hold rows; unknown at start, so the first tick moves leftovers. */
  #inboxDirty = true;
  #moveTimer: NodeJS.Timeout | undefined;
  #moving: Promise<void> = Promise.resolve();
  #moveRunning = false;
  readonly #workers: PayloadWorkers | undefined;

  /**
   * @param options.secrets - webhook secrets; when empty every delivery is rejected (401)
   * @param options.maxBatch - most events per insert (default 1000)
   * @param options.minFlushIntervalMs - least time between the starts of two inserts, in ms
   *   (default 10; 0 inserts back to back). See the class docs.
   * @param options.recentDeliveries - how many stored delivery ids are kept in memory and answered
   *   `duplicate` without a write (default 200,000: about 18 MB of heap with GitHub's 36-character ids)
   * @param options.inboxMoveIntervalMs - embedded engine only: period of the move from
   *   `delivery_inbox` to `delivery_events`, in ms (default 1000). Call {@link GithubWebhookService.close}
   *   to stop it.
   * @param options.payloadWorkers - worker threads that verify, parse and normalise deliveries
   *   (default `reliability.github.webhookPayloadWorkers`, else 0: on the calling thread). See
   *   {@link PayloadWorkers}: a worker takes ~25 % of the main thread's time per delivery off it,
   *   but each delivery then waits for a hand-over to the worker and back (p50 4–5 ms at 32 in
   *   flight on a 2-core host shared with the embedded ClickHouse); it pays where the main thread
   *   is the limit and a core is free.
   */
  static create(options: {
    target: DeliveryStoreTarget;
    config?: RootConfigService;
    secrets?: string[];
    logger: LoggerService;
    resolveFirstCommit?: FirstCommitResolver;
    maxBatch?: number;
    minFlushIntervalMs?: number;
    inboxMoveIntervalMs?: number;
    recentDeliveries?: number;
    payloadWorkers?: number;
  }): GithubWebhookService {
    const secrets =
      options.secrets ??
      options.config?.getOptionalStringArray('reliability.github.webhookSecrets') ??
      [];
    if (secrets.length === 0) {
      options.logger.warn(
        'No reliability.github.webhookSecrets configured: GitHub webhooks will be rejected',
      );
    }
    return new GithubWebhookService(
      options.target,
      secrets.filter(s => s.length > 0),
      options.logger,
      options.resolveFirstCommit,
      options.maxBatch ?? 1000,
      options.minFlushIntervalMs ?? DEFAULT_MIN_FLUSH_INTERVAL_MS,
      options.inboxMoveIntervalMs ?? DEFAULT_INBOX_MOVE_INTERVAL_MS,
      Math.max(1, options.recentDeliveries ?? 200_000),
      Math.max(
        0,
        Math.floor(
          options.payloadWorkers ??
            options.config?.getOptionalNumber('reliability.github.webhookPayloadWorkers') ??
            0,
        ),
      ),
    );
  }

  private constructor(
    target: DeliveryStoreTarget,
    secrets: string[],
    logger: LoggerService,
    resolveFirstCommit: FirstCommitResolver | undefined,
    maxBatch: number,
    minFlushIntervalMs: number,
    inboxMoveIntervalMs: number,
    recentDeliveries: number,
    payloadWorkers: number,
  ) {
    this.#recentRing = new Array(recentDeliveries);
    this.#target = target;
    this.#secrets = secrets;
    this.#logger = logger;
    this.#resolveFirstCommit = resolveFirstCommit;
    this.#maxBatch = maxBatch;
    this.#minFlushIntervalMs = minFlushIntervalMs;
    this.#inbox = target.isEmbedded === true && typeof target.insertRaw === 'function';
    this.#workers =
      payloadWorkers > 0
        ? PayloadWorkers.create({
            size: payloadWorkers,
            secrets,
            deferFirstCommit: resolveFirstCommit !== undefined,
          })
        : undefined;
    if (this.#inbox) {
      this.#moveTimer = setInterval(() => this.#scheduleMove(), inboxMoveIntervalMs);
      this.#moveTimer.unref();
    }
  }

  /**
   * Moves what the inbox holds to `delivery_events` now, after the inserts already queued
   * (embedded engine; a no-op with a server). Rows stay in the inbox when the move fails.
   *
   * @throws the ClickHouse error of a failed move
   */
  async moveInbox(): Promise<void> {
    if (!this.#inbox) {
      return;
    }
    await this.#flushing;
    await this.#moving;
    this.#inboxDirty = true;
    await this.#startMove();
  }

  /**
   * Stops the periodic inbox move and the payload workers and waits for queued inserts and a
   * running move. Rows left in the inbox are moved by the next process that opens the data directory.
   */
  async close(): Promise<void> {
    if (this.#moveTimer) {
      clearInterval(this.#moveTimer);
      this.#moveTimer = undefined;
    }
    await this.#workers?.close();
    await this.#flushing;
    await this.#moving;
  }

  /**
   * Verifies, normalises and stores one delivery.
   *
   * @throws AuthenticationError (401) on a missing or wrong signature
   * @throws InputError (400) naming the header or field on malformed input
   */
  async receive(delivery: GithubWebhookDelivery): Promise<WebhookReceipt> {
    const inspectable = {
      eventName: delivery.eventName,
      deliveryId: delivery.deliveryId,
      signature: delivery.signature,
      contentType: delivery.contentType,
      body: delivery.rawBody,
    };
    const { event, firstCommit } = this.#workers
      ? await this.#workers.inspect(inspectable)
      : await inspectGithubDelivery(this.#secrets, inspectable, this.#resolveFirstCommit !== undefined);
    // inspection validated both headers
    const eventName = delivery.eventName!;
    const deliveryId = delivery.deliveryId!;
    if (!event) {
      return { status: 'ignored', deliveryId, event: eventName };
    }
    if (firstCommit) {
      let resolved: string | undefined;
      try {
        resolved = await this.#resolveFirstCommit?.({
          repository: firstCommit.repository,
          number: firstCommit.number,
        });
      } catch {
        // the commit lookup is best effort: the creation time stands in
        resolved = undefined;
      }
      try {
        completeFirstCommit(event, firstCommit, resolved);
      } catch (error) {
        throw new InputError(`Invalid ${eventName} payload: ${(error as Error).message}`);
      }
    }
    const status = await this.#enqueue(event);
    return { status, deliveryId, event: eventName, kind: event.kind };
  }

  #enqueue(event: DeliveryEvent): Promise<'stored' | 'duplicate'> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ event, resolve, reject });
      if (this.#queue.length >= this.#maxBatch) {
        this.#scheduleFlush(true);
      } else {
        this.#scheduleFlush(false);
      }
    });
  }

  #scheduleFlush(now: boolean) {
    if (this.#scheduled && !now) {
      return;
    }
    this.#scheduled = true;
    const run = () => {
      this.#scheduled = false;
      this.#flushing = this.#flushing.then(() => this.#flush());
    };
    if (now) {
      run();
    } else {
      setImmediate(run);
    }
  }

  #scheduleMove() {
    if (!this.#inboxDirty || this.#moveRunning) {
      return;
    }
    this.#startMove().catch(error => {
      this.#logger.error('Failed to move GitHub deliveries from the inbox, retrying', {
        error: String(error),
      });
    });
  }

  #startMove(): Promise<void> {
    this.#moveRunning = true;
    const move = this.#move().finally(() => {
      this.#moveRunning = false;
    });
    this.#moving = move.catch(() => {});
    return move;
  }

  /**
   * Inbox → delivery_events for the keys read first, then deletes exactly those keys, so inserts
   * running meanwhile (on the main client) are neither lost nor blocked. The statements go through
   * the store's `backgroundClient`: a move of a second of deliveries takes 30–150 ms, which on the
   * inserts' own connection held every acknowledgement waiting behind it.
   */
  async #move(): Promise<void> {
    const { database } = this.#target;
    const client = this.#target.backgroundClient ?? this.#target.client;
    this.#inboxDirty = false;
    try {
      const keys = await (
        await client.query({
          query: `SELECT delivery_id FROM ${database}.delivery_inbox LIMIT {limit:UInt32}`,
          query_params: { limit: MAX_MOVE_ROWS },
          format: 'JSONCompactEachRow',
        })
      ).json<[string]>();
      if (keys.length === 0) {
        return;
      }
      const ids = keys.map(([id]) => id);
      const columns = EVENT_COLUMNS.concat('received_at').join(', ');
      await client.command({
        query: `INSERT INTO ${database}.delivery_events (${columns}) SELECT ${columns} FROM ${database}.delivery_inbox WHERE delivery_id IN {ids:Array(String)}`,
        query_params: { ids },
      });
      await client.command({
        query: `DELETE FROM ${database}.delivery_inbox WHERE delivery_id IN {ids:Array(String)}`,
        query_params: { ids },
      });
      if (ids.length === MAX_MOVE_ROWS) {
        this.#inboxDirty = true;
      }
    } catch (error) {
      this.#inboxDirty = true;
      throw error;
    }
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const wait = this.#lastFlushAt + this.#minFlushIntervalMs - performance.now();
      if (wait > 0 && this.#queue.length < this.#maxBatch) {
        await new Promise(resolve => setTimeout(resolve, wait));
      }
      this.#lastFlushAt = performance.now();
      const batch = this.#queue.splice(0, this.#maxBatch);
      try {
        await this.#write(batch);
      } catch (error) {
        this.#logger.error('Failed to store GitHub deliveries', {
          count: batch.length,
          error: String(error),
        });
        const mapped = mapClickHouseError(error);
        for (const p of batch) p.reject(mapped);
      }
    }
  }

  async #write(batch: Pending[]) {
    const { client, database } = this.#target;
    const fresh: Pending[] = [];
    const duplicates: Pending[] = [];
    const inBatch = new Set<string>();
    for (const p of batch) {
      const id = p.event.deliveryId;
      if (this.#recent.has(id) || inBatch.has(id)) {
        duplicates.push(p);
      } else {
        inBatch.add(id);
        fresh.push(p);
      }
    }
    if (fresh.length > 0 && this.#inbox) {
      await this.#target.insertRaw!({
        table: 'delivery_inbox',
        columns: EVENT_COLUMNS,
        format: 'JSONEachRow',
        body: fresh.map(p => JSON.stringify(toRow(p.event))).join('\n'),
        // One thread: a 10–30-row insert gains nothing from parallel parsing, and on a busy machine
        // each extra thread is another wait for a core (insert wall time 10–20 ms -> 5–10 ms).
        settings: {
          async_insert: 0,
          date_time_input_format: 'best_effort',
          input_format_parallel_parsing: 0,
          max_threads: 1,
          max_insert_threads: 1,
        },
      });
      this.#inboxDirty = true;
      for (const id of inBatch) this.#remember(id);
    } else if (fresh.length > 0) {
      await client.insert({
        table: `${database}.delivery_events`,
        values: fresh.map(p => toRow(p.event)),
        format: 'JSONEachRow',
        clickhouse_settings: {
          async_insert: 0,
          wait_end_of_query: 1,
          date_time_input_format: 'best_effort',
        },
      });
      for (const id of inBatch) this.#remember(id);
    }
    for (const p of fresh) p.resolve('stored');
    for (const p of duplicates) p.resolve('duplicate');
  }

  // A ring instead of deleting the Set's first entry: V8 leaves deleted entries as holes that
  // `values().next()` walks over, which cost ~45 µs per delivery once the Set was full.
  #remember(deliveryId: string) {
    if (this.#recent.has(deliveryId)) {
      return;
    }
    const oldest = this.#recentRing[this.#recentNext];
    if (oldest !== undefined) {
      this.#recent.delete(oldest);
    }
    this.#recentRing[this.#recentNext] = deliveryId;
    this.#recentNext = (this.#recentNext + 1) % this.#recentRing.length;
    this.#recent.add(deliveryId);
  }
}

function toRow(e: DeliveryEvent) {
  return {
    delivery_id: e.deliveryId,
    event_id: e.eventId,
    kind: e.kind,
    repository: e.repository,
    ts: e.ts,
    environment: e.environment,
    state: e.state,
    deployment_id: e.deploymentId,
    sha: e.sha,
    number: e.number,
    first_commit_at: e.firstCommitAt,
    first_commit_source: e.firstCommitSource,
    author: e.author,
    author_is_bot: e.authorIsBot ? 1 : 0,
    is_rollback: e.isRollback ? 1 : 0,
  };
}

/**
 * Service ref of {@link GithubWebhookService}, reading `reliability.github.webhookSecrets` and
 * storing into the plugin's ClickHouse store.
 * @public
 */
export const githubWebhookServiceRef = createServiceRef<GithubWebhookService>({
  id: 'reliability.github-webhooks',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        store: clickHouseStoreServiceRef,
      },
      factory: ({ config, logger, lifecycle, store }) => {
        const webhooks = GithubWebhookService.create({
          target: store,
          config,
          logger,
          resolveFirstCommit: firstCommitResolverFromConfig(config, logger),
        });
        lifecycle.addShutdownHook(() => webhooks.close());
        return webhooks;
      },
    }),
});
