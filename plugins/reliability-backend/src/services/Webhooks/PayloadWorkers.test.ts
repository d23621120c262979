import { sign } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspectGithubDelivery, InspectableDelivery } from './inspectDelivery';
import { PayloadWorkers } from './PayloadWorkers';

const SECRET = 'worker-secret';
type Example = { name: string; examples: Array<Record<string, any>> };
const definitions = examples as unknown as Example[];

async function delivery(
  event: string,
  payload: unknown,
  overrides: Partial<InspectableDelivery> = {},
): Promise<InspectableDelivery> {
  const body = JSON.stringify(payload);
  return {
    eventName: event,
    deliveryId: `d-${event.replace(/_/g, '-')}`,
    signature: await sign(SECRET, body),
    contentType: 'application/json',
    body: Buffer.from(body),
    ...overrides,
  };
}

type Outcome = { result: unknown } | { error: { name: string; message: string } };

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { result: await run() };
  } catch (error) {
    return { error: { name: (error as Error).name, message: (error as Error).message } };
  }
}

describe('PayloadWorkers', () => {
  const pools: PayloadWorkers[] = [];
  afterAll(async () => {
    await Promise.all(pools.map(p => p.close()));
  });

  it('should answer exactly what inspectGithubDelivery answers on the calling thread, errors included', async () => {
    const workers = PayloadWorkers.create({ size: 2, secrets: ['old', SECRET], deferFirstCommit: true });
    pools.push(workers);
    const status = definitions.find(d => d.name === 'deployment_status')!.examples[0];
    const closedPr = definitions.find(d => d.name === 'pull_request')!.examples.find(e => e.action === 'closed')!;
    const mergedPr = { ...closedPr, pull_request: { ...closedPr.pull_request, merged: true, merged_at: '2024-01-02T03:04:05Z' } };
    const cases: InspectableDelivery[] = [
      await delivery('deployment_status', status),
      await delivery('pull_request', mergedPr),
      await delivery('ping', definitions.find(d => d.name === 'ping')!.examples[0]),
      await delivery('deployment_status', status, { signature: `sha256=${'0'.repeat(64)}` }),
      await delivery('deployment_status', status, { signature: undefined }),
      await delivery('deployment_status', status, { deliveryId: 'bad id;' }),
      await delivery('deployment_status', { ...status, deployment_status: { ...status.deployment_status, created_at: 42 } }),
      { ...(await delivery('deployment', {})), body: Buffer.from('{"trunc'), signature: await sign(SECRET, '{"trunc') },
    ];
    const inWorkers = await Promise.all(cases.map(c => outcome(() => workers.inspect(c))));
    const inThread = await Promise.all(cases.map(c => outcome(() => inspectGithubDelivery(['old', SECRET], c, true))));
    expect(inWorkers).toEqual(inThread);
    expect(inWorkers.map(o => ('error' in o ? o.error.name : 'ok'))).toEqual([
      'ok',
      'ok',
      'ok',
      'AuthenticationError',
      'AuthenticationError',
      'InputError',
      'InputError',
      'InputError',
    ]);
    // the merged pull request comes back with its first commit left to the resolver
    expect(inWorkers[1]).toMatchObject({
      result: {
        event: { kind: 'pull_request_merged', firstCommitAt: null },
        firstCommit: { number: closedPr.pull_request.number, createdAt: closedPr.pull_request.created_at },
      },
    });
  });

  it('should fail the jobs of a worker that dies with a 503 error and start a new worker for the next job', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'payload-workers-'));
    const marker = path.join(dir, 'crashed');
    // dies on its first job; the worker started after it answers every job
    const file = path.join(dir, 'worker.js');
    fs.writeFileSync(
      file,
      `const { parentPort } = require('node:worker_threads');
       const fs = require('node:fs');
       parentPort.on('message', jobs => {
         if (!fs.existsSync(${JSON.stringify(marker)})) { fs.writeFileSync(${JSON.stringify(marker)}, ''); process.exit(3); }
         parentPort.postMessage(jobs.map(job => ({ id: job.id, result: { event: null } })));
       });`,
    );
    const workers = PayloadWorkers.create({ size: 1, secrets: [SECRET], deferFirstCommit: false, workerFile: file });
    pools.push(workers);
    const d = await delivery('ping', {});
    await expect(workers.inspect(d)).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('exit code 3'),
    });
    await expect(workers.inspect(d)).resolves.toEqual({ event: null });
    await workers.close();
    await expect(workers.inspect(d)).rejects.toMatchObject({ name: 'ServiceUnavailableError' });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
