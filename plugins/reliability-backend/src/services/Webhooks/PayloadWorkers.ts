import { AuthenticationError, InputError, ServiceUnavailableError } from '@backstage/errors';
import { Worker } from 'node:worker_threads';
import { InspectableDelivery } from './inspectDelivery';
import { NormalizedGithubPayload } from './normalizeGithubEvent';
import {
  PAYLOAD_WORKER_FILE,
  PAYLOAD_WORKER_MARK,
  PayloadAnswer,
  PayloadJob,
  PayloadWorkerData,
} from './payloadWorker';

type Waiting = {
  resolve(result: NormalizedGithubPayload): void;
  reject(error: Error): void;
};

type Slot = {
  worker: Worker;
  waiting: Map<number, Waiting>;
  /** Jobs posted together at the end of this event-loop turn, with the bodies they hand over. */
  outbox: PayloadJob[];
  transfer: ArrayBuffer[];
};

/**
 * Worker threads that verify, parse and normalise webhook deliveries (`inspectGithubDelivery`) off
 * the backend's main thread. The HMAC over the body, `JSON.parse` of the 7–25 KB payload and the
 * garbage the parsed payload leaves are about a quarter of the main thread's time per delivery (V8
 * profile, bench/ingest/load.ts --cpu-prof); with workers the main thread only copies the body to a
 * worker and gets back the small delivery event. The hand-over costs latency (the delivery waits
 * for the worker and then for a turn of the main thread's event loop), so this pays only where the
 * main thread is the limit and a core is free; `GithubWebhookService` leaves it off by default.
 *
 * Jobs go to the workers in turn. A worker that dies fails its jobs with a `ServiceUnavailableError`
 * (503: GitHub shows the delivery as failed and it can be redelivered) and is started again for
 * the next job. Threads are unreferenced while they have no job, so they never keep a process
 * alive; {@link PayloadWorkers.close} stops them.
 *
 * @public
 */
export class PayloadWorkers {
  readonly #size: number;
  readonly #data: PayloadWorkerData;
  readonly #file: string;
  readonly #slots: Array<Slot | undefined>;
  #next = 0;
  #jobId = 0;
  #closed = false;

  /**
   * @param options.size - number of worker threads (at least 1)
   * @param options.secrets - webhook secrets, handed to the workers at start
   * @param options.deferFirstCommit - leave merged pull requests' first commits to the caller's resolver
   * @param options.workerFile - the workers' entry file (default: `payloadWorker`'s own; tests
   *   pass another to simulate a failing worker)
   */
  static create(options: {
    size: number;
    secrets: string[];
    deferFirstCommit: boolean;
    workerFile?: string;
  }): PayloadWorkers {
    return new PayloadWorkers(
      options.size,
      {
        mark: PAYLOAD_WORKER_MARK,
        secrets: options.secrets,
        deferFirstCommit: options.deferFirstCommit,
      },
      options.workerFile ?? PAYLOAD_WORKER_FILE,
    );
  }

  private constructor(size: number, data: PayloadWorkerData, file: string) {
    this.#size = Math.max(1, Math.floor(size));
    this.#data = data;
    this.#file = file;
    this.#slots = new Array(this.#size).fill(undefined);
    // Started now, so the first delivery does not wait for a thread to boot (~0.1 s).
    for (let i = 0; i < this.#size; i++) {
      this.#start(i);
    }
  }

  /**
   * Inspects one delivery in a worker.
   *
   * @throws AuthenticationError, InputError as `inspectGithubDelivery` does
   * @throws ServiceUnavailableError when the worker stopped before answering or the pool is closed
   */
  inspect(delivery: InspectableDelivery): Promise<NormalizedGithubPayload> {
    if (this.#closed) {
      return Promise.reject(new ServiceUnavailableError('GitHub webhook workers are stopped'));
    }
    const index = this.#next;
    this.#next = (index + 1) % this.#size;
    const slot = this.#slots[index] ?? this.#start(index);
    const id = ++this.#jobId;
    return new Promise((resolve, reject) => {
      if (slot.waiting.size === 0) {
        slot.worker.ref();
      }
      slot.waiting.set(id, { resolve, reject });
      // The body is usually a view into the socket's 64 KB read buffer, and a posted view is
      // cloned with its whole buffer: copy exactly its bytes and hand that copy over.
      const body = new Uint8Array(delivery.body.byteLength);
      body.set(delivery.body);
      slot.outbox.push({ id, delivery: { ...delivery, body } });
      slot.transfer.push(body.buffer);
      if (slot.outbox.length === 1) {
        setImmediate(() => this.#post(slot));
      }
    });
  }

  /**
   * One message per event-loop turn and worker, with every job of the turn: each message wakes the
   * other thread, and on this 2-core VM a wake-up cost more than copying a body.
   */
  #post(slot: Slot) {
    const jobs = slot.outbox;
    const transfer = slot.transfer;
    slot.outbox = [];
    slot.transfer = [];
    if (jobs.length > 0 && this.#slots.includes(slot)) {
      slot.worker.postMessage(jobs, transfer);
    }
  }

  /** Stops every worker; jobs still waiting fail with a `ServiceUnavailableError`. */
  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots.filter((s): s is Slot => s !== undefined);
    this.#slots.fill(undefined);
    await Promise.all(slots.map(s => s.worker.terminate()));
  }

  #start(index: number): Slot {
    const worker = new Worker(this.#file, {
      workerData: this.#data,
      execArgv: workerExecArgv(this.#file),
    });
    const slot: Slot = { worker, waiting: new Map(), outbox: [], transfer: [] };
    worker.unref();
    worker.on('message', (answers: PayloadAnswer[]) => {
      for (const answer of answers) {
        const waiting = slot.waiting.get(answer.id);
        if (!waiting) {
          continue;
        }
        slot.waiting.delete(answer.id);
        if ('result' in answer) {
          waiting.resolve(answer.result);
        } else {
          waiting.reject(toError(answer.error));
        }
      }
      if (slot.waiting.size === 0) {
        worker.unref();
      }
    });
    const fail = (reason: string) => {
      if (this.#slots[index] === slot) {
        this.#slots[index] = undefined;
      }
      for (const w of slot.waiting.values()) {
        w.reject(new ServiceUnavailableError(`GitHub webhook worker stopped: ${reason}`));
      }
      slot.waiting.clear();
    };
    worker.on('error', error => fail(String(error)));
    worker.on('exit', code => fail(`exit code ${code}`));
    this.#slots[index] = slot;
    return slot;
  }
}

function toError(error: { name: string; message: string }): Error {
  if (error.name === 'AuthenticationError') {
    return new AuthenticationError(error.message);
  }
  if (error.name === 'InputError') {
    return new InputError(error.message);
  }
  return Object.assign(new Error(error.message), { name: error.name });
}

/**
 * The worker inherits the process's `execArgv` (with Backstage's `nodeTransform` when the backend
 * runs from TypeScript sources). Only a `.ts` worker file in a process without that transform
 * (jest runs TypeScript through its own loader) gets it added.
 */
function workerExecArgv(file: string): string[] | undefined {
  if (!file.endsWith('.ts') || process.execArgv.some(a => a.includes('nodeTransform'))) {
    return undefined;
  }
  return [...process.execArgv, '--require', require.resolve('@backstage/cli/config/nodeTransform.cjs')];
}
