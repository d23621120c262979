import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import fs from 'node:fs';
import path from 'node:path';
import { createTestClickHouse } from '../Dora/testStore';
import { ArgoApplicationSource, DriftService } from './DriftService';

const DATASET = path.resolve(__dirname, '../../../../../../shared/datasets/infracost');
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(DATASET, file), 'utf8'));

const NOW = new Date('2026-11-20T12:00:00.000Z');
const HOUR = 3_600_000;

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'validator-alpha',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'validator-alpha',
      'github.com/project-slug': 'goldenpath/validator-alpha',
      'argocd/app-name': 'validator-alpha',
    },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};
const owner = { entityRef: 'component:default/validator-alpha', repository: 'goldenpath/validator-alpha' };

/** Park–Miller LCG, deterministic noise in [0, 1). */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

function reference(baseline: number[], current: number[]) {
  const sorted = [...baseline].sort((a, b) => a - b);
  // quantilesExact(q) picks the element at floor(q * n) of the sorted sample
  const edges = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map(q => sorted[Math.floor(q * sorted.length)]);
  const bin = (v: number) => edges.filter(e => v > e).length;
  const hist = (xs: number[]) => {
    const h = new Array(10).fill(0);
    xs.forEach(v => h[bin(v)]++);
    return h.map(c => c / xs.length);
  };
  const pb = hist(baseline);
  const pc = hist(current);
  let psi = 0;
  let js = 0;
  for (let i = 0; i < 10; i++) {
    const b = Math.max(pb[i], 1e-4);
    const c = Math.max(pc[i], 1e-4);
    if (pb[i] > 0 || pc[i] > 0) psi += (c - b) * Math.log(c / b);
    const m = (pb[i] + pc[i]) / 2;
    if (pb[i] > 0) js += 0.5 * pb[i] * Math.log2(pb[i] / m);
    if (pc[i] > 0) js += 0.5 * pc[i] * Math.log2(pc[i] / m);
  }
  const values = [...new Set([...baseline, ...current])].sort((a, b) => a - b);
  let d = 0;
  for (const v of values) {
    const fb = baseline.filter(x => x <= v).length / baseline.length;
    const fc = current.filter(x => x <= v).length / current.length;
    d = Math.max(d, Math.abs(fb - fc));
  }
  return { psi, js: Math.sqrt(js), ks: d };
}

describe('DriftService', () => {
  let db: Awaited<ReturnType<typeof createTestClickHouse>>;
  const argo: jest.Mocked<ArgoApplicationSource> = { getArgoApplications: jest.fn() };
  let service: DriftService;
  const series: Record<string, { baseline: number[]; current: number[] }> = {};

  beforeAll(async () => {
    db = await createTestClickHouse('drift');
    service = DriftService.create({ ...db, logger: mockServices.logger.mock(), argo });
    const rows: Array<Record<string, unknown>> = [];
    const add = (node: string, metric: string, gen: (i: number, cur: boolean) => number) => {
      const key = `${node}/${metric}`;
      series[key] = { baseline: [], current: [] };
      // one point every 20 minutes: 7 days baseline (504), 24 hours current (72)
      for (let t = NOW.getTime() - 8 * 24 * HOUR; t < NOW.getTime(); t += HOUR / 3) {
        const cur = t >= NOW.getTime() - 24 * HOUR;
        const value = Math.round(gen(rows.length, cur) * 1000) / 1000;
        (cur ? series[key].current : series[key].baseline).push(value);
        rows.push({ ts: new Date(t).toISOString(), cluster: 'c1', namespace: 'validators', node, component: 'validator-alpha', metric, value });
      }
    };
    const a = rng(7);
    const b = rng(11);
    const c = rng(13);
    add('val-0', 'peers', () => 20 + a() * 10);
    add('val-0', 'disk_write_latency_ms', (_i, cur) => (cur ? 15 : 5) + b() * 4);
    add('val-1', 'gpu_temp_c', (_i, cur) => 60 + c() * 10 + (cur ? 2 : 0));
    rows.push({ ts: new Date(NOW.getTime() - HOUR).toISOString(), cluster: 'c1', namespace: 'validators', node: 'val-0', component: 'other', metric: 'peers', value: 1 });
    await db.client.insert({
      table: `${db.database}.telemetry`,
      values: rows,
      format: 'JSONEachRow',
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
  });

  afterAll(async () => {
    await db.cleanup();
  });

  beforeEach(() => jest.resetAllMocks());

  it('should compute PSI, two-sample KS and Jensen-Shannon distance in SQL like a reference implementation', async () => {
    argo.getArgoApplications.mockResolvedValue({ items: [], errors: [] });
    const drift = await service.getEntityDrift(entity, owner, { now: NOW });
    expect(drift.errors).toEqual([]);
    expect(drift.data.series.map(s => `${s.node}/${s.metric}`)).toEqual([
      'val-0/disk_write_latency_ms',
      'val-0/peers',
      'val-1/gpu_temp_c',
    ]);
    for (const s of drift.data.series) {
      const { baseline, current } = series[`${s.node}/${s.metric}`];
      const expected = reference(baseline, current);
      expect(s.baselineCount).toBe(baseline.length);
      expect(s.currentCount).toBe(current.length);
      expect(s.psi).toBeCloseTo(expected.psi, 6);
      expect(s.jsDistance).toBeCloseTo(expected.js, 6);
      expect(s.ks).toBeCloseTo(expected.ks, 6);
    }
    const byMetric = Object.fromEntries(drift.data.series.map(s => [s.metric, s]));
    expect(byMetric.disk_write_latency_ms.status).toBe('significant');
    expect(byMetric.disk_write_latency_ms.ks).toBe(1);
    expect(byMetric.disk_write_latency_ms.ksRejects).toBe(true);
    expect(byMetric.peers.status).toBe('stable');
    expect(byMetric.peers.ksRejects).toBe(false);
    expect(drift.data.status).toBe('significant');
    expect(drift.data.thresholds).toEqual({ psiModerate: 0.1, psiSignificant: 0.25, ksAlpha: 0.05, minSamples: 30 });
  });

  it('should store drift checks from real plans and answer the latest per environment', async () => {
    await service.ingestReport({
      entityRef: 'component:default/validator-alpha',
      environment: 'production',
      exitCode: 0,
      checkedAt: '2026-11-19T00:00:00Z',
      plan: read('supplement/hashicorp-terraform-json/testdata/no_changes/plan.json'),
    });
    const stored = await service.ingestReport({
      repository: 'GoldenPath/validator-alpha',
      environment: 'production',
      exitCode: 2,
      checkedAt: '2026-11-20T06:00:00Z',
      plan: read('cmd/infracost/testdata/instance_with_attachment_after_deploy.json'),
    });
    expect(stored).toMatchObject({ status: 'drifted', driftedResources: 2, plannedChanges: 0 });
    await service.ingestReport({
      entityRef: 'validator-alpha',
      environment: 'staging',
      exitCode: 1,
      checkedAt: '2026-11-20T07:00:00Z',
    });
    argo.getArgoApplications.mockResolvedValue({ items: [], errors: [] });
    const drift = await service.getEntityDrift(entity, owner, { now: NOW });
    expect(drift.infrastructure.status).toBe('error');
    expect(drift.infrastructure.lastCheckedAt).toBe('2026-11-20T07:00:00.000Z');
    const prod = drift.infrastructure.environments.find(e => e.environment === 'production')!;
    expect(prod).toMatchObject({ status: 'drifted', exitCode: 2, checkedAt: '2026-11-20T06:00:00.000Z' });
    expect(prod.driftedResources.map(r => r.address).sort()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_/)]),
    );
    expect(prod.actionCounts).toEqual({ 'no-op': 4 });
    expect(drift.infrastructure.environments.find(e => e.environment === 'staging')?.status).toBe('error');
  });

  it('should report Argo CD sync and health, and keep answering when a source fails', async () => {
    argo.getArgoApplications.mockResolvedValue({
      items: [
        {
          metadata: { name: 'validator-alpha', namespace: 'argocd' },
          status: {
            sync: { status: 'OutOfSync', revision: 'abc123' },
            health: { status: 'Healthy' },
            operationState: { phase: 'Succeeded' },
          },
        },
      ],
      errors: [{ message: 'cluster c2 unreachable', errorType: 'FETCH_ERROR', cluster: 'c2' }],
    });
    const drift = await service.getEntityDrift(entity, owner, { now: NOW });
    expect(drift.gitops.status).toBe('out-of-sync');
    expect(drift.gitops.applications).toEqual([
      { name: 'validator-alpha', namespace: 'argocd', syncStatus: 'OutOfSync', healthStatus: 'Healthy', revision: 'abc123', operationPhase: 'Succeeded' },
    ]);
    expect(drift.errors).toEqual([
      { source: 'gitops', message: 'cluster c2 unreachable', errorType: 'FETCH_ERROR', cluster: 'c2' },
    ]);

    argo.getArgoApplications.mockRejectedValue(new Error('informer not started'));
    const degraded = await service.getEntityDrift(entity, owner, { now: NOW });
    expect(degraded.gitops.status).toBe('unknown');
    expect(degraded.errors).toEqual([{ source: 'gitops', message: 'informer not started', errorType: 'Error' }]);
    expect(degraded.data.series).toHaveLength(3);
    expect(degraded.infrastructure.environments.length).toBeGreaterThan(0);
  });

  it('should say not-configured without the annotations', async () => {
    const bare = { ...entity, metadata: { name: 'x', namespace: 'default', annotations: {} } };
    const drift = await service.getEntityDrift(bare, { entityRef: 'component:default/x', repository: null }, { now: NOW });
    expect(drift.gitops.status).toBe('not-configured');
    expect(drift.data.status).toBe('not-configured');
    expect(drift.infrastructure.status).toBe('unknown');
    expect(argo.getArgoApplications).not.toHaveBeenCalled();
  });

  it('should reject a state file and a bad exit code with the field name', async () => {
    await expect(
      service.ingestReport({ entityRef: 'x', environment: 'prod', exitCode: 2, plan: read('cmd/infracost/testdata/terraform_v0.14_state.json') }),
    ).rejects.toThrow(/Terraform state/);
  });
});
