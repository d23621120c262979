/*
 * Ingest rate of one TelemetryWriter into the embedded engine.
 *
 *   node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs bench/telemetry-ingest/run.ts \
 *     [--rows 2000000] [--batch 500000] [--chunk 100000] [--concurrency 2] [--path DIR]
 *
 * Rows are generated in memory first (not timed), then written in batches of
 * --batch rows by one writer, awaiting each batch (a single writer); the writer
 * inserts each batch as chunks of --chunk rows, --concurrency chunks at a time
 * (the embedded store runs them on that many engine connections), serializing
 * the next chunk while the engine inserts the previous ones. Prints rows/s for the whole write path
 * (validation, serialisation, INSERT with a deduplication token into `telemetry`
 * and its two materialized views), with and without zod in the writer, then the
 * engine's share alone: the same rows as TabSeparated bodies built before the
 * clock starts, inserted with and without the views (detached on this bench's
 * own data for that run), --concurrency at a time like the writer. Each line has the CPU time the process used (rows per
 * CPU-second stays meaningful on a shared machine).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TelemetryMetric, TelemetryRow } from '@goldenpath/plugin-reliability-common';
import { TELEMETRY_METRICS } from '@goldenpath/plugin-reliability-common';
import { ClickHouseStore, TelemetryWriter } from '../../plugins/reliability-backend/src';

const silent = {
  info() {},
  warn() {},
  error(message: string) {
    console.error(message);
  },
  debug() {},
  child() {
    return silent;
  },
};

async function main() {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '2000000' },
      batch: { type: 'string', default: '500000' },
      chunk: { type: 'string', default: '100000' },
      concurrency: { type: 'string', default: '2' },
      path: { type: 'string' },
    },
  });
  const total = Number(values.rows);
  const batch = Number(values.batch);
  const chunk = Number(values.chunk);
  const concurrency = Number(values.concurrency);
  const dir = values.path ?? mkdtempSync(join(tmpdir(), 'bench-ingest-'));
  const store = ClickHouseStore.forTesting({
    path: dir,
    logger: silent as any,
    insertConnections: Math.max(1, concurrency),
  });
  await store.migrate();
  const writer = TelemetryWriter.create({ store, chunkRows: chunk, concurrency });

  const start = Date.UTC(2026, 10, 20);
  const batches: TelemetryRow[][] = [];
  for (let offset = 0; offset < total; offset += batch) {
    const rows: TelemetryRow[] = [];
    for (let i = offset; i < Math.min(total, offset + batch); i++) {
      const series = i % 11_000;
      const step = Math.floor(i / 11_000);
      rows.push({
        ts: start + step * 10_000,
        cluster: 'bench',
        namespace: 'validators',
        node: `node-${Math.floor(series / 11)}`,
        component: `validator-${Math.floor(series / 22)}`,
        metric: TELEMETRY_METRICS[series % 11] as TelemetryMetric,
        value: (i % 997) / 10,
      });
    }
    batches.push(rows);
  }

  // The engine's share: the same rows as TabSeparated bodies of --chunk rows, serialised before
  // the clock starts, inserted one at a time with the writer's settings; then once more with the
  // two materialized views on `telemetry` detached (this bench's own throw-away data only).
  const columns = ['ts', 'cluster', 'namespace', 'node', 'component', 'metric', 'value'];
  const bodies: string[] = [];
  for (const rows of batches) {
    for (let offset = 0; offset < rows.length; offset += chunk) {
      bodies.push(
        rows
          .slice(offset, offset + chunk)
          .map(r => `${Number(r.ts) / 1000}\t${r.cluster}\t${r.namespace}\t${r.node}\t${r.component}\t${r.metric}\t${r.value}`)
          .join('\n'),
      );
    }
  }
  const views = ['telemetry_5m_mv', 'telemetry_last_mv'];
  const insertBodies = async (label: string) => {
    let next = 0;
    const lane = async () => {
      while (next < bodies.length) {
        const i = next++;
        await store.insertRaw({
          table: 'telemetry',
          columns,
          format: 'TabSeparated',
          body: bodies[i],
          settings: { insert_deduplication_token: `${label}-${i}`, deduplicate_blocks_in_dependent_materialized_views: 1 },
        });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
  };

  const runs: Array<{ label: string; write: () => Promise<unknown>; after?: () => Promise<void> }> = [
    {
      label: 'one writer, validated (library default)',
      write: async () => {
        for (const [i, rows] of batches.entries()) await writer.write(rows, { deduplicationToken: `validated-${i}` });
      },
    },
    {
      label: 'one writer, pre-validated (route path: zod ran at the route)',
      write: async () => {
        for (const [i, rows] of batches.entries()) {
          await writer.write(rows, { assumeValid: true, deduplicationToken: `prevalidated-${i}` });
        }
      },
    },
    { label: 'engine only, bodies serialised beforehand', write: () => insertBodies('engine') },
    {
      label: 'engine only, without the materialized views',
      write: async () => {
        for (const view of views) await store.client.command({ query: `DETACH TABLE ${store.database}.${view}` });
        await insertBodies('no-views');
      },
      after: async () => {
        for (const view of views) await store.client.command({ query: `ATTACH TABLE ${store.database}.${view}` });
      },
    },
  ];
  for (const run of runs) {
    await store.client.command({ query: `TRUNCATE TABLE ${store.database}.telemetry` });
    await store.client.command({ query: `TRUNCATE TABLE ${store.database}.telemetry_5m` });
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    try {
      await run.write();
    } finally {
      await run.after?.();
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const [{ n }] = await (
      await store.client.query({
        query: `SELECT count() AS n FROM ${store.database}.telemetry`,
        format: 'JSONEachRow',
      })
    ).json<{ n: number | string }>();
    if (Number(n) !== total) throw new Error(`${run.label}: ${n} rows stored, expected ${total}`);
    console.log(
      `telemetry ingest, ${run.label}: ${Number(n).toLocaleString('en-US')} rows in ${seconds.toFixed(2)} s = ${Math.round(Number(n) / seconds).toLocaleString('en-US')} rows/s wall; ${cpuSeconds.toFixed(2)} CPU-s in this process (node + engine threads) = ${Math.round(Number(n) / cpuSeconds).toLocaleString('en-US')} rows per CPU-second (batches of ${batch.toLocaleString('en-US')} rows, inserts of ${chunk.toLocaleString('en-US')}, ${concurrency} in flight on ${store.insertConnectionCount} engine connections; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`,
    );
  }
  await store.close();
  if (!values.path) rmSync(dir, { recursive: true, force: true });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
