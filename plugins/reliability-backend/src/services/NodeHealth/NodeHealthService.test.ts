import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { FakeKubeApiServer } from '@goldenpath/fake-kube-apiserver';
import {
  argoApplicationsResultSchema,
  entityHealthResponseSchema,
} from '@goldenpath/plugin-reliability-common';
import net from 'node:net';
import { NodeHealthService } from './NodeHealthService';
import {
  ALPHA,
  ALPHA_LABELS,
  clustersConfig,
  fleetObjects,
  waitFor,
} from './__testUtils__/fakeCluster';

const podsType = { group: '', version: 'v1', resource: 'pods' };

async function closedPortUrl(): Promise<string> {
  const srv = net.createServer();
  await new Promise<void>(r => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise(r => srv.close(r));
  return `http://127.0.0.1:${port}`;
}

describe('NodeHealthService', () => {
  const servers: FakeKubeApiServer[] = [];
  const services: NodeHealthService[] = [];

  async function startCluster(
    options: Parameters<typeof FakeKubeApiServer.start>[0] = {},
  ) {
    const server = await FakeKubeApiServer.start({
      objects: fleetObjects(),
      token: 'fake-token',
      ...options,
    });
    servers.push(server);
    return server;
  }

  function createService(
    config: ConfigReader,
    signals?: { publish: jest.Mock },
    options = {},
  ) {
    const service = NodeHealthService.create({
      config,
      logger: mockServices.logger.mock(),
      signals,
      options: { initialSyncTimeoutMs: 2000, listTimeoutMs: 1500, ...options },
    });
    services.push(service);
    return service;
  }

  afterEach(async () => {
    await Promise.all(services.splice(0).map(s => s.stop()));
    await Promise.all(servers.splice(0).map(s => s.close()));
  });

  it('should answer a clear state naming the config when no cluster is configured', async () => {
    const service = createService(new ConfigReader({}));
    const health = await service.getEntityHealth(ALPHA);
    expect(entityHealthResponseSchema.parse(health)).toEqual(health);
    expect(health.state).toBe('no-clusters-configured');
    expect(health.message).toContain('kubernetes.clusterLocatorMethods');
    expect(health.message).toContain('authProvider: serviceAccount');
    expect(health.summary.severity).toBe('unknown');
    expect(health.errors).toEqual([]);
  });

  it('should report an entity without Kubernetes annotations', async () => {
    const server = await startCluster();
    const service = createService(
      clustersConfig([{ name: 'a', url: server.url }]),
    );
    const health = await service.getEntityHealth({
      ...ALPHA,
      metadata: { name: 'plain', namespace: 'default' },
    });
    expect(health.state).toBe('no-kubernetes-annotation');
    expect(health.message).toContain('backstage.io/kubernetes-id');
    expect(server.requests).toHaveLength(0);
  });

  it('should report ValidatorNodes, pods, their nodes and quorum of the entity only', async () => {
    const server = await startCluster();
    const service = createService(
      clustersConfig([{ name: 'prod-eu', url: server.url }]),
    );
    const health = await service.getEntityHealth(ALPHA);
    expect(entityHealthResponseSchema.parse(health)).toEqual(health);
    expect(health.errors).toEqual([]);
    expect(health.validatorNodes.map(v => v.name)).toEqual([
      'alpha-0',
      'alpha-1',
    ]);
    expect(health.validatorNodes[1]).toMatchObject({
      cluster: 'prod-eu',
      phase: 'Degraded',
      blockLag: 40,
      maxBlockLag: 10,
      peers: 2,
      restartCount: 2,
      maxRestartAttempts: 3,
    });
    expect(health.validatorNodes[1].summary.findings.map(f => f.rule)).toEqual(
      expect.arrayContaining([
        'validator-phase',
        'validator-block-lag',
        'validator-peers',
        'validator-restart-budget',
      ]),
    );
    expect(health.pods.map(p => p.name)).toEqual([
      'validator-alpha-0',
      'validator-alpha-1',
    ]);
    expect(health.pods[0]).toMatchObject({
      nodeName: 'pool-a',
      ready: false,
      restarts: 3,
      waitingReason: 'CrashLoopBackOff',
      lastTerminationReason: 'Error',
    });
    expect(health.pods[0].summary.severity).toBe('critical');
    expect(health.nodes.map(n => n.name)).toEqual(['pool-a', 'pool-b']);
    expect(health.nodes[1]).toMatchObject({
      memoryPressure: true,
      ready: 'True',
      cordoned: false,
      controlPlane: false,
    });
    expect(health.nodes[0].kubeletVersion).toMatch(/^v1\.30/);
    expect(health.clusters).toEqual([
      expect.objectContaining({
        name: 'prod-eu',
        status: 'ok',
        quorum: expect.objectContaining({
          controlPlaneNodes: 3,
          readyControlPlaneNodes: 2,
          majority: 2,
          toleratedFailures: 0,
          hasQuorum: true,
        }),
      }),
    ]);
    expect(health.summary.severity).toBe('critical');
    expect(health.summary.counts).toEqual({ ok: 3, warning: 1, critical: 2 });
    expect(health.summary.reason).toMatch(
      /^2 critical, 1 warning of 6 objects: /,
    );
  });

  it('should prefer the label-selector annotation and honour the namespace annotation', async () => {
    const server = await startCluster();
    const service = createService(
      clustersConfig([{ name: 'a', url: server.url }]),
    );
    const bySelector = await service.getEntityHealth({
      ...ALPHA,
      metadata: {
        ...ALPHA.metadata,
        annotations: {
          'backstage.io/kubernetes-id': 'validator-alpha',
          'backstage.io/kubernetes-label-selector':
            'backstage.io/kubernetes-id in (validator-alpha,validator-beta)',
        },
      },
    });
    expect(bySelector.pods.map(p => p.name)).toEqual([
      'validator-alpha-0',
      'validator-alpha-1',
      'validator-beta-0',
    ]);
    const otherNamespace = await service.getEntityHealth({
      ...ALPHA,
      metadata: {
        ...ALPHA.metadata,
        annotations: {
          'backstage.io/kubernetes-id': 'validator-alpha',
          'backstage.io/kubernetes-namespace': 'elsewhere',
        },
      },
    });
    expect(otherNamespace.pods).toEqual([]);
    expect(otherNamespace.summary).toMatchObject({ severity: 'unknown' });
    expect(otherNamespace.summary.reason).toContain('in namespace elsewhere');
  });

  it('should return each healthy cluster next to typed errors of failing ones (403, 401, timeout, unreachable)', async () => {
    const ok = await startCluster();
    const forbidden = await startCluster();
    forbidden.inject({
      match: { verb: 'list', resource: 'pods' },
      action: { type: 'status', code: 403 },
    });
    const unauthorized = await startCluster({ token: 'other-token' });
    const slow = await startCluster();
    slow.inject({ match: { verb: 'list' }, action: { type: 'hang' } });
    const down = await closedPortUrl();
    const service = createService(
      clustersConfig([
        { name: 'ok', url: ok.url },
        { name: 'forbidden', url: forbidden.url },
        { name: 'unauthorized', url: unauthorized.url },
        { name: 'slow', url: slow.url },
        { name: 'down', url: down },
      ]),
      undefined,
      { initialSyncTimeoutMs: 1000, listTimeoutMs: 800 },
    );
    const started = Date.now();
    const health = await service.getEntityHealth(ALPHA);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(entityHealthResponseSchema.parse(health)).toEqual(health);
    expect(health.pods.filter(p => p.cluster === 'ok')).toHaveLength(2);
    expect(
      health.validatorNodes.filter(v => v.cluster === 'forbidden'),
    ).toHaveLength(2);
    const byCluster = (c: string) => health.errors.filter(e => e.cluster === c);
    expect(byCluster('ok')).toEqual([]);
    expect(byCluster('forbidden')).toEqual([
      {
        source: 'kubernetes:pods',
        cluster: 'forbidden',
        errorType: 'FORBIDDEN',
        message:
          'pods is forbidden: User "system:serviceaccount:backstage:backstage" cannot list resource "pods" in API group "" at the cluster scope',
      },
    ]);
    expect(byCluster('unauthorized').map(e => e.errorType)).toEqual([
      'UNAUTHORIZED_ERROR',
      'UNAUTHORIZED_ERROR',
      'UNAUTHORIZED_ERROR',
    ]);
    expect(byCluster('slow').map(e => e.errorType)).toEqual([
      'TIMEOUT',
      'TIMEOUT',
      'TIMEOUT',
    ]);
    expect(byCluster('down').map(e => e.errorType)).toEqual([
      'UNREACHABLE',
      'UNREACHABLE',
      'UNREACHABLE',
    ]);
    expect(JSON.stringify(health)).not.toContain('fake-token');
    expect(health.clusters.map(c => [c.name, c.status])).toEqual([
      ['ok', 'ok'],
      ['forbidden', 'error'],
      ['unauthorized', 'error'],
      ['slow', expect.stringMatching(/pending|error/)],
      ['down', 'error'],
    ]);
  });

  it('should publish one debounced signal per entity when its health changes, and none for other entities', async () => {
    const server = await startCluster();
    const signals = { publish: jest.fn().mockResolvedValue(undefined) };
    const service = createService(
      clustersConfig([{ name: 'a', url: server.url }]),
      signals,
      { signalDebounceMs: 400 },
    );
    const before = await service.getEntityHealth(ALPHA);
    expect(before.pods[1].summary.severity).toBe('ok');
    const pods = server.store.findType(
      podsType.group,
      podsType.version,
      podsType.resource,
    )!;

    server.store.upsert({
      ...server.store.get(pods, 'validators', 'validator-beta-0'),
      status: { phase: 'Failed' },
    });
    await new Promise(r => setTimeout(r, 900));
    expect(signals.publish).not.toHaveBeenCalled();

    const healthy = server.store.get(pods, 'validators', 'validator-alpha-1');
    for (let i = 1; i <= 3; i++) {
      const status = structuredClone(healthy.status) as any;
      status.containerStatuses[0].restartCount = i;
      status.containerStatuses[0].lastState = {
        terminated: { reason: 'OOMKilled', exitCode: 137 },
      };
      server.store.upsert({
        ...server.store.get(pods, 'validators', 'validator-alpha-1'),
        status,
      });
    }
    await waitFor(() => signals.publish.mock.calls.length > 0);
    await new Promise(r => setTimeout(r, 900));
    expect(signals.publish).toHaveBeenCalledTimes(1);

    const current = server.store.get(pods, 'validators', 'validator-alpha-1');
    server.store.upsert({
      ...current,
      metadata: {
        ...current.metadata,
        annotations: { note: 'no health change' },
      },
    });
    await new Promise(r => setTimeout(r, 900));
    expect(signals.publish).toHaveBeenCalledTimes(1);
    const [signal] = signals.publish.mock.calls[0];
    expect(signal).toEqual({
      recipients: { type: 'broadcast' },
      channel: 'reliability:health:component:default/validator-alpha',
      message: {
        type: 'health-changed',
        entityRef: 'component:default/validator-alpha',
        generatedAt: expect.any(String),
      },
    });
    const after = await service.getEntityHealth(ALPHA);
    expect(after.pods[1].summary.findings.map(f => f.rule)).toContain(
      'pod-oom-killed',
    );
  });

  it('should signal when a node hosting one of the entity pods changes', async () => {
    const server = await startCluster();
    const signals = { publish: jest.fn().mockResolvedValue(undefined) };
    const service = createService(
      clustersConfig([{ name: 'a', url: server.url }]),
      signals,
      { signalDebounceMs: 50 },
    );
    await service.getEntityHealth(ALPHA);
    const nodes = server.store.findType('', 'v1', 'nodes')!;
    server.store.upsert({
      ...server.store.get(nodes, undefined, 'pool-a'),
      spec: { unschedulable: true },
    });
    await waitFor(() => signals.publish.mock.calls.length === 1);
    const health = await service.getEntityHealth(ALPHA);
    expect(health.nodes.find(n => n.name === 'pool-a')?.cordoned).toBe(true);
  });

  it('should let the watchdog (configured under reliability.health) restart an informer whose watch fell silent', async () => {
    const server = await startCluster();
    server.inject({
      match: { verb: 'watch', resource: 'pods' },
      action: { type: 'silence-watch' },
      times: 1,
    });
    const service = createService(
      clustersConfig([{ name: 'a', url: server.url }], {
        reliability: {
          health: { watchdog: { intervalMs: 100, silenceTimeoutMs: 400 } },
        },
      }),
    );
    await service.getEntityHealth(ALPHA);
    const pods = server.store.findType('', 'v1', 'pods')!;
    server.store.upsert({
      ...server.store.get(pods, 'validators', 'validator-alpha-1'),
      metadata: {
        ...server.store.get(pods, 'validators', 'validator-alpha-1').metadata,
        labels: { ...ALPHA_LABELS, moved: 'yes' },
      },
      status: {
        phase: 'Failed',
        reason: 'Evicted',
        message: 'The node was low on resource: memory.',
      },
    });
    await new Promise(r => setTimeout(r, 150));
    expect((await service.getEntityHealth(ALPHA)).pods[1].phase).toBe(
      'Running',
    );
    await waitFor(
      async () =>
        (await service.getEntityHealth(ALPHA)).pods[1].phase === 'Failed',
      4000,
    );
    const status = service.informerStatus().find(s => s.kind === 'pods')!;
    expect(status.restarts).toBeGreaterThanOrEqual(1);
    expect(status.state).toBe('synced');
  });

  it('should relist after 410 Gone when its resourceVersion was compacted away', async () => {
    const server = await startCluster();
    const service = createService(
      clustersConfig([{ name: 'a', url: server.url }]),
    );
    await service.getEntityHealth(ALPHA);
    const pods = server.store.findType('', 'v1', 'pods')!;
    server.inject({
      match: { verb: 'watch', resource: 'pods' },
      action: { type: 'delay', ms: 300 },
      times: 1,
    });
    server.closeAllWatches();
    server.store.upsert({
      ...server.store.get(pods, 'validators', 'validator-alpha-0'),
      metadata: {
        name: 'validator-alpha-0',
        namespace: 'validators',
        labels: { other: 'x' },
      },
    });
    server.store.compact();
    await waitFor(
      async () => (await service.getEntityHealth(ALPHA)).pods.length === 1,
      4000,
    );
    expect(
      service.informerStatus().find(s => s.kind === 'pods')!.expired,
    ).toBeGreaterThanOrEqual(1);
  });

  it('should retry a failed informer with backoff until the cluster answers', async () => {
    const server = await startCluster();
    server.inject({
      match: { verb: 'list', resource: 'pods' },
      action: { type: 'status', code: 503 },
      times: 2,
    });
    const service = createService(
      clustersConfig([{ name: 'a', url: server.url }]),
      undefined,
      {
        watchdogIntervalMs: 50,
        restartBackoffMs: { min: 50, max: 200 },
      },
    );
    const first = await service.getEntityHealth(ALPHA);
    expect(first.errors.map(e => e.errorType)).toEqual(['SYSTEM_ERROR']);
    expect(first.validatorNodes).toHaveLength(2);
    await waitFor(
      async () => (await service.getEntityHealth(ALPHA)).errors.length === 0,
      3000,
    );
    expect((await service.getEntityHealth(ALPHA)).pods).toHaveLength(2);
  });

  it('should not count a cluster without Argo CD as an error when another cluster has the Application', async () => {
    const withArgo = await startCluster();
    const withoutArgo = await startCluster();
    withoutArgo.inject({
      match: { resource: 'applications' },
      action: { type: 'status', code: 404 },
    });
    const service = createService(
      clustersConfig([
        { name: 'gitops', url: withArgo.url },
        { name: 'plain', url: withoutArgo.url },
      ]),
    );
    const result = await service.getArgoApplications(ALPHA);
    expect(result.errors).toEqual([]);
    expect(result.items.map(i => i.cluster)).toEqual(['gitops']);
    const missing = await service.getArgoApplications({
      ...ALPHA,
      metadata: {
        ...ALPHA.metadata,
        annotations: { 'argocd/app-name': 'nope' },
      },
    });
    expect(missing.errors).toEqual([
      {
        source: 'kubernetes:applications',
        errorType: 'NOT_FOUND',
        message:
          'Argo CD Application argocd/nope not found in any configured cluster (Argo CD Applications are not served by: plain)',
      },
    ]);
  });

  it('should report Argo CD Application status for the drift card', async () => {
    const server = await startCluster();
    const service = createService(
      clustersConfig([{ name: 'a', url: server.url }]),
    );
    const result = await service.getArgoApplications(ALPHA);
    expect(argoApplicationsResultSchema.parse(result)).toEqual(result);
    expect(result.errors).toEqual([]);
    expect(result.items).toEqual([
      expect.objectContaining({
        cluster: 'a',
        namespace: 'argocd',
        name: 'validator-alpha',
        syncStatus: 'Synced',
        healthStatus: 'Healthy',
        operationPhase: 'Succeeded',
        revision: expect.any(String),
      }),
    ]);
    const missing = await service.getArgoApplications({
      ...ALPHA,
      metadata: {
        ...ALPHA.metadata,
        annotations: { 'argocd/app-name': 'nope' },
      },
    });
    expect(missing.items).toEqual([]);
    expect(missing.errors[0]).toMatchObject({
      errorType: 'NOT_FOUND',
      message:
        'Argo CD Application argocd/nope not found in any configured cluster',
    });
    const none = await service.getArgoApplications({
      ...ALPHA,
      metadata: { name: 'x', namespace: 'default' },
    });
    expect(none).toMatchObject({ items: [], errors: [] });
  });
});
