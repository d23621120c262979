/**
 * The webhook ingest without HTTP: `GithubWebhookService.receive` on an embedded ClickHouse (the
 * store as the backend builds it, so through the delivery journal), N signed `deployment_status`
 * deliveries at 32 and 64 in flight. Separates the cost of verification, normalisation and the
 * group-committed insert from the HTTP stack measured by `run.ts`. Inserts are ClickHouse's own
 * `InsertQuery` counter (journal copies, about one a second).
 *
 * Usage: `node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs bench/ingest/inprocess.ts`
 * (`BENCH_MIN_FLUSH_MS=<ms>` overrides the service's insert spacing).
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClickHouseStore } from '../../plugins/reliability-backend/src/services/ClickHouseStore';
import { GithubWebhookService } from '../../plugins/reliability-backend/src/services/Webhooks';

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldenpath-ingest-inprocess-'));
  const quiet = { info() {}, warn() {}, debug() {}, error: console.error } as any;
  quiet.child = () => quiet;
  const store = ClickHouseStore.forTesting({ path: dir, logger: quiet });
  await store.migrate();
  const minFlushIntervalMs =
    process.env.BENCH_MIN_FLUSH_MS !== undefined ? Number(process.env.BENCH_MIN_FLUSH_MS) : undefined;
  const service = GithubWebhookService.create({ target: store, secrets: ['s'], logger: quiet, minFlushIntervalMs });
  const insertCount = async () =>
    Number(
      (
        await (
          await store.client.query({
            query: `SELECT value FROM system.events WHERE event = 'InsertQuery'`,
            format: 'JSONEachRow',
          })
        ).json<{ value: string | number }>()
      )[0]?.value ?? 0,
    );
  const defs = require('@octokit/webhooks-examples') as Array<{ name: string; examples: any[] }>;
  const example = defs.find(d => d.name === 'deployment_status')!.examples[0];
  const n = 5000;
  console.log(`insert spacing: ${minFlushIntervalMs ?? 'default'} ms; load average: ${os.loadavg().map(l => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
  for (const concurrency of [32, 64]) {
    const items = Array.from({ length: n }, (_, i) => {
      const body = JSON.stringify({
        ...example,
        deployment_status: { ...example.deployment_status, id: concurrency * n + i, created_at: new Date().toISOString() },
      });
      return { body, signature: `sha256=${createHmac('sha256', 's').update(body).digest('hex')}`, id: `${concurrency}-${i}` };
    });
    const latencies: number[] = [];
    let next = 0;
    const inserts0 = await insertCount();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) {
          const item = items[next++];
          const start = performance.now();
          await service.receive({
            eventName: 'deployment_status',
            deliveryId: item.id,
            signature: item.signature,
            contentType: 'application/json',
            rawBody: Buffer.from(item.body),
          });
          latencies.push(performance.now() - start);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    latencies.sort((a, b) => a - b);
    console.log(
      `in-process, ${concurrency} in flight: ${(n / seconds).toFixed(0)} deliveries/s, ack p50 ${latencies[Math.floor(n / 2)].toFixed(1)} ms, p99 ${latencies[Math.floor(n * 0.99)].toFixed(1)} ms; ` +
        `${(await insertCount()) - inserts0} inserts, CPU ${(((cpu.user + cpu.system) / n)).toFixed(0)} µs per delivery (all threads)`,
    );
  }
  await service.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
