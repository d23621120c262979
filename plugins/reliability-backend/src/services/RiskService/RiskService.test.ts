import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ServiceUnavailableError } from '@backstage/errors';
import { createClient } from '@clickhouse/client';
import {
  entityRiskResponseSchema,
  fleetRiskResponseSchema,
  TelemetryMetric,
  TelemetryRow,
} from '@goldenpath/plugin-reliability-common';
import { ClickHouseStore } from '../ClickHouseStore';
import { TelemetryWriter } from '../Telemetry';
import { RiskService } from './RiskService';

const NOW = new Date('2026-11-21T12:02:30Z');
const MINUTE = 60_000;

/** Deterministic noise in [-1, 1]. */
function noise(i: number, salt: number): number {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

function healthy(metric: TelemetryMetric, i: number, salt: number): number {
  const n = noise(i, salt);
  switch (metric) {
    case 'block_height':
      return 1_000_000 + i * 10;
    case 'network_height':
      return 1_000_001 + i * 10;
    case 'block_lag':
      return Math.max(0, 1 + n);
    case 'peers':
      return 24 + Math.round(2 * n);
    case 'gpu_temp_c':
      return 62 + 2 * n;
    case 'disk_write_latency_ms':
      return 4 + n;
    case 'probe_latency_ms':
      return 30 + 5 * n;
    default:
      return 45 + 8 * n;
  }
}

const METRICS: TelemetryMetric[] = [
  'block_height',
  'network_height',
  'block_lag',
  'peers',
  'gpu_util_pct',
  'gpu_temp_c',
  'cpu_util_pct',
  'mem_util_pct',
  'disk_write_latency_ms',
  'disk_util_pct',
];

/** 48 hours of one-minute samples per node, ending at NOW. */
function series(
  component: string,
  node: string,
  salt: number,
  override?: (metric: TelemetryMetric, minutesAgo: number, value: number) => number,
): TelemetryRow[] {
  const rows: TelemetryRow[] = [];
  const minutes = 48 * 60;
  for (let i = 0; i <= minutes; i++) {
    const minutesAgo = minutes - i;
    const ts = NOW.getTime() - minutesAgo * MINUTE;
    for (const [k, metric] of METRICS.entries()) {
      const base = healthy(metric, i, salt * 31 + k);
      rows.push({
        ts,
        cluster: 'kind-local',
        namespace: 'validators',
        node,
        component,
        metric,
        value: override ? override(metric, minutesAgo, base) : base,
      });
    }
  }
  return rows;
}

// The embedded engine shares two cores with the rest of the suite.
jest.setTimeout(60_000);

describe('RiskService', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reliability-risk-'));
  const logger = mockServices.logger.mock();
  let store: ClickHouseStore;
  let risk: RiskService;

  beforeAll(async () => {
    store = ClickHouseStore.forTesting({
      path: dir,
      logger,
    });
    await store.migrate();
    const writer = TelemetryWriter.create({ store });
    await writer.write(series('validator-alpha', 'alpha-0', 1));
    // alpha-1 falls behind and loses its peers during the last 20 minutes
    await writer.write(
      series('validator-alpha', 'alpha-1', 2, (metric, minutesAgo, value) => {
        if (minutesAgo > 20) return value;
        if (metric === 'block_lag') return 80;
        if (metric === 'block_height') return 1_000_000 + (48 * 60 - 20) * 10;
        if (metric === 'peers') return 0;
        return value;
      }),
    );
    // beta-0 runs hot: GPU temperature climbs to 95 °C in the last 15 minutes
    await writer.write(
      series('validator-beta', 'beta-0', 3, (metric, minutesAgo, value) =>
        metric === 'gpu_temp_c' && minutesAgo <= 15 ? 95 : value,
      ),
    );
    // a component whose name is hostile SQL must be treated as data
    await writer.write(series("x' OR '1'='1", 'evil-0', 4));
    risk = RiskService.create({ store, config: new ConfigReader({}), logger });
  }, 120_000);

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should score a healthy node ok and a desynced, isolated node critical, with reasons and a 24-hour trend', async () => {
    const result = await risk.getComponentRisk({ component: 'validator-alpha', now: NOW });
    const response = entityRiskResponseSchema.parse({
      ...result,
      entityRef: 'component:default/validator-alpha',
      component: 'validator-alpha',
      generatedAt: NOW.toISOString(),
    });
    expect(response.nodes.map(n => n.node)).toEqual(['alpha-1', 'alpha-0']);
    const [bad, good] = response.nodes;

    expect(good.composite.band).toBe('ok');
    expect(good.composite.score).toBeLessThan(40);
    expect(good.stale).toBe(false);

    expect(bad.composite.band).toBe('critical');
    expect(bad.composite.score).toBeGreaterThanOrEqual(90);
    const consensus = bad.detectors.find(d => d.detector === 'consensus')!;
    expect(consensus.score).toBe(1);
    expect(consensus.reason).toMatch(/Block (lag 80 blocks against a limit of 10|height stuck)/);
    const p2p = bad.detectors.find(d => d.detector === 'p2p')!;
    expect(p2p).toMatchObject({ score: 1, metric: 'peers', value: 0 });
    expect(p2p.reason).toBe('No peers: the node is isolated from the network');
    expect(p2p.baseline).toBeGreaterThan(20);

    const contributions = bad.composite.contributions;
    expect(contributions.map(c => c.detector)).toEqual(['consensus', 'hardware', 'storage', 'p2p']);
    expect(contributions.reduce((a, c) => a + c.contribution, 0)).toBeCloseTo(bad.composite.score, 1);
    expect(contributions.find(c => c.detector === 'consensus')!.weight).toBe(0.9);

    expect(bad.trend).toHaveLength(24 * 12);
    expect(bad.trend![0].ts).toBe('2026-11-20T12:05:00.000Z');
    expect(bad.trend![bad.trend!.length - 1].ts).toBe('2026-11-21T12:00:00.000Z');
    // the trend is calm until the incident 20 minutes ago
    const beforeIncident = bad.trend!.filter(p => Date.parse(p.ts) < NOW.getTime() - 30 * MINUTE);
    expect(Math.max(...beforeIncident.map(p => p.composite))).toBeLessThan(40);
    expect(bad.trend![bad.trend!.length - 1].composite).toBe(bad.composite.score);
  });

  it('should flag thermal stress through the hardware detector only', async () => {
    const { nodes } = await risk.getComponentRisk({ component: 'validator-beta', now: NOW });
    expect(nodes).toHaveLength(1);
    const hardware = nodes[0].detectors.find(d => d.detector === 'hardware')!;
    expect(hardware).toMatchObject({ score: 1, metric: 'gpu_temp_c', unit: '°C', value: 95 });
    expect(hardware.reason).toContain('GPU temperature 95 °C');
    expect(nodes[0].composite.score).toBeCloseTo(70, 0);
    expect(nodes[0].composite.band).toBe('critical');
    for (const d of nodes[0].detectors.filter(x => x.detector !== 'hardware')) {
      expect(d.score).toBeLessThan(0.5);
    }
  });

  it('should rank the fleet riskiest first and honour the limit', async () => {
    const refreshed = await risk.refresh({ now: NOW });
    expect(refreshed.since.toISOString()).toBe('2026-11-21T11:55:00.000Z');
    expect(refreshed.rows).toBeGreaterThan(0);
    const fleet = fleetRiskResponseSchema.parse({
      ...(await risk.getFleetRisk({ limit: 2, now: NOW })),
      generatedAt: NOW.toISOString(),
    });
    expect(fleet.nodes.map(n => n.node)).toEqual(['alpha-1', 'beta-0']);
    expect(fleet.nodes[0].trend).toBeUndefined();
    await risk.refresh({ now: NOW });
    const all = await risk.getFleetRisk({ limit: 10, now: NOW });
    expect(all.nodes).toHaveLength(4);
    const scores = all.nodes.map(n => n.composite.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('should treat a hostile component name as data and report stale nodes', async () => {
    const evil = await risk.getComponentRisk({ component: "x' OR '1'='1", now: NOW });
    expect(evil.nodes.map(n => n.node)).toEqual(['evil-0']);
    const none = await risk.getComponentRisk({ component: "' OR 1=1 --", now: NOW });
    expect(none.nodes).toEqual([]);

    const later = new Date(NOW.getTime() + 60 * MINUTE);
    const stale = await risk.getComponentRisk({ component: 'validator-beta', now: later });
    expect(stale.nodes[0].stale).toBe(true);
    expect(stale.errors).toEqual([
      expect.objectContaining({ source: 'telemetry', errorType: 'StaleData', cluster: 'kind-local' }),
    ]);
  });

  it('should score new telemetry on demand, noticing it within freshnessCheckMs', async () => {
    const writer = TelemetryWriter.create({ store });
    await writer.write(series('validator-gamma', 'gamma-0', 5));
    const cached = RiskService.create({ store, config: new ConfigReader({}), logger, freshnessCheckMs: 3_600_000 });
    const first = await cached.getComponentRisk({ component: 'validator-gamma', now: NOW });
    expect(first.nodes[0].trend!.at(-1)!.ts).toBe('2026-11-21T12:00:00.000Z');
    expect(first.nodes[0].composite.band).toBe('ok');

    // Ten more minutes of telemetry in which gamma-0 falls 80 blocks behind.
    const later = new Date(NOW.getTime() + 10 * MINUTE);
    const rows: TelemetryRow[] = [];
    for (let m = 1; m <= 10; m++) {
      for (const metric of METRICS) {
        rows.push({
          ts: NOW.getTime() + m * MINUTE,
          cluster: 'kind-local',
          namespace: 'validators',
          node: 'gamma-0',
          component: 'validator-gamma',
          metric,
          value: metric === 'block_lag' ? 80 : healthy(metric, 48 * 60 + m, 5),
        });
      }
    }
    await writer.write(rows);

    // Within its freshness interval the first service has not looked at telemetry_last again.
    const stale = await cached.getComponentRisk({ component: 'validator-gamma', now: later });
    expect(stale.nodes[0].trend!.at(-1)!.ts).toBe('2026-11-21T12:00:00.000Z');

    const fresh = RiskService.create({ store, config: new ConfigReader({}), logger, freshnessCheckMs: 0 });
    const { nodes } = await fresh.getComponentRisk({ component: 'validator-gamma', now: later });
    expect(nodes[0].trend!.at(-1)!.ts).toBe('2026-11-21T12:10:00.000Z');
    expect(nodes[0].detectors.find(d => d.detector === 'consensus')!.score).toBe(1);
    expect(nodes[0].composite.band).toBe('critical');
  });

  it('should rebuild an emptied node-state read model on the next entity read (migration 9 drops it)', async () => {
    const before = await risk.getComponentRisk({ component: 'validator-beta', now: NOW });
    expect(before.nodes.map(n => n.node)).toEqual(['beta-0']);
    await store.client.command({ query: 'TRUNCATE TABLE reliability.risk_node_state' });

    const after = await RiskService.create({ store, config: new ConfigReader({}), logger }).getComponentRisk({
      component: 'validator-beta',
      now: NOW,
    });
    expect(after).toEqual(before);
  });

  it('should refuse bands that leave values uncovered and answer 503 without ClickHouse', async () => {
    expect(() =>
      RiskService.create({
        store,
        logger,
        config: new ConfigReader({
          reliability: {
            risk: {
              bands: [
                { name: 'ok', min: 0, max: 40 },
                { name: 'critical', min: 50, max: 100 },
              ],
            },
          },
        }),
      }),
    ).toThrow(/bands\[1\] starts at 50 but must start at 40/);
    expect(() =>
      RiskService.create({
        store,
        logger,
        config: new ConfigReader({
          reliability: { risk: { bands: [{ name: 'ok', min: 0, max: 99 }] } },
        }),
      }),
    ).toThrow(/must end at 100/);

    const down = RiskService.create({
      store: {
        client: createClient({ url: 'http://127.0.0.1:1', request_timeout: 2000 }),
        database: 'reliability',
      },
      logger,
      config: new ConfigReader({}),
    });
    await expect(down.getFleetRisk({ limit: 5 })).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
