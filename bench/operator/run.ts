/*
 * Validator operator bench: 1,000 ValidatorNodes, the operator as it is deployed.
 *
 * - The operator is built like its image (bench/operator/deploy.sh: `backstage-cli package
 *   build --role cli` + `prepack`, CommonJS in dist/) and started through its real entry point
 *   `bin/validator-operator` on plain Node (NODE_ENV=production, no TypeScript transform),
 *   with the Deployment's arguments: leader election, health/metrics server, HTTPS admission
 *   webhook, reaper, telemetry to a ClickHouse HTTP endpoint. It runs once per heap cap
 *   (`NODE_OPTIONS=--max-old-space-size=<MiB>`, as `goldenpath:operator:generate` sets it).
 * - Everything else (fake API server, chain producing a block every 6 s, kubelet, ClickHouse
 *   stand-in) runs in a child process (cluster.ts), so the operator's RSS is its own; it is
 *   read from /proc/<pid>/status (VmRSS every 0.5 s, VmHWM = peak).
 * - After the first pass and one quiet probe interval, 20 nodes stall (their lag then grows a
 *   block every 6 s) and 20 see their network head jump 4,000 blocks ahead, the breaches
 *   spread over one probe interval. Breach = the moment a node's lag first exceeds
 *   maxBlockLag (10); recovery = the DELETE of its pod. Both are timed in the cluster process.
 *
 * Run from the repo root (needs /proc, i.e. Linux):
 *   node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs bench/operator/run.ts [nodes] [probeIntervalSeconds] [heapCaps]
 * heapCaps: comma-separated --max-old-space-size values in MiB, `none` for no cap (default `none,192`).
 */
import { ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import selfsigned from 'selfsigned';
import YAML from 'yaml';

const NODES = Number(process.argv[2] ?? 1000);
const PROBE_INTERVAL_S = Number(process.argv[3] ?? 30);
const HEAP_CAPS = (process.argv[4] ?? 'none,192').split(',');
const VICTIMS = 20;
const BLOCK_MS = 6000;
const MAX_BLOCK_LAG = 10;
const DEPLOY_DIR = path.join(os.tmpdir(), 'goldenpath-operator-deploy');

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(250);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** VmRSS and VmHWM of a process, bytes. */
function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** User + system CPU time of a process, seconds (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuSecondsOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Prometheus text → `name{labels}` → value. */
async function scrape(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

const RECONCILE = 'validator_operator_reconcile_duration_seconds';
const reconciles = (m: Map<string, number>) => m.get(`${RECONCILE}_count{result="success"}`) ?? 0;
const probes = (m: Map<string, number>) =>
  (m.get('validator_operator_probe_latency_seconds_count{outcome="ok"}') ?? 0) +
  (m.get('validator_operator_probe_latency_seconds_count{outcome="error"}') ?? 0);

/** Upper bound (histogram bucket `le`) of quantile q of successful reconciles. */
function reconcileQuantile(m: Map<string, number>, q: number): string {
  const total = reconciles(m);
  const buckets = [...m.entries()]
    .filter(([k]) => k.startsWith(`${RECONCILE}_bucket{`) && k.includes('result="success"'))
    .map(([k, v]) => ({ le: /le="([^"]+)"/.exec(k)![1], v }))
    .sort((a, b) => a.v - b.v);
  return `≤ ${buckets.find(b => b.v >= q * total)?.le ?? '?'} s`;
}

/** Nearest-rank percentiles, milliseconds. */
function percentiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.max(0, Math.ceil(q * s.length) - 1)];
  return { n: s.length, p50: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
const load = () => os.loadavg().map(l => l.toFixed(2)).join(' ');

async function runOnce(heapCap: string, bin: string) {
  const t0 = Date.now();
  const loadBefore = load();
  const child = fork(path.join(__dirname, 'cluster.ts'), [String(NODES), String(PROBE_INTERVAL_S)], {
    execArgv: ['-r', require.resolve('@backstage/cli/config/nodeTransform.cjs')],
    env: { ...process.env, BENCH_BLOCK_MS: String(BLOCK_MS) },
  });
  const breached = new Map<string, { kind: string; at: number }>();
  const deleted = new Map<string, number>();
  let stats: any;
  const ready = new Promise<{ apiUrl: string; chainUrl: string; clickhouseUrl: string }>(resolve => {
    child.on('message', (m: any) => {
      if (m.ready) resolve(m);
      if (m.breach) breached.set(m.breach, { kind: m.kind, at: m.at });
      if (m.deleted && !deleted.has(m.deleted)) deleted.set(m.deleted, m.at);
      if (m.stats) stats = m;
    });
  });
  const childStats = async () => {
    stats = undefined;
    child.send({ stats: true });
    await waitFor(() => !!stats, 10_000, 'cluster stats');
    return stats as { statusPatches: number; inserts: number; insertedRows: number };
  };
  const { apiUrl, chainUrl, clickhouseUrl } = await ready;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vo-bench-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(
    kubeconfig,
    YAML.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: apiUrl, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'fake', user: {} }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }],
      'current-context': 'fake',
    }),
  );
  const pems = selfsigned.generate([{ name: 'commonName', value: 'validator-operator-webhook.goldenpath.svc' }], {
    days: 1,
    keySize: 2048,
  });
  fs.writeFileSync(path.join(dir, 'tls.crt'), pems.cert);
  fs.writeFileSync(path.join(dir, 'tls.key'), pems.private);
  const healthPort = await freePort();
  const webhookPort = await freePort();
  const started = Date.now();
  const operator: ChildProcess = spawn(
    process.execPath,
    [
      bin,
      '--kubeconfig', kubeconfig,
      '--leader-elect=true',
      '--leader-election-namespace=validators',
      `--health-probe-bind-address=127.0.0.1:${healthPort}`,
      `--webhook-port=${webhookPort}`,
      `--webhook-cert-dir=${dir}`,
      `--clickhouse-url=${clickhouseUrl}`,
      `--max-concurrent-recoveries=${2 * VICTIMS}`,
      `--probe-url-template=${chainUrl}/{namespace}/{name}`,
    ],
    {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        POD_NAME: 'validator-operator-bench',
        // BENCH_OPERATOR_NODE_OPTIONS: extra flags for a diagnosis (e.g. --cpu-prof).
        NODE_OPTIONS: [heapCap === 'none' ? '' : `--max-old-space-size=${heapCap}`, process.env.BENCH_OPERATOR_NODE_OPTIONS ?? '']
          .join(' ')
          .trim(),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let warnings = 0;
  let tail = '';
  const onOutput = (d: Buffer) => {
    const text = d.toString();
    warnings += (text.match(/"level":"(warn|error)"/g) ?? []).length;
    tail = (tail + text).slice(-4000);
  };
  operator.stdout!.on('data', onOutput);
  operator.stderr!.on('data', onOutput);
  const exited = new Promise<number | null>(r => operator.on('exit', c => r(c)));
  let dead = false;
  void exited.then(() => (dead = true));

  const samples: Array<{ at: number; rss: number; heap?: number; external?: number }> = [];
  const lastHeap: { used?: number; external?: number } = {};
  const heapPoller = setInterval(() => {
    scrape(healthPort).then(m => {
      lastHeap.used = m.get('nodejs_heap_size_used_bytes');
      lastHeap.external = m.get('nodejs_external_memory_bytes');
    }, () => {});
  }, 5000);
  let peak = 0;
  const sampler = setInterval(() => {
    const m = memoryOf(operator.pid!);
    if (!m) return;
    samples.push({ at: Date.now(), rss: m.rss, heap: lastHeap.used, external: lastHeap.external });
    peak = Math.max(peak, m.hwm);
  }, 500);

  try {
    const alive = () => {
      if (dead) throw new Error(`bench: the operator exited\n${tail}`);
    };
    let metrics = new Map<string, number>();
    await waitFor(async () => {
      alive();
      metrics = await scrape(healthPort).catch(() => new Map());
      return reconciles(metrics) >= NODES;
    }, 300_000, 'the first pass over every node');
    const firstPassAt = Date.now();

    // Steady state: one probe interval, no breaches.
    const s0 = await childStats();
    const m0 = await scrape(healthPort);
    const cpu0 = { at: Date.now(), s: cpuSecondsOf(operator.pid!) };
    await sleep(PROBE_INTERVAL_S * 1000);
    alive();
    const s1 = await childStats();
    const m1 = await scrape(healthPort);
    const cpu1 = { at: Date.now(), s: cpuSecondsOf(operator.pid!) };
    const steadyEnd = Date.now();

    // Breaches, spread over one probe interval.
    const names = Array.from({ length: NODES }, (_, i) => `vn-${String(i).padStart(4, '0')}`);
    const stalled = names.filter((_, i) => i % Math.floor(NODES / VICTIMS) === 0).slice(0, VICTIMS);
    const jumped = names.filter((_, i) => i % Math.floor(NODES / VICTIMS) === 1).slice(0, VICTIMS);
    child.send({ stall: stalled, jump: jumped, spreadMs: PROBE_INTERVAL_S * 1000 });
    await waitFor(
      () => {
        alive();
        return [...stalled, ...jumped].every(v => deleted.has(`${v}-0`));
      },
      PROBE_INTERVAL_S * 1000 * 3 + (MAX_BLOCK_LAG + 2) * BLOCK_MS + 60_000,
      'the recoveries',
    );
    const mEnd = await scrape(healthPort);
    const sEnd = await childStats();
    const breachToRecovery = (list: string[]) =>
      percentiles(list.map(v => deleted.get(`${v}-0`)! - breached.get(v)!.at));
    const stall = breachToRecovery(stalled);
    const jump = breachToRecovery(jumped);
    const intervalMs = PROBE_INTERVAL_S * 1000;
    const steady = samples.filter(s => s.at >= firstPassAt && s.at <= steadyEnd).map(s => s.rss).sort((a, b) => a - b);
    const afterFirstPass = samples.filter(s => s.at >= firstPassAt).map(s => s.rss);
    const memNow = memoryOf(operator.pid!);
    peak = Math.max(peak, memNow?.hwm ?? 0);
    const seconds = (steadyEnd - firstPassAt) / 1000;
    return {
      heapCapMiB: heapCap,
      loadAverageBefore: loadBefore,
      loadAverageAfter: load(),
      nodes: NODES,
      probeIntervalSeconds: PROBE_INTERVAL_S,
      firstPassSeconds: Number(((firstPassAt - started) / 1000).toFixed(1)),
      steadyState: {
        // CPU cores the operator used (the Deployment limits it to 0.5).
        cpuCores: Number(((cpu1.s - cpu0.s) / ((cpu1.at - cpu0.at) / 1000)).toFixed(3)),
        reconcilesPerSecond: Number(((reconciles(m1) - reconciles(m0)) / seconds).toFixed(1)),
        probesPerSecond: Number(((probes(m1) - probes(m0)) / seconds).toFixed(1)),
        validatorNodeWritesPerSecond: Number(((s1.statusPatches - s0.statusPatches) / seconds).toFixed(1)),
        telemetryRowsPerSecond: Number(((s1.insertedRows - s0.insertedRows) / seconds).toFixed(1)),
      },
      reconcileMeanMs: Number(
        (((mEnd.get(`${RECONCILE}_sum{result="success"}`) ?? 0) / Math.max(1, reconciles(mEnd))) * 1000).toFixed(1),
      ),
      reconcileP50: reconcileQuantile(mEnd, 0.5),
      reconcileP99: reconcileQuantile(mEnd, 0.99),
      breachToRecoveryMs: {
        stalledChain: { ...stall, withinOneInterval: stall.max <= intervalMs },
        headJump: { ...jump, withinOneInterval: jump.max <= intervalMs },
        intervalMs,
      },
      rssMiB: {
        peak: mib(peak),
        steadyMedian: mib(steady[Math.floor(steady.length / 2)]),
        steadyMax: mib(steady[steady.length - 1]),
        maxAfterFirstPass: mib(Math.max(...afterFirstPass)),
        end: mib(memNow?.rss ?? NaN),
      },
      peakWithin300MB: peak <= 300e6,
      telemetryInserts: sEnd.inserts,
      // [seconds since start, MiB] every 5 s; marks: first pass done, breaches begin.
      rssTimeline: samples
        .filter((_, i) => i % 10 === 0)
        .map(x => [Math.round((x.at - started) / 1000), mib(x.rss), mib(x.heap ?? NaN), mib(x.external ?? NaN)]),
      marks: { firstPass: Math.round((firstPassAt - started) / 1000), breaches: Math.round((steadyEnd - started) / 1000) },
      operatorWarnings: warnings,
      wallSeconds: Math.round((Date.now() - t0) / 1000),
    };
  } finally {
    clearInterval(sampler);
    clearInterval(heapPoller);
    operator.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    child.send({ stop: true });
    await new Promise(r => child.on('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const root = path.resolve(__dirname, '../..');
  const build = spawnSync('sh', [path.join(__dirname, 'deploy.sh'), DEPLOY_DIR], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`bench: deploy.sh failed\n${build.stdout}${build.stderr}`);
  const bin = build.stdout.trim().split('\n').pop()!;
  const results = [];
  for (const cap of HEAP_CAPS) {
    const r = await runOnce(cap, bin);
    console.log(JSON.stringify(r, null, 2));
    results.push(r);
  }
  process.exit(0);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
