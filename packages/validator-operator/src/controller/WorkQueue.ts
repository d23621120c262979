/**
 * Options of {@link WorkQueue}.
 * @public
 */
export interface WorkQueueOptions {
  /** Backoff after the first failure of an item, ms. Default 500. */
  baseDelayMs?: number;
  /** Backoff ceiling, ms. Default 5 minutes. */
  maxDelayMs?: number;
  /** Items handled at the same time. Default 4. */
  concurrency?: number;
  /** Overall retry rate limit (token bucket), retries per second. Default 10. */
  retryQps?: number;
  /** Token bucket size for retries. Default 100. */
  retryBurst?: number;
}

/**
 * A rate-limited work queue as controllers use it (client-go's workqueue semantics):
 * a key waits at most once in the queue however often it is added, is never handled by
 * two workers at once (adds during processing re-queue it after), and a failed key comes
 * back after a per-item exponential backoff (`baseDelayMs × 2^(failures−1)`, capped at
 * `maxDelayMs`) until it succeeds, which resets its backoff. As client-go's default
 * controller rate limiter, retries are also held to an overall token bucket (`retryQps`,
 * `retryBurst`), so an API outage failing every key does not turn into a retry storm.
 * @public
 */
export class WorkQueue {
  readonly #handler: (key: string) => Promise<void>;
  readonly #base: number;
  readonly #max: number;
  readonly #concurrency: number;
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #idleWaiters: Array<() => void> = [];
  #running = false;
  readonly #qps: number;
  readonly #burst: number;
  #tokens: number;
  #tokensAt = Date.now();
  #onError?: (key: string, error: unknown) => void;

  /**
   * @param handler - reconciles one key; a rejection re-queues the key with backoff
   */
  static create(
    handler: (key: string) => Promise<void>,
    options?: WorkQueueOptions & { onError?: (key: string, error: unknown) => void },
  ): WorkQueue {
    const q = new WorkQueue(handler, options ?? {});
    q.#onError = options?.onError;
    return q;
  }

  private constructor(handler: (key: string) => Promise<void>, options: WorkQueueOptions) {
    this.#handler = handler;
    this.#base = options.baseDelayMs ?? 500;
    this.#max = options.maxDelayMs ?? 300_000;
    this.#concurrency = options.concurrency ?? 4;
    this.#qps = options.retryQps ?? 10;
    this.#burst = options.retryBurst ?? 100;
    this.#tokens = this.#burst;
  }

  /** Takes one retry token; returns how long the retry must wait for it, ms. */
  #reserveRetry(): number {
    const now = Date.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#tokensAt) / 1000) * this.#qps);
    this.#tokensAt = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.#qps) * 1000;
  }

  /** Number of keys waiting (not counting delayed or in-flight ones). */
  get length(): number {
    return this.#queue.length;
  }

  /** Failures in a row of `key`. */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  start() {
    this.#running = true;
    this.#pump();
  }

  /** Stops handing out keys and clears timers; in-flight handlers finish. */
  stop() {
    this.#running = false;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#pump();
  }

  add(key: string) {
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#queue.push(key);
    this.#pump();
  }

  /** Adds `key` after `delayMs`; an earlier pending add of the same key wins. */
  addAfter(key: string, delayMs: number) {
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const existing = this.#timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref?.();
    this.#timers.set(key, { at, timer });
  }

  /** The backoff `key` would get for its next failure, ms. */
  backoffFor(key: string): number {
    const n = this.failures(key) + 1;
    return Math.min(this.#max, this.#base * 2 ** (n - 1));
  }

  /** Resolves when nothing is queued or in flight (delayed keys don't count). */
  idle(): Promise<void> {
    if (this.#processing.size === 0 && (this.#queue.length === 0 || !this.#running)) {
      return Promise.resolve();
    }
    return new Promise(resolve => this.#idleWaiters.push(resolve));
  }

  #pump() {
    while (this.#running && this.#processing.size < this.#concurrency && this.#queue.length) {
      const key = this.#queue.shift()!;
      this.#queued.delete(key);
      this.#processing.add(key);
      this.#handler(key).then(
        () => {
          this.#failures.delete(key);
          this.#done(key);
        },
        error => {
          const delay = Math.max(this.backoffFor(key), this.#reserveRetry());
          this.#failures.set(key, this.failures(key) + 1);
          this.#onError?.(key, error);
          this.#done(key);
          this.addAfter(key, delay);
        },
      );
    }
    if (this.#processing.size === 0 && (this.#queue.length === 0 || !this.#running)) {
      for (const w of this.#idleWaiters.splice(0)) w();
    }
  }

  #done(key: string) {
    this.#processing.delete(key);
    if (this.#dirty.delete(key)) this.add(key);
    this.#pump();
  }
}
