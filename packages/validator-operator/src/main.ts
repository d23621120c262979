import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createClient } from '@clickhouse/client';
import { KubeConfig } from '@kubernetes/client-node';
import { collectDefaultMetrics } from 'prom-client';
import type { ValidatorNode } from '@goldenpath/plugin-reliability-common';
import { Operator } from './Operator';
import { KubeGateway } from './kube/KubeGateway';
import { jsonLogger } from './logger';
import { OperatorMetrics } from './metrics';
import { NamespaceReaper } from './reaper/NamespaceReaper';
import { HttpRiskReader, StaticRiskReader } from './risk/RiskReader';
import { ClickHouseTelemetrySink, DiscardTelemetrySink, TelemetrySink } from './telemetry/TelemetrySink';
import { WebhookServer } from './webhook/WebhookServer';

const USAGE = `validator-operator [options]
  --kubeconfig FILE                 kubeconfig (default: in-cluster service account)
  --leader-elect=true|false         Lease leader election (default true)
  --leader-election-namespace NS    namespace of the Lease (default $POD_NAMESPACE or goldenpath)
  --health-probe-bind-address :8081 /healthz, /readyz and /metrics
  --webhook-port 9443               HTTPS admission webhook (0 disables)
  --webhook-cert-dir DIR            tls.crt and tls.key (default /tmp/k8s-webhook-server/serving-certs)
  --cluster NAME                    cluster label of telemetry rows (default default)
  --clickhouse-url URL              ClickHouse HTTP endpoint for telemetry (none: telemetry not stored)
  --clickhouse-database DB          default reliability
  --risk-url URL                    reliability backend base, e.g. http://backstage:7007/api/reliability
  --max-concurrent-recoveries N     default 5
  --recovery-cooldown-seconds N     default 300
  --reaper-interval-seconds N       default 300 (0 disables the reaper)
  --reaper-dry-run                  report expired namespaces only
  --probe-url-template URL          JSON-RPC URL of a node (default http://{podIP}:{port}); also
                                    {namespace} and {name}, e.g. for a JSON-RPC gateway or a bench
Secrets come from the environment: CLICKHOUSE_PASSWORD, RISK_API_TOKEN.`;

/**
 * Entry point of `yarn workspace @goldenpath/validator-operator start --kubeconfig FILE`.
 * @public
 */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kubeconfig: { type: 'string' },
      'leader-elect': { type: 'string', default: 'true' },
      'leader-election-namespace': { type: 'string' },
      'health-probe-bind-address': { type: 'string', default: ':8081' },
      'webhook-port': { type: 'string', default: '9443' },
      'webhook-cert-dir': { type: 'string', default: '/tmp/k8s-webhook-server/serving-certs' },
      cluster: { type: 'string', default: 'default' },
      'clickhouse-url': { type: 'string' },
      'clickhouse-database': { type: 'string', default: 'reliability' },
      'risk-url': { type: 'string' },
      'max-concurrent-recoveries': { type: 'string', default: '5' },
      'recovery-cooldown-seconds': { type: 'string', default: '300' },
      'reaper-interval-seconds': { type: 'string', default: '300' },
      'reaper-dry-run': { type: 'boolean', default: false },
      'probe-url-template': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const int = (name: string, v: string | undefined, min = 0) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${v}`);
    return n;
  };
  const probeUrl = values['probe-url-template'] ? probeUrlFrom(values['probe-url-template']) : undefined;
  const logger = jsonLogger();
  const kc = new KubeConfig();
  if (values.kubeconfig) {
    if (!fs.existsSync(values.kubeconfig)) throw new Error(`--kubeconfig ${values.kubeconfig} does not exist`);
    kc.loadFromFile(values.kubeconfig);
  } else {
    kc.loadFromCluster();
  }
  const kube = KubeGateway.create(kc);
  const identity = process.env.POD_NAME ?? `${os.hostname()}-${process.pid}`;
  const metrics = OperatorMetrics.create();
  // Process metrics (RSS, heap, event-loop lag, GC) as controller-runtime exposes Go's.
  collectDefaultMetrics({ register: metrics.registry });
  const clickHouseSink = (url: string) =>
    ClickHouseTelemetrySink.create({
      client: createClient({
        url,
        username: process.env.CLICKHOUSE_USER ?? 'default',
        password: process.env.CLICKHOUSE_PASSWORD ?? '',
      }),
      database: values['clickhouse-database'],
      onError: e =>
        logger.warn('Telemetry insert failed; rows kept for the next flush', {
          endpoint: url,
          error: String((e as Error)?.message ?? e),
        }),
    });
  const telemetry: TelemetrySink = values['clickhouse-url']
    ? clickHouseSink(values['clickhouse-url'])
    : new DiscardTelemetrySink();
  const risk = values['risk-url']
    ? HttpRiskReader.create({
        baseUrl: values['risk-url'],
        token: process.env.RISK_API_TOKEN,
        onError: e => logger.warn('Reading composite risk failed', { error: String((e as Error)?.message ?? e) }),
      })
    : new StaticRiskReader();
  const reaperInterval = int('reaper-interval-seconds', values['reaper-interval-seconds']);
  const reaper = reaperInterval
    ? NamespaceReaper.create({ kube, logger, registry: metrics.registry, dryRun: values['reaper-dry-run'], intervalMs: reaperInterval * 1000 })
    : undefined;
  const operator = Operator.create({
    kube, logger, metrics, telemetry, risk, identity, reaper,
    telemetryForEndpoint: clickHouseSink,
    probeUrl,
    cluster: values.cluster,
    maxConcurrentRecoveries: int('max-concurrent-recoveries', values['max-concurrent-recoveries'], 1),
    recoveryCooldownSeconds: int('recovery-cooldown-seconds', values['recovery-cooldown-seconds']),
    leaderElection:
      values['leader-elect'] === 'false'
        ? undefined
        : { namespace: values['leader-election-namespace'] ?? process.env.POD_NAMESPACE ?? 'goldenpath' },
    // Exiting is what controller-runtime does: no half-stopped caches keep acting.
    onLostLeadership: () => void shutdown(1),
  });

  const [host, port] = splitAddress(values['health-probe-bind-address']!);
  const health = http.createServer(async (req, res) => {
    if (req.url === '/healthz') res.writeHead(200).end('ok');
    else if (req.url === '/readyz') {
      // A standby replica is ready (it serves the webhook); the leader once its caches synced.
      const ok = operator.ready || !operator.isLeader;
      res.writeHead(ok ? 200 : 503).end(ok ? 'ok' : 'starting');
    }
    else if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(await metrics.registry.metrics());
    } else res.writeHead(404).end();
  });
  health.listen(port, host);

  const webhookPort = int('webhook-port', values['webhook-port']);
  let webhook: WebhookServer | undefined;
  if (webhookPort) {
    const dir = values['webhook-cert-dir']!;
    webhook = await WebhookServer.start({
      cert: fs.readFileSync(`${dir}/tls.crt`),
      key: fs.readFileSync(`${dir}/tls.key`),
      port: webhookPort,
      listExisting: async () => (await kube.listValidatorNodes()).items,
    });
  }

  let stopping = false;
  async function shutdown(code: number) {
    if (stopping) return;
    stopping = true;
    await operator.stop().catch(() => {});
    await telemetry.close().catch(() => {});
    await webhook?.close();
    health.close();
    process.exit(code);
  }
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));

  operator.start();
}

/**
 * Node → probe URL from `--probe-url-template`; throws when the template is not an http(s)
 * URL or names an unknown placeholder.
 */
function probeUrlFrom(template: string) {
  const known = ['namespace', 'name', 'podIP', 'port'];
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)].map(m => m[1]).filter(p => !known.includes(p));
  if (unknown.length || !/^https?:\/\//.test(template)) {
    throw new Error(
      `--probe-url-template must be an http(s) URL using only {${known.join('}, {')}}, got ${template}`,
    );
  }
  return (node: ValidatorNode, pod: { status?: { podIP?: string } }) => {
    const podIP = pod.status?.podIP;
    if (!podIP && template.includes('{podIP}')) return undefined;
    const values: Record<string, string> = {
      namespace: node.metadata.namespace ?? '',
      name: node.metadata.name,
      podIP: podIP ?? '',
      port: String(node.spec.chain.rpcPort ?? 9944),
    };
    return template.replace(/\{(\w+)\}/g, (_, k: string) =>
      k === 'namespace' || k === 'name' ? encodeURIComponent(values[k]) : values[k],
    );
  };
}

function splitAddress(addr: string): [string | undefined, number] {
  const i = addr.lastIndexOf(':');
  const port = Number(addr.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--health-probe-bind-address must be [host]:port, got ${addr}`);
  }
  return [addr.slice(0, i) || undefined, port];
}
