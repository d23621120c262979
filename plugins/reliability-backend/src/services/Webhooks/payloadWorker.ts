import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { inspectGithubDelivery, InspectableDelivery } from './inspectDelivery';

/**
 * This module's own file: the entry point of a webhook payload worker thread (`PayloadWorkers`).
 * In a built package it is the compiled `.js` file; from the TypeScript sources, the worker needs
 * the same transform as the process.
 */
export const PAYLOAD_WORKER_FILE = __filename;

/** Marks `workerData` of a payload worker, so importing this module elsewhere starts nothing. */
export const PAYLOAD_WORKER_MARK = 'goldenpath-github-webhook-payload-worker';

/** Settings a payload worker starts with (`workerData`). */
export type PayloadWorkerData = {
  mark: typeof PAYLOAD_WORKER_MARK;
  secrets: string[];
  deferFirstCommit: boolean;
};

/** One job: an id chosen by the pool and the delivery to inspect. Jobs come in arrays. */
export type PayloadJob = { id: number; delivery: InspectableDelivery };

/** The answer to a job: the normalised payload, or the error's name and message. Answers go back in one array per array of jobs. */
export type PayloadAnswer =
  | { id: number; result: Awaited<ReturnType<typeof inspectGithubDelivery>> }
  | { id: number; error: { name: string; message: string } };

function serve(data: PayloadWorkerData) {
  const port = parentPort!;
  port.on('message', async (jobs: PayloadJob[]) => {
    const answers = await Promise.all(
      jobs.map(job =>
        inspectGithubDelivery(data.secrets, job.delivery, data.deferFirstCommit).then(
          (result): PayloadAnswer => ({ id: job.id, result }),
          (error: Error): PayloadAnswer => ({
            id: job.id,
            error: { name: error?.name ?? 'Error', message: error?.message ?? String(error) },
          }),
        ),
      ),
    );
    port.postMessage(answers);
  });
}

if (!isMainThread && (workerData as PayloadWorkerData | undefined)?.mark === PAYLOAD_WORKER_MARK) {
  serve(workerData as PayloadWorkerData);
}
