/*
 * Replays NAB series as telemetry of the example validator nodes through
 * POST /api/reliability/telemetry, so the risk card shows real anomalies on
 * first start.
 *
 *   node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs \
 *     examples/loaders/load-demo-telemetry.ts --backend http://127.0.0.1:7007 --token <token>
 *
 * Options: --components validator-alpha[,…] (default validator-alpha), --nodes 2,
 * --cluster local, --namespace validators, --data examples/data/nab, --force, --follow.
 *
 * With --follow it keeps running after that and, every 5 minutes, continues each node's series
 * up to now for the metrics the demo's validator operator does not probe (OPERATOR_METRICS come
 * from the operator's own probes in `make start`): without them the hardware and storage
 * detectors would report missing telemetry as soon as the replay ends.
 *
 * Idempotent: it first reads each entity's risk (catalog entity
 * component:default/<component>, else the fleet ranking); nodes with telemetry from the last
 * 10 minutes are left alone, nodes seen in the last 48 hours are topped up from
 * where they stopped, others get 48 hours ending now. Every batch is deterministic,
 * so a retried batch is dropped by the insert deduplication token.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { TelemetryMetric, TelemetryRow } from '@goldenpath/plugin-reliability-common';
import {
  buildRows,
  DemoNode,
  HISTORY_MS,
  NabSeries,
  readNabSeries,
  REPLAYS,
  STEP_MS,
} from './demoTelemetry';
import { PROBE_METRICS } from '../../packages/validator-operator/src/telemetry/TelemetrySink';

const FRESH_MS = 10 * 60_000;

/** What the validator operator's probe writes for every node. */
const OPERATOR_METRICS: ReadonlySet<TelemetryMetric> = new Set(PROBE_METRICS);

async function main() {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'http://127.0.0.1:7007' },
      token: { type: 'string' },
      components: { type: 'string', default: 'validator-alpha' },
      nodes: { type: 'string', default: '2' },
      cluster: { type: 'string', default: 'demo' },
      namespace: { type: 'string', default: 'validators' },
      data: { type: 'string', default: resolve(__dirname, '../data/nab') },
      force: { type: 'boolean', default: false },
      follow: { type: 'boolean', default: false },
    },
  });
  const token = values.token ?? process.env.RELIABILITY_TOKEN;
  if (!token) {
    throw new Error('--token (or RELIABILITY_TOKEN) is required: a backend.auth.externalAccess static token');
  }
  const nodesPerComponent = Number(values.nodes);
  if (!Number.isInteger(nodesPerComponent) || nodesPerComponent < 1 || nodesPerComponent > 20) {
    throw new Error('--nodes must be an integer between 1 and 20');
  }
  const base = `${values.backend.replace(/\/$/, '')}/api/reliability`;
  const headers = { Authorization: `Bearer ${token}` };

  const series = new Map<TelemetryMetric, NabSeries>();
  for (const spec of REPLAYS) series.set(spec.metric, readNabSeries(values.data, spec.file));

  const lastSeen = new Map<string, number>();
  const components = values.components.split(',').map(c => c.trim()).filter(Boolean);
  const remember = (nodes: Array<{ cluster: string; namespace: string; node: string; lastSeen: string }>) => {
    for (const n of nodes) {
      lastSeen.set(`${n.cluster}/${n.namespace}/${n.node}`, Date.parse(n.lastSeen));
    }
  };
  if (!values.force) {
    // The entity route scores a component whose telemetry is ahead of its stored
    // scores, so it sees rows written a moment ago; the catalog may still be
    // ingesting the entity at start-up, hence the retries.
    for (const component of components) {
      let found = false;
      for (let attempt = 0; attempt < 30 && !found; attempt++) {
        const res = await fetch(`${base}/entities/component/default/${encodeURIComponent(component)}/risk`, { headers });
        if (res.ok) {
          remember(((await res.json()) as { nodes: any[] }).nodes);
          found = true;
        } else if (res.status === 404) {
          await new Promise(r => setTimeout(r, 2000));
        } else {
          throw new Error(`GET entity risk of ${component} answered ${res.status}: ${await res.text()}`);
        }
      }
      if (!found) {
        console.log(`${component}: no catalog entity component:default/${component}; using the fleet ranking instead`);
        const res = await fetch(`${base}/risk?limit=1000`, { headers });
        if (!res.ok) {
          throw new Error(`GET ${base}/risk answered ${res.status}: ${await res.text()}`);
        }
        remember(((await res.json()) as { nodes: any[] }).nodes);
      }
    }
  }

  const now = Math.floor(Date.now() / STEP_MS) * STEP_MS;
  let total = 0;
  const post = async (rows: TelemetryRow[]) => {
    const res = await fetch(`${base}/telemetry`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/x-ndjson' },
      body: rows.map(r => JSON.stringify(r)).join('\n'),
    });
    if (!res.ok) {
      throw new Error(`POST ${base}/telemetry answered ${res.status}: ${await res.text()}`);
    }
  };
  /** Per node: the replay's anchor and the last 5-minute step written, for --follow. */
  const followed: Array<{ node: DemoNode; anchorEnd: number; last: number }> = [];
  for (const component of components) {
    for (let i = 0; i < nodesPerComponent; i++) {
      const node: DemoNode = {
        cluster: values.cluster,
        namespace: values.namespace,
        component,
        node: `${component}-${i}`,
        mode: i === 0 ? 'anomaly' : 'calm',
      };
      const seen = lastSeen.get(`${node.cluster}/${node.namespace}/${node.node}`);
      let range: { from: number; to: number; anchorEnd: number };
      if (seen !== undefined && now - seen <= FRESH_MS) {
        console.log(`${node.node}: telemetry is fresh (last ${new Date(seen).toISOString()}), nothing to do`);
        followed.push({ node, anchorEnd: seen, last: seen });
        continue;
      } else if (seen !== undefined && now - seen < HISTORY_MS) {
        range = { from: seen, to: now, anchorEnd: seen };
      } else {
        range = { from: now - HISTORY_MS, to: now, anchorEnd: now };
      }
      const rows = buildRows(node, series, range);
      await post(rows);
      followed.push({ node, anchorEnd: range.anchorEnd, last: range.to });
      total += rows.length;
      console.log(
        `${node.node}: wrote ${rows.length} rows (${node.mode}) from ${new Date(range.from + STEP_MS).toISOString()} to ${new Date(range.to).toISOString()}`,
      );
    }
  }
  console.log(`Done: ${total} rows`);
  if (!values.follow) return;

  console.log(`Following: every 5 minutes, the replayed metrics the operator does not probe`);
  for (;;) {
    await new Promise(r => setTimeout(r, STEP_MS - (Date.now() % STEP_MS) + 5_000));
    const to = Math.floor(Date.now() / STEP_MS) * STEP_MS;
    for (const f of followed) {
      if (to <= f.last) continue;
      const range = { from: Math.max(f.last, to - HISTORY_MS), to, anchorEnd: f.anchorEnd };
      const rows = buildRows(f.node, series, range).filter(r => !OPERATOR_METRICS.has(r.metric));
      try {
        await post(rows);
        f.last = to;
      } catch (error) {
        console.error(`${f.node.node}: ${error instanceof Error ? error.message : error} (tried again in 5 minutes)`);
      }
    }
  }
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
