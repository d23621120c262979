/*
 * Node health bench: NodeHealthService against a fake API server (child
 * process) holding 5,000 pods and 1,000 ValidatorNodes under churn. Prints RSS,
 * CPU time and per-request latency of the health computation.
 *
 *   node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs bench/health/run.ts \
 *     [--entities 1000] [--pods-per-entity 5] [--nodes 50] [--churn-rate 500] [--churn-seconds 20]
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { NodeHealthService } from '../../plugins/reliability-backend/src/services/NodeHealth';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0)
    throw new Error(`--${name} must be a positive number`);
  return v;
}

const options = {
  entities: arg('entities', 1000),
  podsPerEntity: arg('pods-per-entity', 5),
  nodes: arg('nodes', 50),
};
const churnRate = arg('churn-rate', 500);
const churnSeconds = Math.min(arg('churn-seconds', 20), 120);
const HARD_LIMIT_MS = 180_000;

const silentLogger: any = {
  error: () => {},
  warn: (m: string, meta?: unknown) =>
    process.stderr.write(`warn: ${m} ${JSON.stringify(meta)}\n`),
  info: () => {},
  debug: () => {},
  child: () => silentLogger,
};

function entity(i: number): Entity {
  const id = `validator-${String(i).padStart(4, '0')}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: id,
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': id },
    },
    spec: {},
  };
}

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

function latencyLine(label: string, ms: number[]) {
  return `${label.padEnd(34)} n=${String(ms.length).padStart(
    5,
  )}  p50 ${percentile(ms, 50).toFixed(2)} ms  p95 ${percentile(ms, 95).toFixed(
    2,
  )} ms  p99 ${percentile(ms, 99).toFixed(2)} ms  max ${Math.max(...ms).toFixed(
    2,
  )} ms`;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main() {
  const guard = setTimeout(() => {
    process.stderr.write('bench/health: hard time limit reached\n');
    process.exit(2);
  }, HARD_LIMIT_MS);
  guard.unref();

  const child = fork(
    path.join(__dirname, 'fakeCluster.ts'),
    [JSON.stringify(options)],
    {
      execArgv: [
        '-r',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
    },
  );
  const messages: any[] = [];
  const next = (type: string) =>
    new Promise<any>((resolve, reject) => {
      const check = () => {
        const m = messages.find(x => x.type === type);
        if (m) resolve(m);
        else setTimeout(check, 20);
      };
      child.once('exit', code =>
        reject(new Error(`fake cluster exited with ${code}`)),
      );
      check();
    });
  child.on('message', m => messages.push(m));
  const ready = await next('ready');

  const signals = {
    count: 0,
    publish: async () => {
      signals.count++;
    },
  };
  const baseline = process.memoryUsage().rss;
  const service = NodeHealthService.create({
    config: new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'bench',
                url: ready.url,
                authProvider: 'serviceAccount',
                serviceAccountToken: 'bench-token',
                skipTLSVerify: true,
              },
            ],
          },
        ],
      },
    }),
    logger: silentLogger,
    signals,
    options: {
      initialSyncTimeoutMs: 60_000,
      listTimeoutMs: 60_000,
      signalDebounceMs: 1000,
    },
  });

  const cpuStart = process.cpuUsage();
  let t = performance.now();
  const first = await service.getEntityHealth(entity(0));
  const coldMs = performance.now() - t;
  if (
    first.pods.length !== options.podsPerEntity ||
    first.validatorNodes.length !== 1 ||
    first.errors.length
  ) {
    throw new Error(
      `unexpected first answer: ${first.pods.length} pods, ${
        first.validatorNodes.length
      } VNs, errors ${JSON.stringify(first.errors)}`,
    );
  }
  const cpuSync = process.cpuUsage(cpuStart);
  await new Promise(r => setTimeout(r, 500));
  const rssSynced = process.memoryUsage().rss;

  const warm: number[] = [];
  for (let i = 0; i < options.entities; i++) {
    t = performance.now();
    await service.getEntityHealth(entity(i));
    warm.push(performance.now() - t);
  }
  const subscribed = options.entities;

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpuChurnStart = process.cpuUsage();
  const wallChurnStart = performance.now();
  let rssPeak = process.memoryUsage().rss;
  child.send({
    type: 'churn',
    ratePerSec: churnRate,
    durationMs: churnSeconds * 1000,
  });
  const churn: number[] = [];
  let done: any;
  void next('churn-done').then(m => {
    done = m;
  });
  while (!done) {
    t = performance.now();
    await service.getEntityHealth(
      entity(Math.floor(Math.random() * options.entities)),
    );
    churn.push(performance.now() - t);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    await new Promise(r => setTimeout(r, 20));
  }
  await new Promise(r => setTimeout(r, 2500));
  const cpuChurn = process.cpuUsage(cpuChurnStart);
  loopDelay.disable();
  const wallChurn = (performance.now() - wallChurnStart) / 1000;
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  const status = service.informerStatus();

  const lines = [
    `Node health bench: ${ready.counts.pods} pods, ${ready.counts.validatorNodes} ValidatorNodes, ${ready.counts.nodes} nodes, 1 cluster (fake API server in a child process)`,
    `first request (informer LIST + sync)   ${coldMs.toFixed(0)} ms, CPU ${(
      (cpuSync.user + cpuSync.system) /
      1000
    ).toFixed(0)} ms`,
    `RSS: before ${mb(baseline)}, synced ${mb(rssSynced)} (+${mb(
      rssSynced - baseline,
    )}), peak under churn ${mb(rssPeak)}`,
    latencyLine('health, warm, one per entity', warm),
    latencyLine(`health under churn (${churnRate}/s)`, churn),
    `churn: ${done.updates} object updates in ${done.seconds.toFixed(
      1,
    )} s; service CPU ${((cpuChurn.user + cpuChurn.system) / 1000).toFixed(
      0,
    )} ms over ${wallChurn.toFixed(1)} s wall (${(
      (100 * (cpuChurn.user + cpuChurn.system)) /
      1e6 /
      wallChurn
    ).toFixed(1)} % of one core)`,
    `event-loop delay under churn: p50 ${(
      loopDelay.percentile(50) / 1e6
    ).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(
      1,
    )} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`,
    `signals published: ${signals.count} for ${subscribed} subscribed entities (debounce 1 s, only on change)`,
    `informers: ${status
      .map(s => `${s.kind}=${s.state} restarts=${s.restarts}`)
      .join(', ')}`,
  ];
  lines.push(
    `machine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map(l => l.toFixed(1))
      .join(' ')} (shared; figures vary with load)`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  await service.stop();
  child.kill();
}

main().catch(e => {
  process.stderr.write(`bench/health failed: ${e?.stack ?? e}\n`);
  process.exit(1);
});
