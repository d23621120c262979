/**
 * CPU cost of one insert of webhook delivery events on the embedded engine, by path, table, format
 * and batch size, without HTTP or the webhook service: N sequential inserts of B rows each, CPU of
 * the whole process (all ClickHouse threads, merges included) per insert and per row.
 *
 * Variants: `client-json` (`client.insert` into `delivery_events`, the server path), `raw-json` and
 * `raw-tsv` (`store.insertRaw` into `delivery_events`), `inbox-json` (`store.insertRaw` into
 * `delivery_inbox`, what the service did per group commit on the embedded engine before the
 * delivery journal; the journal now makes one `raw-json` insert a second).
 *
 * Usage: `node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs bench/ingest/insert-cost.ts
 *   [--inserts 300] [--batches 1,16,32] [--variants client-json,raw-json,inbox-json]
 *   [--settings '{"name":value}']`. The data directory is under the OS temp directory (`TMPDIR`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClickHouseStore } from '../../plugins/reliability-backend/src/services/ClickHouseStore';
import { argValue, loadLine } from './lib';

const args = process.argv.slice(2);
const INSERTS = Number(argValue(args, 'inserts') ?? 300);
const BATCHES = (argValue(args, 'batches') ?? '1,16,32').split(',').map(Number);
const VARIANTS = (argValue(args, 'variants') ?? 'client-json,raw-json,inbox-json').split(',');
const EXTRA_SETTINGS: Record<string, string | number> = JSON.parse(argValue(args, 'settings') ?? '{}');

const COLUMNS = [
  'delivery_id', 'event_id', 'kind', 'repository', 'ts', 'environment', 'state', 'deployment_id', 'sha',
  'number', 'first_commit_at', 'first_commit_source', 'author', 'author_is_bot', 'is_rollback',
];

let seq = 0;
function row() {
  const i = seq++;
  return {
    delivery_id: `d-${i}-0b7e4d4c-3f2a-11ee-9b1c`,
    event_id: `deployment_status:${2_000_000 + i}`,
    kind: 'deployment_status',
    repository: `bench/service-${i % 20}`,
    ts: new Date(Date.now() - i * 1000).toISOString(),
    environment: 'production',
    state: 'success',
    deployment_id: 1_000_000 + i,
    sha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
    number: 0,
    first_commit_at: null as string | null,
    first_commit_source: '',
    author: 'octocat',
    author_is_bot: 0,
    is_rollback: 0,
  };
}

function tsvField(v: unknown): string {
  if (v === null) return '\\N';
  return String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goldenpath-insert-cost-'));
  const quiet = { info() {}, warn() {}, debug() {}, error: console.error } as any;
  quiet.child = () => quiet;
  const store = ClickHouseStore.forTesting({ path: dir, logger: quiet });
  await store.migrate();
  const settings = { async_insert: 0, wait_end_of_query: 1, date_time_input_format: 'best_effort', ...EXTRA_SETTINGS };
  // wait_end_of_query is an HTTP setting: the embedded engine answers only when the insert is done.
  const { wait_end_of_query: _http, ...rawSettings } = settings;
  console.log(`${loadLine()}; ${INSERTS} inserts per cell; settings ${JSON.stringify(settings)}`);
  for (const variant of VARIANTS) {
    for (const batch of BATCHES) {
      const run = async () => {
        const rows = Array.from({ length: batch }, row);
        if (variant === 'client-json') {
          await store.client.insert({
            table: `${store.database}.delivery_events`,
            values: rows,
            format: 'JSONEachRow',
            clickhouse_settings: settings as any,
          });
        } else if (variant === 'raw-json' || variant === 'inbox-json') {
          await store.insertRaw({
            table: variant === 'raw-json' ? 'delivery_events' : 'delivery_inbox',
            columns: COLUMNS,
            format: 'JSONEachRow',
            body: rows.map(r => JSON.stringify(r)).join('\n'),
            settings: rawSettings,
          });
        } else {
          await store.insertRaw({
            table: 'delivery_events',
            columns: COLUMNS,
            format: 'TabSeparated',
            body: rows.map(r => COLUMNS.map(c => tsvField((r as any)[c])).join('\t')).join('\n'),
            settings: rawSettings,
          });
        }
      };
      for (let i = 0; i < 20; i++) await run();
      const cpu0 = process.cpuUsage();
      const main0 = process.threadCpuUsage?.();
      const t0 = performance.now();
      for (let i = 0; i < INSERTS; i++) await run();
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const mainCpu = main0 ? process.threadCpuUsage(main0) : undefined;
      const us = cpu.user + cpu.system;
      console.log(
        `${variant.padEnd(12)} ${String(batch).padStart(3)} rows: ${(us / INSERTS / 1000).toFixed(2)} ms CPU per insert (main thread ${mainCpu ? ((mainCpu.user + mainCpu.system) / INSERTS / 1000).toFixed(2) : '?'} ms), ` +
          `${(us / INSERTS / batch).toFixed(0)} µs per row, wall ${(wall / INSERTS).toFixed(2)} ms per insert`,
      );
    }
  }
  const parts = await (
    await store.client.query({
      query: `SELECT count() AS parts, sum(rows) AS rows FROM system.parts WHERE database = {db:String} AND table = 'delivery_events' AND active`,
      query_params: { db: store.database },
      format: 'JSONEachRow',
    })
  ).json();
  console.log('active parts at the end', JSON.stringify(parts), loadLine());
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
