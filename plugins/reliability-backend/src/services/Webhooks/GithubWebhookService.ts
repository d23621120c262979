import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import type { ClickHouseClient } from '@clickhouse/client';
import { join } from 'node:path';
import {
  ClickHouseStore,
  clickHouseStoreServiceRef,
  mapClickHouseError,
} from '../ClickHouseStore';
import { DeliveryJournal } from './DeliveryJournal';
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
 * {@link ClickHouseStore} itself adds `isEmbedded`, `embeddedPath`, `insertRaw` and
 * `backgroundClient`; on the embedded engine the service then acknowledges deliveries from a
 * {@link DeliveryJournal} in the data directory and copies it to `delivery_events` every second
 * (see {@link GithubWebhookService}).
 * @public
 */
export type DeliveryStoreTarget = {
  client: ClickHouseClient;
  database: string;
} & Partial<
  Pick<ClickHouseStore, 'isEmbedded' | 'embeddedPath' | 'insertRaw' | 'backgroundClient'>
>;

/** Journal directory inside the embedded engine's data directory (see {@link DeliveryJournal}). */
export const DELIVERY_JOURNAL_DIRECTORY = 'goldenpath-delivery-journal';

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
 * With a ClickHouse server each group commit is an INSERT (a new part, later merged): inserting
 * back to back makes batches only as large as what arrived during the previous insert, so spacing
 * their starts by 10 ms bounds the insert rate and adds at most 10 ms to an acknowledgement.
 */
const DEFAULT_MIN_FLUSH_INTERVAL_MS = 10;

/**
 * With the journal (embedded engine) a group commit is one `write` and `fdatasync` (45–100 µs of
 * CPU, 0.2–0.6 ms), so groups are spaced less.
 */
const DEFAULT_JOURNAL_MIN_FLUSH_INTERVAL_MS = 2;

/**
 * How often the journal is copied to `delivery_events` (embedded engine): DORA metrics lag the
 * webhooks by about this much. One INSERT per period, whatever the number of rows.
 */
const DEFAULT_INBOX_MOVE_INTERVAL_MS = 1000;

/** Most rows one move of the legacy `delivery_inbox` table takes (a backlog takes several ticks). */
const MAX_MOVE_ROWS = 50_000;

/** Columns written per delivery event, in the order of the inbox insert and the move. */
const EVENT_COLUMNS: readonly string[] = [
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

/** Columns of a journal line: the event's and the time it was received. */
const JOURNAL_COLUMNS = [...EVENT_COLUMNS, 'received_at'];

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
 * Durability: concurrent deliveries are grouped into one write (group commit) and each caller is
 * answered only after that write returned, so a 2xx means the event is on disk. A failed write fails
 * every delivery of the group (503) and GitHub can redeliver them. Writes start at most every
 * `minFlushIntervalMs`: a lone delivery is written at once, under load the deliveries of each
 * interval share one write.
 *
 * - With a ClickHouse server the group is one synchronous INSERT into `delivery_events`
 *   (`wait_end_of_query=1`, no async insert; 10 ms between inserts by default).
 * - On the embedded engine (a {@link ClickHouseStore} whose `isEmbedded` is true) the group is
 *   appended to a {@link DeliveryJournal} in `<embedded.path>/goldenpath-delivery-journal` with one
 *   `write` and `fdatasync` (so the 2xx survives a power loss, not only a process kill; 2 ms between
 *   writes by default), and the journal is copied to `delivery_events` in one INSERT every
 *   `inboxMoveIntervalMs` (1 s by default; also at start, for what a previous process left). A copy
 *   seals the journal's segment, inserts each sealed segment and only then deletes it, so it neither
 *   blocks nor loses the appends made meanwhile; a crash in between inserts a segment again, which
 *   `FINAL` counts once. DORA metrics see a delivery up to about a second after its
 *   acknowledgement. Each ClickHouse statement costs chdb 2.3–10 ms of CPU whatever its size, which
 *   at a hundred group commits a second took a quarter of a core; the journal costs 45–100 µs per
 *   group. Rows an earlier version left in the `delivery_inbox` table are moved at start.
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
  /** Embedded engine: the journal acknowledged deliveries are written to (opened at construction). */
  readonly #journal: Promise<DeliveryJournal> | undefined;
  /** Whether the journal may hold unsealed rows; unknown at start, so the first tick copies leftovers. */
  #journalDirty = true;
  /** Whether the legacy `delivery_inbox` table may still hold rows (checked at the first tick). */
  #legacyInboxDirty = true;
  #moveTimer: NodeJS.Timeout | undefined;
  #moving: Promise<void> = Promise.resolve();
  #moveRunning = false;
  readonly #workers: PayloadWorkers | undefined;

  /**
   * @param options.secrets - webhook secrets; when empty every delivery is rejected (401)
   * @param options.maxBatch - most events per insert (default 1000)
   * @param options.recentDeliveries - how many stored delivery ids are kept in memory and answered
   *   `duplicate` without a write (default 200,000: about 18 MB of heap with GitHub's 36-character ids)
   * @param options.minFlushIntervalMs - least time between the starts of two group commits, in ms
   *   (default 10 with a server, 2 with the journal; 0 writes back to back). See the class docs.
   * @param options.inboxMoveIntervalMs - embedded engine only: period of the copy from the journal
   *   to `delivery_events`, in ms (default 1000). Call {@link GithubWebhookService.close} to stop it.
   * @param options.journalDirectory - embedded engine only: the journal's directory (default
   *   `<target.embeddedPath>/goldenpath-delivery-journal`)
   * @param options.journalSync - embedded engine only: `fdatasync` each group commit before
   *   acknowledging it (default `reliability.github.webhookJournalSync`, else true); false still
   *   survives a process kill, not a power loss
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
    journalDirectory?: string;
    journalSync?: boolean;
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
    const { target } = options;
    let journal: Promise<DeliveryJournal> | undefined;
    if (target.isEmbedded) {
      const directory =
        options.journalDirectory ??
        (target.embeddedPath ? join(target.embeddedPath, DELIVERY_JOURNAL_DIRECTORY) : undefined);
      if (!directory || typeof target.insertRaw !== 'function') {
        throw new Error(
          'An embedded delivery store needs a journal directory (embeddedPath) and insertRaw',
        );
      }
      journal = DeliveryJournal.open({
        directory,
        sync:
          options.journalSync ??
          options.config?.getOptionalBoolean('reliability.github.webhookJournalSync') ??
          true,
      });
      // failures surface on the first write or copy
      journal.catch(() => {});
    }
    return new GithubWebhookService(
      target,
      secrets.filter(s => s.length > 0),
      options.logger,
      options.resolveFirstCommit,
      options.maxBatch ?? 1000,
      options.minFlushIntervalMs ??
        (journal ? DEFAULT_JOURNAL_MIN_FLUSH_INTERVAL_MS : DEFAULT_MIN_FLUSH_INTERVAL_MS),
      options.inboxMoveIntervalMs ?? DEFAULT_INBOX_MOVE_INTERVAL_MS,
      journal,
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
    journal: Promise<DeliveryJournal> | undefined,
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
    this.#journal = journal;
    this.#workers =
      payloadWorkers > 0
        ? PayloadWorkers.create({
            size: payloadWorkers,
            secrets,
            deferFirstCommit: resolveFirstCommit !== undefined,
          })
        : undefined;
    if (this.#journal) {
      this.#moveTimer = setInterval(() => this.#scheduleMove(), inboxMoveIntervalMs);
      this.#moveTimer.unref();
    }
  }

  /**
   * Copies what the journal holds (and the legacy `delivery_inbox` table) to `delivery_events`
   * now, after the writes already queued (embedded engine; a no-op with a server). A segment whose
   * insert fails stays in the journal for the next copy.
   *
   * @throws the ClickHouse or file-system error of a failed copy
   */
  async moveInbox(): Promise<void> {
    if (!this.#journal) {
      return;
    }
    await this.#flushing;
    await this.#moving;
    this.#journalDirty = true;
    this.#legacyInboxDirty = true;
    await this.#startMove();
  }

  /**
   * Stops the periodic copy and the payload workers, waits for queued writes and a running copy,
   * and closes the journal. What the journal still holds is copied by the next process that opens
   * the data directory (or by {@link GithubWebhookService.moveInbox} before this).
   */
  async close(): Promise<void> {
    if (this.#moveTimer) {
      clearInterval(this.#moveTimer);
      this.#moveTimer = undefined;
    }
    await this.#workers?.close();
    await this.#flushing;
    await this.#moving;
    await (await this.#journal?.catch(() => undefined))?.close();
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
    if ((!this.#journalDirty && !this.#legacyInboxDirty) || this.#moveRunning) {
      return;
    }
    this.#startMove().catch(error => {
      this.#logger.error('Failed to copy GitHub deliveries from the journal, retrying', {
        error: String(error),
      });
    });
  }

  #startMove(): Promise<void> {
    this.#moveRunning = true;
    const move = this.#moveAll().finally(() => {
      this.#moveRunning = false;
    });
    this.#moving = move.catch(() => {});
    return move;
  }

  /** The legacy inbox, then the journal; one failing does not hold up the other. */
  async #moveAll(): Promise<void> {
    let failure: unknown;
    try {
      await this.#moveLegacyInbox();
    } catch (error) {
      failure = error;
    }
    try {
      await this.#copyJournal();
    } catch (error) {
      failure ??= error;
    }
    if (failure !== undefined) {
      throw failure;
    }
  }

  /**
   * Journal → delivery_events: seals the active segment, inserts each sealed segment (one INSERT
   * each, on an insert connection of the store) and deletes it only after its insert returned. A
   * connection failure stops the copy (the segments wait for the next tick); a segment whose rows
   * ClickHouse refuses is set aside as `rejected-<name>` and logged, and the copy goes on.
   */
  async #copyJournal(): Promise<void> {
    if (!this.#journalDirty) {
      return;
    }
    this.#journalDirty = false;
    try {
      const journal = await this.#journal!;
      for (const segment of await journal.seal()) {
        const body = await journal.read(segment);
        if (body.length > 0) {
          try {
            await this.#target.insertRaw!({
              table: 'delivery_events',
              columns: JOURNAL_COLUMNS,
              format: 'JSONEachRow',
              body,
              settings: { async_insert: 0, date_time_input_format: 'best_effort' },
            });
          } catch (error) {
            if (mapClickHouseError(error) !== error) {
              throw error; // unreachable or overloaded: the segment waits for the next copy
            }
            // ClickHouse refused the rows themselves (e.g. after a schema change): retrying cannot
            // help, and the segments after it must not wait behind it
            const kept = await journal.reject(segment);
            this.#logger.error(
              `ClickHouse refused the GitHub deliveries of a journal segment; kept them in ${kept}`,
              { error: String(error) },
            );
            continue;
          }
        }
        await journal.remove(segment);
      }
    } catch (error) {
      this.#journalDirty = true;
      throw error;
    }
  }

  /**
   * Legacy `delivery_inbox` (written by versions before the journal) → delivery_events for the keys
   * read first, then deletes exactly those keys, on the store's `backgroundClient`. Runs at the
   * first tick and on {@link GithubWebhookService.moveInbox}; nothing writes the table any more.
   */
  async #moveLegacyInbox(): Promise<void> {
    if (!this.#legacyInboxDirty) {
      return;
    }
    const { database } = this.#target;
    const client = this.#target.backgroundClient ?? this.#target.client;
    this.#legacyInboxDirty = false;
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
        this.#legacyInboxDirty = true;
      }
    } catch (error) {
      this.#legacyInboxDirty = true;
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
        const mapped =
          error instanceof ServiceUnavailableError ? error : mapClickHouseError(error);
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
    if (fresh.length > 0 && this.#journal) {
      const receivedAt = new Date().toISOString();
      let lines = '';
      for (const p of fresh) {
        lines += `${JSON.stringify(toRow(p.event, receivedAt))}\n`;
      }
      try {
        await (await this.#journal).append(lines);
      } catch (error) {
        throw new ServiceUnavailableError(
          `Delivery journal unavailable: ${(error as Error).message}`,
          error,
        );
      }
      this.#journalDirty = true;
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

function toRow(e: DeliveryEvent, receivedAt?: string) {
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
    ...(receivedAt ? { received_at: receivedAt } : {}),
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
