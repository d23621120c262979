/*
 * Risk detectors at fleet scale on the embedded engine.
 *
 *   node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs bench/risk/run.ts \
 *     [--rows 100000000] [--nodes 1000] [--iterations 100] [--path DIR] [--keep]
 *
 * Generates --rows telemetry rows inside ClickHouse (INSERT … SELECT … FROM numbers(),
 * through the real table and its 5-minute rollup view): --nodes nodes, two per component,
 * all 11 metrics, evenly spaced over the 48 hours ending now. Then prints:
 *   - the time of the scheduled refresh that scores the fleet into risk_scores (first run:
 *     24 h of buckets; next run: the latest bucket) and of one component's on-demand refresh;
 *   - the risk route's service call for one entity (2 nodes, 24 h trend, scores up to date): p50/p95;
 *   - the fleet scan (latest stored bucket of every node, 4 detectors + composite): p50/p95;
 *   - the usual single z-score query (avg / stddevPop / max of block_lag over 30 minutes
 *     for one node, on the raw table), run alternately with the risk route's call, and the
 *     ratio ours/theirs of the p95s.
 * With --path and --keep the data is kept and reused by the next run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigReader } from '@backstage/config';
import { TELEMETRY_METRICS } from '@goldenpath/plugin-reliability-common';
import { ClickHouseStore, RiskService } from '../../plugins/reliability-backend/src';

const logger = {
  info() {},
  warn() {},
  error(message: string) {
    console.error(message);
  },
  debug() {},
  child() {
    return logger;
  },
};

const SPAN_MS = 48 * 3600_000;
const CHUNK_ROWS = 10_000_000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** CPU time (user + system, all threads of this process, i.e. node and the engine) per call. Unit: ms. */
const cpuMs: Record<string, number[]> = { entity: [], fleet: [], z: [] };

async function timed<T>(fn: () => Promise<T>, cpuKey?: string): Promise<[number, T]> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = await fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (cpuKey) {
    const c = process.cpuUsage(c0);
    cpuMs[cpuKey].push((c.user + c.system) / 1000);
  }
  return [ms, result];
}

async function main() {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '100000000' },
      nodes: { type: 'string', default: '1000' },
      iterations: { type: 'string', default: '100' },
      path: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const rows = Number(values.rows);
  const nodes = Number(values.nodes);
  const iterations = Number(values.iterations);
  if (!(rows > 0 && nodes > 1 && nodes % 2 === 0 && iterations > 0)) {
    throw new Error('--rows > 0, --nodes even and > 1, --iterations > 0');
  }
  const dir = values.path ?? mkdtempSync(join(tmpdir(), 'bench-risk-'));
  const store = ClickHouseStore.forTesting({ path: dir, logger: logger as any });
  await store.migrate();
  const db = store.database;
  const client = store.client;
  const count = async () =>
    Number(
      (
        await (
          await client.query({ query: `SELECT count() AS n FROM ${db}.telemetry`, format: 'JSONEachRow' })
        ).json<{ n: number | string }>()
      )[0].n,
    );

  const series = nodes * TELEMETRY_METRICS.length;
  const steps = Math.ceil(rows / series);
  const intervalMs = Math.floor(SPAN_MS / steps);
  let now = Date.now();
  const existing = await count();
  if (existing >= rows) {
    const [{ last }] = await (
      await client.query({
        query: `SELECT toUnixTimestamp64Milli(max(ts)) AS last FROM ${db}.telemetry`,
        format: 'JSONEachRow',
      })
    ).json<{ last: number | string }>();
    now = Number(last);
    console.log(`reusing ${existing.toLocaleString('en-US')} rows in ${dir} (data ends ${new Date(now).toISOString()})`);
  } else {
    await client.command({ query: `TRUNCATE TABLE ${db}.telemetry` });
    await client.command({ query: `TRUNCATE TABLE ${db}.telemetry_5m` });
    const start = now - steps * intervalMs;
    const [genMs] = await timed(async () => {
      for (let offset = 0; offset < rows; offset += CHUNK_ROWS) {
        await client.command({
          query: `INSERT INTO ${db}.telemetry (ts, cluster, namespace, node, component, metric, value)
SETTINGS insert_deduplicate = 0
SELECT
  fromUnixTimestamp64Milli(toInt64({start:Int64} + intDiv(number, {series:UInt64}) * {interval:UInt64}), 'UTC') AS ts,
  'bench' AS cluster, 'validators' AS namespace,
  concat('node-', toString(intDiv(number % {series:UInt64}, 11))) AS node,
  concat('validator-', toString(intDiv(number % {series:UInt64}, 22))) AS component,
  {metrics:Array(String)}[(number % {series:UInt64}) % 11 + 1] AS metric,
  multiIf(
    metric = 'block_height', 1e6 + intDiv(number, {series:UInt64}),
    metric = 'network_height', 1e6 + intDiv(number, {series:UInt64}) + 1,
    metric = 'block_lag', 2 * u,
    metric = 'peers', 20 + 10 * u,
    metric = 'gpu_temp_c', 60 + 5 * u,
    metric = 'disk_write_latency_ms', 3 + 2 * u,
    metric = 'probe_latency_ms', 30 + 10 * u,
    40 + 20 * u) AS value
FROM (SELECT number, (cityHash64(number) % 10000) / 10000 AS u
      FROM numbers({offset:UInt64}, {count:UInt64}))`,
          query_params: {
            start,
            series,
            interval: intervalMs,
            metrics: [...TELEMETRY_METRICS],
            offset,
            count: Math.min(CHUNK_ROWS, rows - offset),
          },
        });
        process.stdout.write('.');
      }
    });
    console.log(
      `\ngenerated ${(await count()).toLocaleString('en-US')} rows (${nodes} nodes × 11 metrics × ${steps} samples every ${(intervalMs / 1000).toFixed(1)} s over 48 h) in ${(genMs / 1000).toFixed(1)} s`,
    );
  }
  await client.command({ query: `OPTIMIZE TABLE ${db}.telemetry_5m FINAL` });

  const risk = RiskService.create({ store, config: new ConfigReader({}), logger: logger as any });
  const at = new Date(now);

  const [fullMs, full] = await timed(() => risk.refresh({ now: at }));
  const [incrementalMs, incremental] = await timed(() => risk.refresh({ now: at }));
  const [oneMs] = await timed(() => risk.refresh({ component: 'validator-1', now: new Date(now + 300_000) }));

  // Ours and theirs alternate (in both orders) so that both meet the same machine state.
  const entityMs: number[] = [];
  const zMs: number[] = [];
  const entityOnce = async (i: number) => {
    const component = `validator-${(i * 37 + 11 + nodes) % (nodes / 2)}`;
    const [ms, result] = await timed(() => risk.getComponentRisk({ component, now: at }), i >= 0 ? 'entity' : undefined);
    if (result.nodes.length !== 2 || result.nodes[0].trend!.length < 280) {
      throw new Error(`unexpected entity result for ${component}: ${result.nodes.length} nodes, ${result.nodes[0]?.trend?.length} buckets`);
    }
    if (i >= 0) entityMs.push(ms);
  };
  const zOnce = async (i: number) => {
    const n = (i * 53 + 7 + nodes) % nodes;
    const [ms] = await timed(async () =>
      (
        await client.query({
          query: `SELECT avg(value) AS mean, stddevPop(value) AS sd, max(value) AS peak,
  (argMax(value, ts) - avg(value)) / nullIf(stddevPop(value), 0) AS z
FROM ${db}.telemetry
WHERE component = {component:String} AND node = {node:String} AND metric = 'block_lag'
  AND ts >= {from:DateTime64(3, 'UTC')}`,
          query_params: {
            component: `validator-${Math.floor(n / 2)}`,
            node: `node-${n}`,
            from: Math.floor((now - 30 * 60_000) / 1000),
          },
          format: 'JSONEachRow',
        })
      ).json(),
      i >= 0 ? 'z' : undefined,
    );
    if (i >= 0) zMs.push(ms);
  };
  for (let i = -5; i < iterations; i++) {
    if (i % 2 === 0) {
      await entityOnce(i);
      await zOnce(i);
    } else {
      await zOnce(i);
      await entityOnce(i);
    }
  }
  const fleetMs: number[] = [];
  const fleetRuns = Math.max(5, Math.floor(iterations / 3));
  for (let i = -1; i < fleetRuns; i++) {
    const [ms, result] = await timed(() => risk.getFleetRisk({ limit: nodes, now: at }), i >= 0 ? 'fleet' : undefined);
    if (result.nodes.length !== nodes) {
      throw new Error(`fleet scan returned ${result.nodes.length} nodes, expected ${nodes}`);
    }
    if (i >= 0) fleetMs.push(ms);
  }

  const fmt = (xs: number[]) =>
    `p50 ${percentile(xs, 0.5).toFixed(1)} ms, p95 ${percentile(xs, 0.95).toFixed(1)} ms`;
  console.log(
    `refresh of stored scores, whole fleet: first ${(fullMs / 1000).toFixed(1)} s (${full.rows.toLocaleString('en-US')} node-buckets from ${full.since.toISOString()}), incremental ${(incrementalMs / 1000).toFixed(1)} s (${incremental.rows} node-buckets); one component on demand ${oneMs.toFixed(0)} ms`,
  );
  console.log(`risk route, one entity (2 nodes, 24 h trend, ${iterations} runs): ${fmt(entityMs)}  (goal p95 ≤ 20 ms)`);
  console.log(`fleet scan, ${nodes} nodes × 4 detectors + composite (${fleetRuns} runs): ${fmt(fleetMs)}  (goal ≤ 250 ms)`);
  console.log(`single z-score query, block_lag of one node over 30 min (${iterations} runs): ${fmt(zMs)}`);
  console.log(
    `ratio ours/theirs (p95 risk route / p95 z-score query): ${(percentile(entityMs, 0.95) / percentile(zMs, 0.95)).toFixed(2)}  (goal ≤ 1.0)`,
  );
  const cpu = (key: string) => percentile(cpuMs[key], 0.5).toFixed(1);
  console.log(
    `CPU per call (median, node + engine threads; independent of other load): entity ${cpu('entity')} ms, fleet ${cpu('fleet')} ms, z-score ${cpu('z')} ms; ratio ours/theirs ${(percentile(cpuMs.entity, 0.5) / percentile(cpuMs.z, 0.5)).toFixed(2)}`,
  );
  console.log(`load average ${os.loadavg().map(x => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
  await store.close();
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
