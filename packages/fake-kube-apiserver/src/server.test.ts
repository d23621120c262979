import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  V1Pod,
  Watch,
} from '@kubernetes/client-node';
import fs from 'node:fs';
import path from 'node:path';
import { fixtureAs, validatorNodeObject } from './builders';
import { readFixture } from './fixtures';
import { FakeKubeApiServer } from './server';

const VN = {
  group: 'validators.goldenpath.dev',
  version: 'v1alpha1',
  plural: 'validatornodes',
};

function kubeConfigFor(server: FakeKubeApiServer, token?: string) {
  const kc = new KubeConfig();
  kc.loadFromOptions(server.kubeConfigOptions({ token }));
  return kc;
}

function recordedStatus(file: string) {
  return JSON.parse(
    fs.readFileSync(
      path.resolve(__dirname, '..', 'fixtures', 'status', file),
      'utf8',
    ),
  );
}

async function errorOf(promise: Promise<unknown>): Promise<ApiException<any>> {
  try {
    await promise;
  } catch (e) {
    return e as ApiException<any>;
  }
  throw new Error('expected the call to fail');
}

function bodyOf(e: ApiException<any>) {
  return typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
}

async function waitFor<T>(
  fn: () => T | undefined,
  timeoutMs = 5000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise(r => setTimeout(r, 10));
  }
}

describe('FakeKubeApiServer', () => {
  let server: FakeKubeApiServer;
  let kc: KubeConfig;

  beforeEach(async () => {
    server = await FakeKubeApiServer.start({
      objects: [
        readFixture('nodes/is-healthy__node-k3s-control-plane-etcd.yaml'),
        fixtureAs('pods/k9s__pod-nginx-deployment-running.json', {
          name: 'web-1',
          namespace: 'shop',
          labels: { app: 'web', tier: 'front' },
          nodeName: 'arsene',
        }),
        fixtureAs('pods/gitops-engine__pod-crashloopbackoff-restart3.yaml', {
          name: 'worker-1',
          namespace: 'shop',
          labels: { app: 'worker' },
          nodeName: 'other',
        }),
        validatorNodeObject({
          name: 'alpha',
          labels: { 'backstage.io/kubernetes-id': 'validator-alpha' },
        }),
      ],
    });
    kc = kubeConfigFor(server);
  });

  afterEach(async () => {
    await server.close();
  });

  it('should serve discovery documents the client and kubectl read', async () => {
    const api = await (await fetch(`${server.url}/api`)).json();
    expect(api).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = await (await fetch(`${server.url}/apis`)).json();
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups.map((g: any) => g.name)).toEqual(
      expect.arrayContaining([
        'apps',
        'coordination.k8s.io',
        'validators.goldenpath.dev',
        'argoproj.io',
      ]),
    );
    const core = await (await fetch(`${server.url}/api/v1`)).json();
    expect(core.resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'pods',
          kind: 'Pod',
          namespaced: true,
        }),
        expect.objectContaining({ name: 'pods/status' }),
        expect.objectContaining({ name: 'nodes', namespaced: false }),
      ]),
    );
    const vn = await (
      await fetch(`${server.url}/apis/validators.goldenpath.dev/v1alpha1`)
    ).json();
    expect(vn.resources[0]).toMatchObject({
      name: 'validatornodes',
      kind: 'ValidatorNode',
    });
    const missing = await fetch(`${server.url}/apis/nope.example.com/v1`);
    expect(missing.status).toBe(404);
  });

  it('should serve the generic KubernetesObjectApi, which resolves kinds through discovery', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const vn = await objects.read({
      apiVersion: 'validators.goldenpath.dev/v1alpha1',
      kind: 'ValidatorNode',
      metadata: { name: 'alpha', namespace: 'validators' },
    });
    expect((vn as any).status.phase).toBe('Synced');
    const created = await objects.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'alpha.1', namespace: 'validators' },
      reason: 'Restarted',
      message: 'restarted after falling 40 blocks behind',
      involvedObject: {
        kind: 'ValidatorNode',
        name: 'alpha',
        namespace: 'validators',
      },
    } as any);
    expect(created.metadata?.uid).toBeDefined();
    expect(
      server.requests.some(
        r => r.path === '/apis/validators.goldenpath.dev/v1alpha1',
      ),
    ).toBe(true);
  });

  it('should list with a resourceVersion, label and field selectors, and strip kind from built-in items', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const all = await core.listPodForAllNamespaces();
    expect(all.items.map(p => p.metadata?.name)).toEqual(['web-1', 'worker-1']);
    expect(Number(all.metadata?.resourceVersion)).toBeGreaterThan(1000);
    const raw = await (await fetch(`${server.url}/api/v1/pods`)).json();
    expect(raw.kind).toBe('PodList');
    expect(raw.items[0].kind).toBeUndefined();

    const byLabel = await core.listNamespacedPod({
      namespace: 'shop',
      labelSelector: 'app in (web,api),tier',
    });
    expect(byLabel.items.map(p => p.metadata?.name)).toEqual(['web-1']);
    const byField = await core.listPodForAllNamespaces({
      fieldSelector: 'spec.nodeName=other',
    });
    expect(byField.items.map(p => p.metadata?.name)).toEqual(['worker-1']);

    const custom = kc.makeApiClient(CustomObjectsApi);
    const vns = await custom.listClusterCustomObject(VN);
    expect(vns.items[0]).toMatchObject({
      kind: 'ValidatorNode',
      metadata: { name: 'alpha' },
    });
  });

  it('should answer a missing object with the Status body a real server sends', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const e = await errorOf(
      core.readNamespacedService({ name: 'missing', namespace: 'default' }),
    );
    expect(e.code).toBe(404);
    const recorded = recordedStatus(
      'kubectl__status-404-notfound-service.json',
    );
    expect(bodyOf(e)).toEqual(recorded);
  });

  it('should reject a duplicate create with 409 AlreadyExists and a stale update with 409 Conflict', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const pod: V1Pod = {
      metadata: { name: 'job-1', namespace: 'shop' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    };
    const created = await core.createNamespacedPod({
      namespace: 'shop',
      body: pod,
    });
    expect(created.metadata?.uid).toBeDefined();
    const dup = await errorOf(
      core.createNamespacedPod({ namespace: 'shop', body: pod }),
    );
    expect(dup.code).toBe(409);
    expect(bodyOf(dup)).toMatchObject({
      reason: 'AlreadyExists',
      message: 'pods "job-1" already exists',
      details: { name: 'job-1', kind: 'pods' },
    });

    const stale = {
      ...created,
      metadata: { ...created.metadata, labels: { a: 'b' } },
    };
    await core.replaceNamespacedPod({
      name: 'job-1',
      namespace: 'shop',
      body: stale,
    });
    const conflict = await errorOf(
      core.replaceNamespacedPod({
        name: 'job-1',
        namespace: 'shop',
        body: stale,
      }),
    );
    expect(conflict.code).toBe(409);
    expect(bodyOf(conflict).reason).toBe('Conflict');
    expect(bodyOf(conflict).message).toContain('the object has been modified');
  });

  it('should merge-patch only the status through the status subresource', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const patched = await custom.patchNamespacedCustomObjectStatus(
      {
        ...VN,
        namespace: 'validators',
        name: 'alpha',
        body: {
          status: { phase: 'Degraded', blockLag: 40 },
          spec: { role: 'full' },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.status).toMatchObject({
      phase: 'Degraded',
      blockLag: 40,
      peers: 25,
    });
    expect(patched.spec.role).toBe('validator');
    expect(patched.metadata.generation).toBe(1);

    const specPatched = await custom.patchNamespacedCustomObject(
      {
        ...VN,
        namespace: 'validators',
        name: 'alpha',
        body: { spec: { role: 'full' }, status: { phase: 'Failed' } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(specPatched.spec.role).toBe('full');
    expect(specPatched.status.phase).toBe('Degraded');
    expect(specPatched.metadata.generation).toBe(2);
  });

  it('should apply a JSON patch, e.g. cordoning a node', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const node = await core.patchNode(
      {
        name: 'arsene',
        body: [{ op: 'add', path: '/spec/unschedulable', value: true }],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    expect(node.spec?.unschedulable).toBe(true);
    const bad = await errorOf(
      core.patchNode(
        {
          name: 'arsene',
          body: [{ op: 'test', path: '/spec/unschedulable', value: false }],
        },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
    );
    expect(bad.code).toBe(422);
  });

  it('should keep an object with finalizers until they are removed', async () => {
    const coord = kc.makeApiClient(CoordinationV1Api);
    await coord.createNamespacedLease({
      namespace: 'ops',
      body: {
        metadata: { name: 'leader', finalizers: ['goldenpath.dev/cleanup'] },
        spec: { holderIdentity: 'a' },
      },
    });
    await coord.deleteNamespacedLease({ name: 'leader', namespace: 'ops' });
    const pending = await coord.readNamespacedLease({
      name: 'leader',
      namespace: 'ops',
    });
    expect(pending.metadata?.deletionTimestamp).toBeDefined();
    await coord.patchNamespacedLease(
      {
        name: 'leader',
        namespace: 'ops',
        body: { metadata: { finalizers: null } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const gone = await errorOf(
      coord.readNamespacedLease({ name: 'leader', namespace: 'ops' }),
    );
    expect(gone.code).toBe(404);
  });

  it('should stream watch events with headers flushed before any event', async () => {
    const events: Array<[string, string]> = [];
    const watch = new Watch(kc);
    const list = await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: 'shop' });
    const started = Date.now();
    const controller = await watch.watch(
      '/api/v1/namespaces/shop/pods',
      { resourceVersion: list.metadata!.resourceVersion },
      (type, obj) => events.push([type, obj.metadata.name]),
      () => {},
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.activeWatchCount).toBe(1);
    server.store.upsert({
      ...server.store.get(
        server.store.findType('', 'v1', 'pods')!,
        'shop',
        'web-1',
      ),
      status: { phase: 'Failed' },
    });
    server.store.delete(
      server.store.findType('', 'v1', 'pods')!,
      'shop',
      'worker-1',
    );
    server.store.upsert(
      fixtureAs('pods/k9s__pod-nginx-deployment-running.json', {
        name: 'web-2',
        namespace: 'shop',
      }),
    );
    await waitFor(() => events.length >= 3);
    expect(events).toEqual([
      ['MODIFIED', 'web-1'],
      ['DELETED', 'worker-1'],
      ['ADDED', 'web-2'],
    ]);
    controller.abort();
  });

  it('should send a 410 Expired ERROR event for a compacted resourceVersion, and informers recover by relisting', async () => {
    const before = server.store.resourceVersion;
    server.store.upsert(
      fixtureAs('pods/k9s__pod-nginx-deployment-running.json', {
        name: 'web-3',
        namespace: 'shop',
      }),
    );
    server.store.compact();
    const events: any[] = [];
    let doneErr: unknown = 'not called';
    await new Watch(kc).watch(
      '/api/v1/pods',
      { resourceVersion: before },
      (type, obj) => events.push({ type, obj }),
      err => {
        doneErr = err;
      },
    );
    await waitFor(() => doneErr !== 'not called');
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('ERROR');
    expect(events[0].obj).toMatchObject({
      kind: 'Status',
      reason: 'Expired',
      code: 410,
    });
    expect(events[0].obj.message).toBe(
      `too old resource version: ${before} (${server.store.resourceVersion})`,
    );

    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer(kc, '/api/v1/pods', () =>
      core.listPodForAllNamespaces(),
    );
    await informer.start();
    server.store.compact();
    server.closeAllWatches();
    server.store.upsert(
      fixtureAs('pods/k9s__pod-nginx-deployment-running.json', {
        name: 'web-4',
        namespace: 'shop',
      }),
    );
    await waitFor(() => informer.get('web-4', 'shop'));
    await informer.stop();
  });

  it('should send initial events then an initial-events-end bookmark, as the recorded stream does', async () => {
    const recorded = fs
      .readFileSync(
        path.resolve(
          __dirname,
          '..',
          'fixtures',
          'watch',
          'k8s-openapi__watch-pods-sendInitialEvents-with-bookmark.ndjson',
        ),
        'utf8',
      )
      .trim()
      .split('\n')
      .map(l => JSON.parse(l));
    const events: any[] = [];
    const controller = await new Watch(kc).watch(
      '/api/v1/namespaces/shop/pods',
      {
        sendInitialEvents: true,
        allowWatchBookmarks: true,
        resourceVersionMatch: 'NotOlderThan',
        resourceVersion: '',
      },
      (type, obj) => events.push({ type, object: obj }),
      () => {},
    );
    await waitFor(() => events.length >= 3);
    controller.abort();
    expect(events.map(e => e.type)).toEqual(['ADDED', 'ADDED', 'BOOKMARK']);
    expect(recorded.map(e => e.type).slice(-2)).toEqual(['ADDED', 'BOOKMARK']);
    const bookmark = events[2].object;
    expect(Object.keys(bookmark.metadata).sort()).toEqual(
      Object.keys(recorded[recorded.length - 1].object.metadata).sort(),
    );
    expect(bookmark.metadata.annotations).toEqual({
      'k8s.io/initial-events-end': 'true',
    });
    expect(events[0].object.kind).toBe('Pod');
  });

  it('should send DELETED when an object stops matching a watched label selector, and end a watch on close-watch', async () => {
    const events: Array<[string, string]> = [];
    let ended = false;
    const pods = server.store.findType('', 'v1', 'pods')!;
    await new Watch(kc).watch(
      '/api/v1/pods',
      { labelSelector: 'app=web' },
      (type, obj) => events.push([type, obj.metadata.name]),
      () => {
        ended = true;
      },
    );
    await waitFor(() => events.length === 1);
    const web = server.store.get(pods, 'shop', 'web-1');
    server.store.upsert({
      ...web,
      metadata: { ...web.metadata, labels: { app: 'api' } },
    });
    server.store.upsert({
      ...web,
      metadata: { ...web.metadata, labels: { app: 'web' } },
    });
    await waitFor(() => events.length === 3);
    expect(events).toEqual([
      ['ADDED', 'web-1'],
      ['DELETED', 'web-1'],
      ['ADDED', 'web-1'],
    ]);
    server.inject({
      match: { verb: 'watch' },
      action: { type: 'close-watch', afterEvents: 1 },
      times: 1,
    });
    let closedEnded = false;
    const seen: string[] = [];
    await new Watch(kc).watch(
      '/api/v1/nodes',
      {},
      type => seen.push(type),
      () => {
        closedEnded = true;
      },
    );
    await waitFor(() => closedEnded);
    expect(seen).toEqual(['ADDED']);
    expect(ended).toBe(false);
  });

  it('should reject a malformed label selector with 400 BadRequest', async () => {
    const res = await fetch(
      `${server.url}/api/v1/pods?labelSelector=${encodeURIComponent(
        'app in (a',
      )}`,
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      code: 400,
    });
  });

  it('should require the bearer token when one is configured (401 Unauthorized)', async () => {
    const secured = await FakeKubeApiServer.start({ token: 's3cret' });
    try {
      const denied = await errorOf(
        kubeConfigFor(secured, 'wrong').makeApiClient(CoreV1Api).listNode(),
      );
      expect(denied.code).toBe(401);
      const raw = await fetch(`${secured.url}/api/v1/nodes`, {
        headers: { Authorization: 'Bearer wrong' },
      });
      expect(raw.status).toBe(401);
      expect(await raw.json()).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
      const ok = await kubeConfigFor(secured, 's3cret')
        .makeApiClient(CoreV1Api)
        .listNode();
      expect(ok.items).toEqual([]);
    } finally {
      await secured.close();
    }
  });

  it('should inject 403, slow, hung and silent-watch faults per request', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const forbidden = server.inject({
      match: { verb: 'list', resource: 'pods' },
      action: { type: 'status', code: 403 },
      times: 1,
    });
    const e = await errorOf(core.listPodForAllNamespaces());
    expect(e.code).toBe(403);
    const recorded = recordedStatus(
      'gke-rbac-demo__status-403-forbidden-list-pods.json',
    );
    expect(Object.keys(bodyOf(e)).sort()).toEqual(Object.keys(recorded).sort());
    expect(bodyOf(e).message).toBe(
      'pods is forbidden: User "system:serviceaccount:backstage:backstage" cannot list resource "pods" in API group "" at the cluster scope',
    );
    expect(forbidden.hits).toBe(1);
    await expect(core.listPodForAllNamespaces()).resolves.toBeDefined();

    server.inject({
      match: { verb: 'list', resource: 'nodes' },
      action: { type: 'delay', ms: 300 },
      times: 1,
    });
    const t0 = Date.now();
    await core.listNode();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);

    server.inject({
      match: { verb: 'get', resource: 'nodes' },
      action: { type: 'hang' },
      times: 1,
    });
    const hung = await Promise.race([
      core.readNode({ name: 'arsene' }).then(() => 'answered'),
      new Promise(r => setTimeout(() => r('hung'), 300)),
    ]);
    expect(hung).toBe('hung');

    server.inject({
      match: { verb: 'watch', resource: 'pods' },
      action: { type: 'silence-watch' },
      times: 1,
    });
    const seen: string[] = [];
    const controller = await new Watch(kc).watch(
      '/api/v1/pods',
      {},
      type => seen.push(type),
      () => {},
    );
    server.store.upsert(
      fixtureAs('pods/k9s__pod-nginx-deployment-running.json', {
        name: 'web-5',
        namespace: 'shop',
      }),
    );
    await new Promise(r => setTimeout(r, 100));
    expect(seen).toEqual([]);
    expect(server.activeWatchCount).toBe(1);
    controller.abort();
  });

  it('should load recorded fixtures with kind added and placeholders replaced', () => {
    const node = readFixture(
      'nodes/insights-operator__node-openshift-master-0-NO-KIND.json',
    );
    expect(node).toMatchObject({ apiVersion: 'v1', kind: 'Node' });
    const now = new Date('2026-11-21T12:00:00Z');
    const pod = readFixture(
      'pods/is-healthy__pod-oomkilled-restart9-ready.yaml',
      now,
    );
    expect(JSON.stringify(pod)).not.toContain('@now');
    expect(JSON.stringify(pod)).toContain('2026-11-21T11:55:00Z');
    expect(() => readFixture('../package.json')).toThrow(/escapes/);
  });
});
