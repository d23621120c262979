import { Registry } from 'prom-client';
import { FakeKubeApiServer } from '@goldenpath/fake-kube-apiserver';
import { silentLogger } from '../logger';
import { startFakeCluster } from '../__testUtils__/harness';
import { NamespaceReaper, parseTtl } from './NamespaceReaper';

const NOW = new Date('2026-11-21T12:00:00Z');
const ns = (name: string, created: string, ttl?: string) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name,
    creationTimestamp: created,
    ...(ttl !== undefined ? { annotations: { 'platform.io/ttl': ttl } } : {}),
  },
});

describe('NamespaceReaper', () => {
  let server: FakeKubeApiServer;
  afterEach(() => server?.close());

  async function setup() {
    const cluster = await startFakeCluster([
      ns('preview-old', '2026-11-19T12:00:00Z', '24h'),
      ns('preview-fresh', '2026-11-21T11:30:00Z', '1h'),
      ns('preview-just-expired', '2026-11-21T10:59:59Z', '1h'),
      ns('preview-bad', '2026-11-01T00:00:00Z', 'forever'),
      ns('payments', '2020-01-01T00:00:00Z'),
    ]);
    server = cluster.server;
    return cluster;
  }
  const names = () =>
    server.store.list(server.store.findTypeByKind('v1', 'Namespace')!).map(n => n.metadata.name);

  it('should parse TTLs in s/m/h/d/w and reject nonsense', () => {
    expect(parseTtl('90m')).toBe(5400);
    expect(parseTtl('1h30m')).toBe(5400);
    expect(parseTtl('7d')).toBe(604800);
    expect(parseTtl('3600')).toBe(3600);
    expect(parseTtl('forever')).toBeUndefined();
    expect(parseTtl('0h')).toBeUndefined();
    expect(parseTtl('5h garbage')).toBeUndefined();
  });

  it('should delete only annotated namespaces past their TTL and export metrics', async () => {
    const { kube } = await setup();
    const registry = new Registry();
    const reaper = NamespaceReaper.create({ kube, logger: silentLogger, registry, now: () => NOW });
    const report = await reaper.reapOnce();
    expect(report.seen.sort()).toEqual(['preview-bad', 'preview-fresh', 'preview-just-expired', 'preview-old']);
    expect(report.expired.sort()).toEqual(['preview-just-expired', 'preview-old']);
    expect(report.deleted.sort()).toEqual(['preview-just-expired', 'preview-old']);
    expect(report.errors).toEqual([{ namespace: 'preview-bad', message: 'unparsable platform.io/ttl "forever"' }]);
    expect(names()).toEqual(expect.arrayContaining(['payments', 'preview-fresh', 'preview-bad', 'validators']));
    expect(names()).not.toContain('preview-old');
    const text = await registry.metrics();
    expect(text).toContain('preview_reaper_namespaces_seen 4');
    expect(text).toContain('preview_reaper_namespaces_expired 2');
    expect(text).toContain('preview_reaper_namespaces_deleted_total 2');
    expect(text).toContain('preview_reaper_errors_total 1');
    const deletes = server.requests.filter(r => r.verb === 'delete').map(r => r.path);
    expect(deletes.sort()).toEqual(['/api/v1/namespaces/preview-just-expired', '/api/v1/namespaces/preview-old']);
  });

  it('should only report in dry-run mode', async () => {
    const { kube } = await setup();
    const reaper = NamespaceReaper.create({ kube, logger: silentLogger, dryRun: true, now: () => NOW });
    const report = await reaper.reapOnce();
    expect(report.expired.sort()).toEqual(['preview-just-expired', 'preview-old']);
    expect(report.deleted).toEqual([]);
    expect(server.requests.filter(r => r.verb === 'delete')).toEqual([]);
    expect(names()).toContain('preview-old');
  });

  it('should count a failed delete as an error and carry on', async () => {
    const { kube } = await setup();
    server.inject({ match: { verb: 'delete', resource: 'namespaces', name: 'preview-old' }, action: { type: 'status', code: 403 } });
    const registry = new Registry();
    const reaper = NamespaceReaper.create({ kube, logger: silentLogger, registry, now: () => NOW });
    const report = await reaper.reapOnce();
    expect(report.deleted).toEqual(['preview-just-expired']);
    expect(report.errors.map(e => e.namespace).sort()).toEqual(['preview-bad', 'preview-old']);
    expect(await registry.metrics()).toContain('preview_reaper_errors_total 2');
  });
});
