/*
 * The demo cluster that `make start` runs beside Backstage. It is NOT a Kubernetes cluster: no
 * real API server can run on this machine, so it is the repo's fake Kubernetes API server
 * (packages/fake-kube-apiserver) seeded with recorded objects, plus a fake Substrate JSON-RPC
 * server answering the recorded response shapes, and the REAL validator operator
 * (packages/validator-operator) reconciling the demo ValidatorNodes against both. What the
 * node-health card shows is therefore what the operator wrote: phase, heights, lag, peers,
 * conditions, restarts. A simulated kubelet plays the StatefulSet controller (creates the pod
 * `<name>-0` when missing).
 *
 *   node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs examples/demo-cluster/run.ts \
 *     [--port 7011] [--token goldenpath-demo-cluster-token] [--risk-url http://127.0.0.1:7007/api/reliability]
 *     [--telemetry-after FILE]
 *
 * Backstage reads it as cluster `demo` (examples/demo-cluster/app-config.demo.yaml, loaded by
 * `make start`). The chain advances one block every 6 s (Polkadot's block time); every
 * `--stall-minutes` (default 20) validator-alpha-1 stops importing blocks for 2 minutes, so the
 * operator's Degraded → Recovering → Syncing → Synced path runs for real in the demo.
 * Objects' sources: packages/fake-kube-apiserver/fixtures/README.md (recorded, with licences).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import {
  fixtureAs,
  FakeKubeApiServer,
  KubeObject,
  validatorNodeObject,
} from '@goldenpath/fake-kube-apiserver';
import {
  HttpTelemetrySink,
  HttpRiskReader,
  KubeGateway,
  Operator,
  OperatorLogger,
  OperatorMetrics,
  TelemetrySink,
} from '../../packages/validator-operator/src';
import type { TelemetryRow } from '@goldenpath/plugin-reliability-common';
import { demoBlockHeight } from '../loaders/demoTelemetry';
import { FakeSubstrateNode } from '../../packages/validator-operator/src/__testUtils__/FakeSubstrateNode';
import {
  FakeKubelet,
  TestClock,
  VOLUME_SNAPSHOT_TYPE,
} from '../../packages/validator-operator/src/__testUtils__/harness';

const NAMESPACE = 'validators';
const COMPONENT = 'validator-alpha';
const NODES = [`${COMPONENT}-0`, `${COMPONENT}-1`];
const STALLING_NODE = `${COMPONENT}-1`;
const BLOCK_MS = 6_000;
const STALL_MS = 120_000;

/**
 * Holds the operator's probe rows until `gateFile` exists (scripts/start.sh creates it when the
 * demo loader has finished), then forwards everything. The loader skips a node whose telemetry is
 * fresh, so rows that arrived before it looked would make it skip the NAB history of the
 * hardware and storage metrics. Without a gate file rows are forwarded at once.
 */
class GatedTelemetrySink implements TelemetrySink {
  #held: TelemetryRow[] | undefined = [];
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(private readonly target: TelemetrySink, gateFile: string | undefined) {
    if (!gateFile) {
      this.#open();
      return;
    }
    this.#timer = setInterval(() => {
      if (existsSync(gateFile)) this.#open();
    }, 2_000);
    this.#timer.unref();
  }

  #open() {
    clearInterval(this.#timer);
    const held = this.#held ?? [];
    this.#held = undefined;
    if (held.length) this.target.push(held);
  }

  push(rows: TelemetryRow[]) {
    if (!this.#held) {
      this.target.push(rows);
      return;
    }
    this.#held.push(...rows);
    // An hour of probes of the two nodes is about 1,200 rows; keep at most the newest 20,000.
    if (this.#held.length > 20_000) this.#held.splice(0, this.#held.length - 20_000);
  }

  flush() {
    return this.target.flush();
  }

  async close() {
    clearInterval(this.#timer);
    await this.target.close();
  }
}

/** Operator log lines worth seeing in the `make start` output; the rest is dropped. */
function demoLogger(): OperatorLogger {
  let lastWarn = '';
  const print = (level: string, message: string, meta?: Record<string, unknown>) => {
    const line = `[demo-cluster] operator ${level}: ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}`;
    if (level === 'warn' && line === lastWarn) return;
    if (level === 'warn') lastWarn = line;
    process.stdout.write(`${line}\n`);
  };
  return {
    debug() {},
    info(message, meta) {
      if (/phase|recover|transition/i.test(message)) print('info', message, meta);
    },
    warn: (message, meta) => print('warn', message, meta),
    error: (message, meta) => print('error', message, meta),
  };
}

function seedObjects(): KubeObject[] {
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'goldenpath' } },
    // Recorded nodes: the simulated kubelet schedules validator pods on worker-1.
    fixtureAs('nodes/is-healthy__node-k3s-control-plane-etcd.yaml', { name: 'cp-0' }),
    fixtureAs('nodes/is-healthy__node-gke-ready.yaml', { name: 'worker-1' }),
    fixtureAs('nodes/is-healthy__node-gke-memorypressure-EDITED.yaml', { name: 'worker-2' }),
    // payments-api: one recorded healthy pod and one recorded crash-looping pod.
    fixtureAs('pods/k9s__pod-nginx-deployment-running.json', {
      name: 'payments-api-7d9c5b8f6-x2kqp',
      namespace: 'payments',
      labels: { 'backstage.io/kubernetes-id': 'payments-api', app: 'payments-api' },
      nodeName: 'worker-2',
    }),
    fixtureAs('pods/gitops-engine__pod-crashloopbackoff-restart3.yaml', {
      name: 'payments-api-7d9c5b8f6-m8zrt',
      namespace: 'payments',
      labels: { 'backstage.io/kubernetes-id': 'payments-api', app: 'payments-api' },
      nodeName: 'worker-2',
    }),
    // Argo CD Applications named by the entities' argocd/app-name annotations.
    fixtureAs('argocd/argo-cd__application-synced-healthy.yaml', {
      name: COMPONENT,
      namespace: 'argocd',
    }),
    fixtureAs('argocd/is-healthy__application-outofsync-missing.yaml', {
      name: 'payments-api',
      namespace: 'argocd',
    }),
  ];
  for (const name of NODES) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${name}-keys`, namespace: NAMESPACE },
      type: 'Opaque',
      // A placeholder keystore: the demo chain never signs anything.
      data: { keystore: Buffer.from(`demo keystore of ${name}`).toString('base64') },
    });
    // As a user applies it: no status; the operator writes it.
    const { status: _status, ...node } = validatorNodeObject({
      name,
      namespace: NAMESPACE,
      labels: { 'backstage.io/kubernetes-id': COMPONENT },
      syncPolicy: { probeIntervalSeconds: 15, maxBlockLag: 10, recoveryStrategy: 'restart' },
    });
    objects.push(node);
  }
  return objects;
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '7011' },
      token: { type: 'string', default: process.env.GOLDENPATH_DEMO_CLUSTER_TOKEN ?? 'goldenpath-demo-cluster-token' },
      'risk-url': { type: 'string', default: 'http://127.0.0.1:7007/api/reliability' },
      'stall-minutes': { type: 'string', default: '20' },
      'telemetry-after': { type: 'string' },
    },
  });
  const port = Number(values.port);
  const stallEveryMs = Number(values['stall-minutes']) * 60_000;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`--port must be a TCP port, got ${values.port}`);
  if (!(stallEveryMs > STALL_MS)) throw new Error('--stall-minutes must be more than 2');

  const chain = await FakeSubstrateNode.start();
  // Same heights as the demo loader's replayed history (one series for the consensus detector).
  const height = demoBlockHeight(Date.now());
  for (const name of NODES) {
    chain.set(`/${NAMESPACE}/${name}`, { isSyncing: false, highestBlock: height, currentBlock: height - 1 });
  }

  const server = await FakeKubeApiServer.start({
    port,
    token: values.token,
    resourceTypes: [VOLUME_SNAPSHOT_TYPE],
    objects: seedObjects(),
  });
  // Pods get the current time as their creation time (the kubelet's clock is wall time here).
  const wallClock = { iso: () => `${new Date().toISOString().slice(0, 19)}Z` } as unknown as TestClock;
  const kubelet = new FakeKubelet(server, wallClock);
  kubelet.sync();

  // A restarted pod comes back syncing and catches up over three blocks, as a real node does.
  const catchingUp = new Map<string, number>();
  server.store.subscribe(e => {
    if (e.type === 'DELETED' && e.object.kind === 'Pod' && e.object.metadata.namespace === NAMESPACE) {
      const name = e.object.metadata.name!.replace(/-0$/, '');
      if (NODES.includes(name)) {
        catchingUp.set(name, 3);
        chain.set(`/${NAMESPACE}/${name}`, { isSyncing: true });
      }
    }
  });

  const startedAt = Date.now();
  const ticker = setInterval(() => {
    const stalling = (Date.now() - startedAt) % stallEveryMs >= stallEveryMs - STALL_MS;
    for (const name of NODES) {
      const path = `/${NAMESPACE}/${name}`;
      const s = chain.get(path)!;
      const highestBlock = s.highestBlock + 1;
      const left = catchingUp.get(name);
      let currentBlock = s.currentBlock;
      let isSyncing = s.isSyncing;
      if (left !== undefined) {
        currentBlock += Math.ceil((highestBlock - currentBlock) / left);
        if (left <= 1) {
          catchingUp.delete(name);
          isSyncing = false;
        } else catchingUp.set(name, left - 1);
      } else if (!(name === STALLING_NODE && stalling)) {
        currentBlock = highestBlock - (highestBlock % 3 === 0 ? 1 : 0);
      }
      const peers = Math.max(8, Math.min(40, s.peers + Math.round(Math.random() * 4 - 2)));
      chain.set(path, { highestBlock, currentBlock, isSyncing, peers });
    }
  }, BLOCK_MS);

  const kc = new KubeConfig();
  kc.loadFromOptions(server.kubeConfigOptions({ name: 'demo' }));
  const logger = demoLogger();
  const riskToken = process.env.GOLDENPATH_DEV_TOKEN;
  const operator = Operator.create({
    identity: 'demo-operator',
    kube: KubeGateway.create(kc),
    logger,
    metrics: OperatorMetrics.create(),
    // The NAB loader writes the history up to start-up; from then on the operator's probe rows
    // (block heights and lag, peers, probe latency) keep the consensus and P2P detectors live.
    // ClickHouse is embedded in the backend process, so they go through its telemetry route.
    telemetry: new GatedTelemetrySink(
      HttpTelemetrySink.create({
        baseUrl: values['risk-url']!,
        token: riskToken,
        flushIntervalMs: 10_000,
        onError: error => logger.warn(`probe telemetry not stored yet: ${error instanceof Error ? error.message : String(error)}`),
      }),
      values['telemetry-after'],
    ),
    risk: HttpRiskReader.create({ baseUrl: values['risk-url']!, token: riskToken }),
    cluster: 'demo',
    recoveryCooldownSeconds: 60,
    probeUrl: node => `${chain.url}/${node.metadata.namespace}/${node.metadata.name}`,
  });
  operator.start();
  process.stdout.write(
    `[demo-cluster] fake Kubernetes API server on ${server.url} (cluster "demo"), ` +
      `${NODES.length} ValidatorNodes reconciled by the validator operator\n`,
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(ticker);
    kubelet.stop();
    await operator.stop().catch(() => {});
    await Promise.all([chain.close(), server.close()]);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch(error => {
  process.stderr.write(`[demo-cluster] failed: ${(error as Error).message}\n`);
  process.exit(1);
});
