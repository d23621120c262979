import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  TelemetryMetric,
  TelemetryRow,
} from '@goldenpath/plugin-reliability-common';

/** Sample spacing of the replay, the NAB files' own 5 minutes. Unit: ms. */
export const STEP_MS = 5 * 60_000;
/** Length of the replayed history. Unit: ms. */
export const HISTORY_MS = 48 * 3600_000;

/** A NAB data file replayed as one telemetry metric. */
export interface ReplaySpec {
  metric: TelemetryMetric;
  file: string;
  /** Linear rescale of the segment's 5th–95th percentile onto [lo, hi]; none keeps the values. */
  rescale?: { lo: number; hi: number; round?: boolean; min?: number; max?: number };
}

/** The NAB series of the demo and the metric each becomes (see examples/data/nab/README.md). */
export const REPLAYS: ReplaySpec[] = [
  {
    metric: 'gpu_temp_c',
    file: 'realKnownCause/machine_temperature_system_failure.csv',
    rescale: { lo: 58, hi: 74 },
  },
  {
    metric: 'disk_write_latency_ms',
    file: 'realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv',
    rescale: { lo: 2, hi: 12, min: 0.1, max: 80 },
  },
  {
    metric: 'peers',
    file: 'realAWSCloudwatch/ec2_network_in_257a54.csv',
    rescale: { lo: 12, hi: 30, round: true, min: 0, max: 50 },
  },
  {
    metric: 'cpu_util_pct',
    file: 'realKnownCause/cpu_utilization_asg_misconfiguration.csv',
    rescale: { lo: 30, hi: 70, min: 0, max: 100 },
  },
  {
    metric: 'probe_latency_ms',
    file: 'realKnownCause/ec2_request_latency_system_failure.csv',
  },
];

/** One NAB series with its labelled windows, as indexes into `values`. */
export interface NabSeries {
  values: number[];
  windows: Array<{ start: number; end: number }>;
}

/** Reads a NAB `timestamp,value` file and its windows from `combined_windows.json`. */
export function readNabSeries(dataDir: string, file: string): NabSeries {
  const lines = readFileSync(join(dataDir, 'data', file), 'utf8').trim().split('\n').slice(1);
  const stamps = lines.map(l => l.slice(0, l.indexOf(',')));
  const values = lines.map(l => Number(l.slice(l.indexOf(',') + 1)));
  const allWindows = JSON.parse(
    readFileSync(join(dataDir, 'combined_windows.json'), 'utf8'),
  ) as Record<string, Array<[string, string]>>;
  const index = (ts: string) => {
    const key = ts.slice(0, 19);
    const i = stamps.findIndex(s => s >= key);
    return i < 0 ? stamps.length - 1 : i;
  };
  const windows = (allWindows[file] ?? []).map(([a, b]) => ({ start: index(a), end: index(b) }));
  return { values, windows };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(p * (sorted.length - 1))))];
}

/** Deterministic noise in [-1, 1] from a string and a number, so re-runs write identical rows. */
export function noise(key: string, n: number): number {
  let h = 2166136261;
  for (const c of `${key}:${n}`) {
    h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  }
  return ((h >>> 0) / 0xffffffff) * 2 - 1;
}

/**
 * Index of the NAB row that plays at the segment's end: for an anomalous node the most
 * extreme reading (farthest from the mean of the day before) inside the
 * labelled window `windowIndex`; for a calm node one day before the first window (or 48 hours
 * into the file when that is too early).
 */
export function segmentEnd(series: NabSeries, mode: 'anomaly' | 'calm', windowIndex: number): number {
  const span = HISTORY_MS / STEP_MS;
  if (mode === 'anomaly' && series.windows.length > 0) {
    const w = series.windows[Math.min(windowIndex, series.windows.length - 1)];
    const before = series.values.slice(Math.max(0, w.start - 288), w.start);
    const mean = before.length ? before.reduce((a, b) => a + b, 0) / before.length : 0;
    let peak = w.start;
    for (let i = w.start; i <= w.end; i++) {
      if (Math.abs(series.values[i] - mean) > Math.abs(series.values[peak] - mean)) peak = i;
    }
    return peak;
  }
  const first = series.windows[0]?.start ?? series.values.length;
  return Math.max(span, first - 288);
}

/** Node of the demo: which component it belongs to and which part of the NAB series it plays. */
export interface DemoNode {
  cluster: string;
  namespace: string;
  component: string;
  node: string;
  mode: 'anomaly' | 'calm';
}

/**
 * Telemetry rows of one node on the 5-minute grid for `(from, to]`, where the NAB segment's
 * last row plays at `anchorEnd` and rows after it continue the series.
 */
export function buildRows(
  node: DemoNode,
  series: Map<TelemetryMetric, NabSeries>,
  range: { from: number; to: number; anchorEnd: number },
): TelemetryRow[] {
  const rows: TelemetryRow[] = [];
  const base = { cluster: node.cluster, namespace: node.namespace, node: node.node, component: node.component };
  const first = Math.floor(range.from / STEP_MS) * STEP_MS + STEP_MS;
  const windowIndex = node.mode === 'anomaly' ? 3 : 0;
  const prepared = REPLAYS.map(spec => {
    const s = series.get(spec.metric)!;
    const end = segmentEnd(s, node.mode, windowIndex);
    const span = HISTORY_MS / STEP_MS;
    const segment = s.values.slice(Math.max(0, end - span), end + 1).sort((a, b) => a - b);
    const p5 = percentile(segment, 0.05);
    const p95 = percentile(segment, 0.95);
    const map = (v: number) => {
      if (!spec.rescale) return v;
      const { lo, hi, round, min, max } = spec.rescale;
      let out = p95 > p5 ? lo + ((v - p5) / (p95 - p5)) * (hi - lo) : (lo + hi) / 2;
      if (min !== undefined) out = Math.max(min, out);
      if (max !== undefined) out = Math.min(max, out);
      return round ? Math.round(out) : Math.round(out * 1000) / 1000;
    };
    return { spec, s, end, map };
  });
  for (let t = first; t <= range.to; t += STEP_MS) {
    const k = Math.round((t - range.anchorEnd) / STEP_MS);
    for (const { spec, s, end, map } of prepared) {
      const i = ((end + k) % s.values.length + s.values.length) % s.values.length;
      rows.push({ ...base, ts: t, metric: spec.metric, value: map(s.values[i]) });
    }
    const height = demoBlockHeight(t);
    const lag = Math.max(0, Math.round(1 + noise(`${node.node}/lag`, t)));
    rows.push({ ...base, ts: t, metric: 'network_height', value: height });
    rows.push({ ...base, ts: t, metric: 'block_height', value: height - lag });
    rows.push({ ...base, ts: t, metric: 'block_lag', value: lag });
    rows.push({ ...base, ts: t, metric: 'gpu_util_pct', value: round1(55 + 10 * noise(`${node.node}/gpu`, t)) });
    rows.push({ ...base, ts: t, metric: 'mem_util_pct', value: round1(62 + 4 * noise(`${node.node}/mem`, t)) });
    rows.push({ ...base, ts: t, metric: 'disk_util_pct', value: round1(35 + 5 * noise(`${node.node}/disk`, t)) });
  }
  return rows;
}

/**
 * Block height of the demo chain at `t` (Unix ms): one block every 6 s (Polkadot's block time).
 * The demo cluster's fake chain starts from the same height, so the replayed history and the
 * operator's live probes form one series.
 */
export function demoBlockHeight(t: number): number {
  return Math.floor(t / 6000) - 280_000_000;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
