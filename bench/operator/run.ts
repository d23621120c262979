/*
 * Validator operator bench: 1,000 ValidatorNodes. The fake Kubernetes API server, the fake
 * Substrate JSON-RPC server and a simulated kubelet run in a child process (cluster.ts); this
 * process runs only the operator, so its RSS is the operator's. Prints reconcile latency, RSS,
 * status writes per second in steady state, and the time from a lag breach to the recovery
 * (pod DELETE) against one probe interval.
 *
 * Run from the repo root:
 *   node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs bench/operator/run.ts [nodes] [probeIntervalSeconds]
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import {
  KubeGateway,
  MemoryTelemetrySink,
  OperatorMetrics,
  StaticRiskReader,
  ValidatorNodeController,
  silentLogger,
} from '../../packages/validator-operator/src';

const NODES = Number(process.argv[2] ?? 1000);
const PROBE_INTERVAL_S = Number(process.argv[3] ?? 30);
const BREACHES = 20;
const DEADLINE_MS = 300_000;

function waitFor(check: () => boolean, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  return new Promise<void>((resolve, reject) => {
    const tick = () => {
      if (check()) resolve();
      else if (Date.now() > end) reject(new Error(`bench: timed out waiting for ${what}`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

async function main() {
  const deadline = setTimeout(() => {
    console.error(`bench: gave up after ${DEADLINE_MS / 1000} s`);
    process.exit(2);
  }, DEADLINE_MS);
  const t0 = Date.now();
  const child = fork(path.join(__dirname, 'cluster.ts'), [String(NODES), String(PROBE_INTERVAL_S)], {
    execArgv: ['-r', require.resolve('@backstage/cli/config/nodeTransform.cjs')],
  });
  const deleted = new Map<string, number>();
  const probed = new Map<string, number>();
  const ready = new Promise<{ apiUrl: string; chainUrl: string; rss: number }>(resolve => {
    child.on('message', (m: any) => {
      if (m.ready) resolve(m);
      if (m.deleted && !deleted.has(m.deleted)) deleted.set(m.deleted, m.at);
      if (m.probed) probed.set(m.probed, m.at);
    });
  });
  const { apiUrl, chainUrl } = await ready;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: apiUrl, skipTLSVerify: true }],
    users: [{ name: 'fake' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
    currentContext: 'fake',
  });
  const metrics = OperatorMetrics.create();
  const controller = ValidatorNodeController.create({
    kube: KubeGateway.create(kc),
    logger: silentLogger,
    metrics,
    telemetry: new MemoryTelemetrySink(),
    risk: new StaticRiskReader(),
    concurrency: 16,
    maxConcurrentRecoveries: BREACHES,
    probeUrl: n => `${chainUrl}/${n.metadata.namespace}/${n.metadata.name}`,
  });
  const startAt = Date.now();
  await controller.start();
  const synced = Date.now() - startAt;
  await waitFor(() => controller.outcomes.size >= NODES, 240_000, 'the first pass over every node');
  const firstPass = Date.now() - startAt;
  const firstPassWrites = [...controller.outcomes.values()].reduce((a, o) => a + o.writes.length, 0);

  // Steady state over one probe interval.
  const count0 = await reconcileCount(metrics);
  await new Promise(r => setTimeout(r, PROBE_INTERVAL_S * 1000));
  const steadyReconciles = (await reconcileCount(metrics)) - count0;

  const victims = [...controller.outcomes.keys()].slice(0, BREACHES).map(k => k.split('/')[1]);
  const breachAt = Date.now();
  child.send({ breach: victims });
  await waitFor(() => victims.every(v => deleted.has(`${v}-0`)), PROBE_INTERVAL_S * 2000 + 30_000, 'the recoveries');
  const breachToRecovery = victims.map(v => deleted.get(`${v}-0`)! - breachAt).sort((a, b) => a - b);
  const probeToRecovery = victims.map(v => deleted.get(`${v}-0`)! - probed.get(v)!).sort((a, b) => a - b);
  const hist = (await metrics.registry.getSingleMetric('validator_operator_reconcile_duration_seconds')!.get()).values;
  const ok = hist.filter(v => v.labels.result === 'success');
  const total = ok.find(v => name(v).endsWith('_count'))?.value ?? 0;
  const sum = ok.find(v => name(v).endsWith('_sum'))?.value ?? 0;
  const le = (q: number) => ok.find(b => name(b).endsWith('_bucket') && b.value >= q * total)?.labels.le;
  const rss = process.memoryUsage().rss;
  const stats = (xs: number[]) => ({ min: xs[0], median: xs[Math.floor(xs.length / 2)], max: xs[xs.length - 1] });
  console.log(
    JSON.stringify(
      {
        nodes: NODES,
        probeIntervalSeconds: PROBE_INTERVAL_S,
        informersSyncedMs: synced,
        firstPassMs: firstPass,
        firstPassWrites,
        reconcilesInOneIntervalAfterFirstPass: steadyReconciles,
        reconciles: total,
        reconcileMeanMs: Number(((sum / Math.max(1, total)) * 1000).toFixed(1)),
        reconcileP50AtMostSeconds: le(0.5),
        reconcileP99AtMostSeconds: le(0.99),
        breachToRecoveryMs: stats(breachToRecovery),
        probeSeeingBreachToRecoveryMs: stats(probeToRecovery),
        // A breach waits at most one interval for the next probe; the recovery then starts in that reconcile.
        worstCaseBreachToRecoveryMs: PROBE_INTERVAL_S * 1000 + probeToRecovery[probeToRecovery.length - 1],
        operatorRssMiB: Math.round(rss / 2 ** 20),
        operatorHeapUsedMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
        operatorRssWithin300MB: rss <= 300e6,
        wallSeconds: Math.round((Date.now() - t0) / 1000),
      },
      null,
      2,
    ),
  );
  clearTimeout(deadline);
  await controller.stop();
  child.send({ stop: true });
  process.exit(0);
}

function name(v: unknown): string {
  return (v as { metricName?: string }).metricName ?? '';
}

async function reconcileCount(metrics: OperatorMetrics) {
  const hist = (await metrics.registry.getSingleMetric('validator_operator_reconcile_duration_seconds')!.get()).values;
  return hist.find(v => name(v).endsWith('_count') && v.labels.result === 'success')?.value ?? 0;
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
