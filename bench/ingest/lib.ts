/**
 * Shared parts of the webhook ingest benches (`run.ts`, `load.ts`): signed deliveries, the
 * standalone backend, a keep-alive HTTP load generator and the bare `node:http` calibration.
 */
import { ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const WEBHOOK_PATH = '/api/reliability/webhooks/github';

/**
 * One signed delivery as GitHub sends it; `eventId` is the logical event it carries. `bytes` and
 * `headers` are built once with the delivery, so sending it costs the client no encoding.
 */
export type Delivery = {
  id: string;
  event: string;
  body: string;
  signature: string;
  eventId: string;
  bytes: Buffer;
  headers: Record<string, string>;
};

function delivery(fields: { id: string; event: string; body: string; signature: string; eventId: string }): Delivery {
  const bytes = Buffer.from(fields.body);
  return {
    ...fields,
    bytes,
    headers: {
      'content-type': 'application/json',
      'content-length': String(bytes.length),
      'x-github-event': fields.event,
      'x-github-delivery': fields.id,
      'x-hub-signature-256': fields.signature,
    },
  };
}

export function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

export function loadLine(): string {
  return `load average ${os.loadavg().map(l => l.toFixed(2)).join(' ')} on ${os.cpus().length} cores`;
}

/**
 * Share of CPU time the hypervisor gave to other guests ("steal", the 8th field of the `cpu` line
 * of /proc/stat) since the call, as a function; undefined where /proc/stat is missing. On this
 * shared VM it ranged 0–20 % within minutes and moves every rate this bench prints.
 */
export function stealMeter(): () => number | undefined {
  const read = () => {
    try {
      const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      return { steal: fields[7] ?? 0, total: fields.reduce((a, b) => a + b, 0) };
    } catch {
      return undefined;
    }
  };
  const start = read();
  return () => {
    const end = read();
    if (!start || !end || end.total === start.total) return undefined;
    return (100 * (end.steal - start.steal)) / (end.total - start.total);
  };
}

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Realistic payload shapes: the first example of each DORA event from @octokit/webhooks-examples. */
export function templates() {
  const defs = require('@octokit/webhooks-examples') as Array<{
    name: string;
    examples: Array<Record<string, any>>;
  }>;
  const find = (name: string, action?: string) =>
    defs.find(d => d.name === name)!.examples.find(e => !action || e.action === action)!;
  return {
    status: find('deployment_status'),
    deployment: find('deployment'),
    pr: find('pull_request', 'closed'),
    issue: find('issues', 'opened'),
  };
}

/**
 * `total` signed deliveries, 90 % distinct events (a quarter each deployment, deployment_status,
 * merged pull_request, incident issue; 7–24 KB bodies) and 10 % redeliveries of earlier ones with
 * the same `X-GitHub-Delivery`, spread through the stream. `org` keeps sets apart (warm-up sets
 * are distinct events of another organisation). Everything is signed here, before any timing.
 */
export function buildDeliveries(options: { total: number; secret: string; org: string }): Delivery[] {
  const { total, secret, org } = options;
  const t = templates();
  const start = Date.now() - 20 * 24 * 3600_000;
  const unique = Math.round(total * 0.9);
  const out: Delivery[] = [];
  for (let i = 0; i < unique; i++) {
    const when = new Date(start + i * 60_000).toISOString();
    const repo = { ...t.status.repository, full_name: `${org}/service-${i % 20}` };
    let event: string;
    let payload: Record<string, any>;
    let eventId: string;
    switch (i % 4) {
      case 0:
        event = 'deployment';
        payload = { ...t.deployment, repository: repo, deployment: { ...t.deployment.deployment, id: 1_000_000 + i, created_at: when } };
        eventId = `deployment:${1_000_000 + i}`;
        break;
      case 1:
        event = 'deployment_status';
        payload = {
          ...t.status,
          repository: repo,
          deployment: { ...t.status.deployment, id: 1_000_000 + i - 1 },
          deployment_status: { ...t.status.deployment_status, id: 2_000_000 + i, state: i % 9 ? 'success' : 'failure', created_at: when },
        };
        eventId = `deployment_status:${2_000_000 + i}`;
        break;
      case 2:
        event = 'pull_request';
        payload = {
          ...t.pr,
          repository: repo,
          pull_request: { ...t.pr.pull_request, number: 10_000 + i, merged: true, merged_at: when, created_at: new Date(start + i * 60_000 - 86_400_000).toISOString() },
        };
        eventId = `pr:${10_000 + i}`;
        break;
      default:
        event = 'issues';
        payload = {
          ...t.issue,
          repository: repo,
          issue: { ...t.issue.issue, number: 50_000 + i, created_at: when, labels: [{ ...t.issue.issue.labels[0], name: 'incident' }] },
        };
        eventId = `incident:${50_000 + i}:opened`;
    }
    const body = JSON.stringify(payload);
    out.push(delivery({ id: randomUUID(), event, body, signature: signBody(secret, body), eventId: `${repo.full_name}|${eventId}` }));
  }
  const withDuplicates: Delivery[] = [];
  let dup = 0;
  for (let i = 0; i < out.length; i++) {
    withDuplicates.push(out[i]);
    if (i % 9 === 8 && dup < total - unique) {
      withDuplicates.push(out[Math.floor(i / 2)]);
      dup++;
    }
  }
  while (withDuplicates.length < total) withDuplicates.push(out[withDuplicates.length % out.length]);
  return withDuplicates;
}

/** Writes the bench backend's app-config into `dir` and returns its path and the ClickHouse dir. */
export function writeBenchConfig(options: { dir: string; port: number; secret: string }) {
  const dataDir = path.join(options.dir, 'clickhouse');
  const configPath = path.join(options.dir, 'app-config.yaml');
  fs.writeFileSync(
    configPath,
    [
      'backend:',
      `  baseUrl: http://127.0.0.1:${options.port}`,
      `  listen: { host: 127.0.0.1, port: ${options.port} }`,
      "  database: { client: better-sqlite3, connection: ':memory:' }",
      'reliability:',
      '  clickhouse:',
      `    embedded: { path: ${JSON.stringify(dataDir)} }`,
      '  github:',
      `    webhookSecrets: [${JSON.stringify(options.secret)}]`,
      '',
    ].join('\n'),
  );
  return { configPath, dataDir };
}

/**
 * Spawns `bench/ingest/server.ts` as a production backend would run (`NODE_ENV=production`, JSON
 * logs to stdout, which goes to /dev/null here) at `logLevel` (Backstage's default is `info`, which
 * logs one line per request). `cpuProfDir` adds `--cpu-prof` (written on a clean exit).
 */
export function startServer(options: { configPath: string; logLevel: string; cpuProfDir?: string }): ChildProcess {
  const profile = options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [];
  const flags = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  return spawn(
    process.execPath,
    [...flags, ...profile, '-r', './node_modules/@backstage/cli/config/nodeTransform.cjs', 'bench/ingest/server.ts', '--config', options.configPath],
    {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: options.logLevel, NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

export async function waitReady(child: ChildProcess, port: number) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`bench backend exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>(resolve => {
      const req = http.get({ host: '127.0.0.1', port, path: '/.backstage/health/v1/readiness', agent: false }, res => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error('bench backend did not become ready in 120 s');
}

/** ClickHouse's insert counters in the bench backend (`server.ts`'s bench route). */
export function insertCounters(
  port: number,
): Promise<{ inserts: number; rows: number; loopDelayMs: { p99: number; max: number } }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/api/reliability/bench/inserts', agent: false }, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
  });
}

export async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Answer of one POST: status code, parsed JSON body (if any) and client-side latency. */
export type PostResult = { status: number; json: any; ms: number };

/**
 * Keep-alive HTTP client: `node:http` with a pooled `Agent` (one socket per request in flight),
 * much cheaper per request than the global `fetch` when client and server share the cores.
 */
export class LoadClient {
  #agent: http.Agent;
  readonly #port: number;

  constructor(port: number, concurrency: number) {
    this.#port = port;
    this.#agent = LoadClient.#newAgent(concurrency);
  }

  static #newAgent(concurrency: number) {
    return new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  }

  /** Drops pooled sockets (after `kill -9` they point at a dead process). */
  reset(concurrency: number) {
    this.#agent.destroy();
    this.#agent = LoadClient.#newAgent(concurrency);
  }

  close() {
    this.#agent.destroy();
  }

  post(pathName: string, headers: Record<string, string>, body: string | Buffer): Promise<PostResult> {
    return this.#send(pathName, { ...headers, 'content-length': String(Buffer.byteLength(body)) }, body);
  }

  #send(pathName: string, headers: Record<string, string>, body: string | Buffer): Promise<PostResult> {
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent: this.#agent,
          host: '127.0.0.1',
          port: this.#port,
          method: 'POST',
          path: pathName,
          headers,
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const ms = performance.now() - t0;
            const text = Buffer.concat(chunks).toString('utf8');
            let json: any;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, json, ms });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** POSTs one delivery to the webhook route. */
  deliver(d: Delivery): Promise<PostResult> {
    return this.#send(WEBHOOK_PATH, d.headers, d.bytes);
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The same client against a bare `node:http` server (a separate process, like the backend)
 * answering 202 after reading the body: the ceiling this machine allows right now for this client
 * and payload size. Warm-up requests are excluded.
 */
export async function calibrate(options: { concurrency: number; body: string; requests: number; warmup: number }) {
  const script =
    "const s=require('node:http').createServer((q,r)=>{q.resume();q.on('end',()=>{r.writeHead(202,{'content-type':'application/json'});r.end('{\"status\":\"ignored\"}')})});" +
    "s.listen(0,'127.0.0.1',()=>process.send(s.address().port));";
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>(resolve => child.once('message', m => resolve(Number(m))));
  const client = new LoadClient(port, options.concurrency);
  const run = async (n: number) => {
    const lat: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < n) {
          next++;
          lat.push((await client.post('/', { 'content-type': 'application/json' }, options.body)).ms);
        }
      }),
    );
    return { rate: n / ((performance.now() - t0) / 1000), p50: percentile(lat, 50), p99: percentile(lat, 99) };
  };
  await run(options.warmup);
  const result = await run(options.requests);
  client.close();
  child.kill('SIGTERM');
  return result;
}
