/**
 * Steady-state load on the webhook ingest over HTTP (issue #6), without the kill -9 flow of
 * `run.ts`: one standalone backend (`server.ts`, `NODE_ENV=production`), a warm-up, then for each
 * concurrency a fresh set of signed deliveries (10 % redelivered) over keep-alive connections;
 * prints rate and acknowledgement p50/p99 per concurrency with the machine's load.
 *
 * With `--cpu-prof` the backend runs under `node --cpu-prof` and the profile of the measured
 * window only (start-up and warm-up cut off) is summarised: share of CPU per area (HTTP stack,
 * Backstage middleware, our service, ClickHouse client, GC, idle) and the top functions by self
 * time.
 *
 * Usage (from the repository root): `node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs
 *   bench/ingest/load.ts [--concurrency 16,32,64] [--deliveries 10000] [--warmup 2000]
 *   [--log-level warn|info] [--port 7132] [--cpu-prof [--prof-out file.cpuprofile]]`
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  argValue,
  buildDeliveries,
  Delivery,
  insertCounters,
  LoadClient,
  loadLine,
  stealMeter,
  percentile,
  startServer,
  stopServer,
  waitReady,
  writeBenchConfig,
} from './lib';

const args = process.argv.slice(2);
const LEVELS = (argValue(args, 'concurrency') ?? '16,32,64').split(',').map(Number);
const PER_LEVEL = Number(argValue(args, 'deliveries') ?? 10_000);
const WARMUP = Number(argValue(args, 'warmup') ?? 2000);
const LOG_LEVEL = argValue(args, 'log-level') ?? 'warn';
const PORT = Number(argValue(args, 'port') ?? 7132);
const CPU_PROF = args.includes('--cpu-prof');
/** With --cpu-prof: also copy the raw V8 profile here (open it in Chrome DevTools). */
const PROF_OUT = argValue(args, 'prof-out');
const SECRET = `load-${randomUUID()}`;

/** Sends `queue` with `concurrency` workers; returns the latency of every 200 and the failures. */
async function drive(client: LoadClient, queue: Delivery[], concurrency: number) {
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < queue.length) {
        const d = queue[next++];
        try {
          const res = await client.deliver(d);
          if (res.status === 200) latencies.push(res.ms);
          else {
            failures++;
            firstFailure ??= `HTTP ${res.status} ${JSON.stringify(res.json)}`;
          }
        } catch (error) {
          failures++;
          firstFailure ??= String(error);
        }
      }
    }),
  );
  return { latencies, failures, firstFailure };
}

/**
 * CPU seconds used so far by each thread of process `pid`, summed by thread name (`main` is the
 * JavaScript main thread, `node` V8's helper threads and worker threads; libuv and ClickHouse
 * threads have their own names). Linux only.
 */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  const taskDir = `/proc/${pid}/task`;
  for (const tid of fs.readdirSync(taskDir)) {
    try {
      const stat = fs.readFileSync(`${taskDir}/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / 100;
      // the JavaScript main thread is the one whose id is the process id; other threads named
      // `node` are V8's helpers and worker threads
      const key =
        tid === String(pid) ? 'main' : name.replace(/[0-9]+$/, '').replace(/[-_:]$/, '') || name;
      out.set(key, (out.get(key) ?? 0) + seconds);
    } catch {
      // thread ended between readdir and read
    }
  }
  return out;
}

function cpuDelta(before: Map<string, number>, after: Map<string, number>) {
  const delta = new Map<string, number>();
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d > 0) delta.set(k, d);
  }
  return delta;
}

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type Profile = { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] };

/** Coarse owner of a stack frame, for the per-area split. */
function area(url: string, fn: string): string {
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'garbage collector';
  if (fn === '(program)') return 'native (program)';
  if (url.includes('plugins/reliability-backend/src/services/Webhooks')) return 'our webhook service';
  if (url.includes('plugins/reliability-backend/src/routes')) return 'our route';
  if (url.includes('plugins/reliability-backend')) return 'reliability-backend (other)';
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/').slice(0, 2).join('/');
  return url ? path.relative(process.cwd(), url.replace(/^file:\/\//, '')) : `(native) ${fn || 'anonymous'}`;
}

/** Self time per area and per function within [fromUs, toUs] of the profile's clock. */
function summarise(profile: Profile, fromUs: number, toUs: number) {
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const selfById = new Map<number, number>();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < fromUs || t > toUs) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    selfById.set(profile.samples[i], (selfById.get(profile.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const byArea = new Map<string, number>();
  const byFn = new Map<string, number>();
  for (const [id, us] of selfById) {
    const { url, functionName, lineNumber } = byId.get(id)!.callFrame;
    const a = area(url, functionName);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
    const key = `${functionName || '(anonymous)'} ${a}${url ? `:${lineNumber + 1}` : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  // Inclusive time of our own functions (route and service): samples with the function on the stack.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ours = new Map<string, number>();
  for (const [id, us] of selfById) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const { url, functionName } = byId.get(cur)!.callFrame;
      const a = area(url, functionName);
      if (a.startsWith('our ')) seen.add(`${functionName || '(anonymous)'} (${a})`);
    }
    for (const k of seen) ours.set(k, (ours.get(k) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
  console.log(`\nCPU profile of the backend over the measured window (${(total / 1e6).toFixed(1)} s sampled), self time by area:`);
  for (const [a, us] of [...byArea].sort((x, y) => y[1] - x[1]).slice(0, 25)) console.log(`  ${pct(us)}  ${a}`);
  console.log('our functions, inclusive time (callees included):');
  for (const [f, us] of [...ours].sort((x, y) => y[1] - x[1]).slice(0, 15)) console.log(`  ${pct(us)}  ${f}`);
  console.log('top functions by self time:');
  for (const [f, us] of [...byFn].sort((x, y) => y[1] - x[1]).slice(0, 30)) console.log(`  ${pct(us)}  ${f}`);
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldenpath-ingest-load-'));
  const profDir = path.join(dir, 'prof');
  const { configPath } = writeBenchConfig({ dir, port: PORT, secret: SECRET });
  const maxLevel = Math.max(...LEVELS);
  const client = new LoadClient(PORT, maxLevel);
  const warmup = buildDeliveries({ total: WARMUP, secret: SECRET, org: 'load-warmup' });
  const sets = LEVELS.map(c => buildDeliveries({ total: PER_LEVEL, secret: SECRET, org: `load-c${c}` }));
  console.log(`server NODE_ENV=production LOG_LEVEL=${LOG_LEVEL}${process.env.BENCH_MIN_FLUSH_MS !== undefined ? ` BENCH_MIN_FLUSH_MS=${process.env.BENCH_MIN_FLUSH_MS}` : ''}${CPU_PROF ? ', under --cpu-prof' : ''}; ${PER_LEVEL} deliveries per level`);
  const server = startServer({ configPath, logLevel: LOG_LEVEL, cpuProfDir: CPU_PROF ? profDir : undefined });
  try {
    await waitReady(server, PORT);
    const warm = await drive(client, warmup, 32);
    if (warm.failures > 0) throw new Error(`warm-up: ${warm.failures} failures, first ${warm.firstFailure}`);
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    for (const [i, concurrency] of LEVELS.entries()) {
      const before = loadLine();
      const steal = stealMeter();
      const inserts0 = await insertCounters(PORT);
      const serverCpu0 = threadCpu(server.pid!);
      const clientCpu0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await drive(client, sets[i], concurrency);
      const seconds = (performance.now() - t0) / 1000;
      const serverCpu = cpuDelta(serverCpu0, threadCpu(server.pid!));
      const clientCpu = process.cpuUsage(clientCpu0);
      const inserts1 = await insertCounters(PORT);
      const insertCount = inserts1.inserts - inserts0.inserts;
      console.log(
        `${String(concurrency).padStart(3)} in flight: ${(r.latencies.length / seconds).toFixed(0)} deliveries/s, ack p50 ${percentile(r.latencies, 50).toFixed(1)} ms, p99 ${percentile(r.latencies, 99).toFixed(1)} ms` +
          `${r.failures ? `, ${r.failures} failed (first: ${r.firstFailure})` : ''}; ${before}; CPU steal ${steal()?.toFixed(1) ?? '?'} %`,
      );
      const perDelivery = (s: number) => `${((s * 1e6) / sets[i].length).toFixed(0)} µs`;
      const serverTotal = [...serverCpu.values()].reduce((a, b) => a + b, 0);
      const threads = [...serverCpu]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([k, v]) => `${k} ${perDelivery(v)}`)
        .join(', ');
      console.log(
        `      CPU per delivery: backend ${perDelivery(serverTotal)} (${threads}), load client ${perDelivery((clientCpu.user + clientCpu.system) / 1e6)}; ` +
          `alone on ${os.cpus().length} cores at most ${(
            (os.cpus().length * sets[i].length) /
            (serverTotal + (clientCpu.user + clientCpu.system) / 1e6)
          ).toFixed(0)}/s, main thread at most ${(sets[i].length / (serverCpu.get('main') ?? 1)).toFixed(0)}/s; ` +
          `${insertCount} ClickHouse inserts (journal copies, about one a second); ` +
          `event-loop delay p99 ${inserts1.loopDelayMs.p99.toFixed(1)} ms, max ${inserts1.loopDelayMs.max.toFixed(1)} ms; wall ${seconds.toFixed(2)} s`,
      );
    }
    const toUs = Number(process.hrtime.bigint() / 1000n);
    client.close();
    await stopServer(server);
    if (CPU_PROF) {
      const file = fs.readdirSync(profDir).find(f => f.endsWith('.cpuprofile'));
      if (!file) throw new Error('no .cpuprofile written');
      if (PROF_OUT) {
        fs.copyFileSync(path.join(profDir, file), PROF_OUT);
        fs.writeFileSync(`${PROF_OUT}.window.json`, JSON.stringify({ fromUs, toUs }));
      }
      summarise(JSON.parse(fs.readFileSync(path.join(profDir, file), 'utf8')), fromUs, toUs);
    }
  } finally {
    if (server.exitCode === null) server.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
