/*
 * Ingest rate of one TelemetryWriter into the embedded engine.
 *
 *   node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs bench/telemetry-ingest/run.ts \
 *     [--rows 2000000] [--batch 500000] [--chunk 100000] [--path DIR]
 *
 * Rows are generated in memory first (not timed), then written in batches of
 * --batch rows by one writer, awaiting each batch (a single writer); the writer
 * inserts each batch as chunks of --chunk rows, serializing the next chunk while
 * the engine inserts the previous one. Prints
 * rows/s for the whole write path: validation, serialisation, INSERT with a
 * deduplication token and the 5-minute rollup view, plus the CPU time the
 * process used (rows per CPU-second stays meaningful on a shared machine).
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
      path: { type: 'string' },
    },
  });
  const total = Number(values.rows);
  const batch = Number(values.batch);
  const chunk = Number(values.chunk);
  const dir = values.path ?? mkdtempSync(join(tmpdir(), 'bench-ingest-'));
  const store = ClickHouseStore.forTesting({ path: dir, logger: silent as any });
  await store.migrate();
  const writer = TelemetryWriter.create({ store, chunkRows: chunk });

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

  const runs: Array<{ label: string; validate: boolean }> = [
    { label: 'validated (library default)', validate: true },
    { label: 'pre-validated (route path: zod ran at the route)', validate: false },
  ];
  for (const run of runs) {
    await store.client.command({ query: `TRUNCATE TABLE ${store.database}.telemetry` });
    await store.client.command({ query: `TRUNCATE TABLE ${store.database}.telemetry_5m` });
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (const rows of batches) {
      await writer.write(rows, { assumeValid: !run.validate, deduplicationToken: `${run.label.length}-${rows.length}-${batches.indexOf(rows)}` });
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
    console.log(
      `telemetry ingest, one writer, ${run.label}: ${Number(n).toLocaleString('en-US')} rows in ${seconds.toFixed(2)} s = ${Math.round(Number(n) / seconds).toLocaleString('en-US')} rows/s wall; ${cpuSeconds.toFixed(2)} CPU-s in this process (node + engine threads) = ${Math.round(Number(n) / cpuSeconds).toLocaleString('en-US')} rows per CPU-second (batches of ${batch.toLocaleString('en-US')} rows, inserts of ${chunk.toLocaleString('en-US')}; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`,
    );
  }
  await store.close();
  if (!values.path) rmSync(dir, { recursive: true, force: true });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
