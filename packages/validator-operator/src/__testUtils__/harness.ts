import { KubeConfig } from '@kubernetes/client-node';
import {
  FakeKubeApiServer,
  KubeObject,
  ResourceType,
  validatorNodeObject,
} from '@goldenpath/fake-kube-apiserver';
import { KubeGateway } from '../kube/KubeGateway';

/** `snapshot.storage.k8s.io/v1` VolumeSnapshot, served by the fake as a custom resource. */
export const VOLUME_SNAPSHOT_TYPE: ResourceType = {
  group: 'snapshot.storage.k8s.io',
  version: 'v1',
  resource: 'volumesnapshots',
  singular: 'volumesnapshot',
  kind: 'VolumeSnapshot',
  namespaced: true,
  subresources: ['status'],
  listItemsKeepTypeMeta: true,
};

/** A test clock the controller and the simulated kubelet share. */
export class TestClock {
  #t: number;
  constructor(start = Date.parse('2026-11-21T12:00:00Z')) {
    this.#t = start;
  }
  now = () => new Date(this.#t);
  advance(seconds: number) {
    this.#t += seconds * 1000;
  }
  iso() {
    return `${new Date(this.#t).toISOString().slice(0, 19)}Z`;
  }
}

/**
 * Plays the StatefulSet controller and kubelet: whenever a StatefulSet exists without its
 * pod `<name>-0`, it creates the pod from the template (Ready, podIP 127.0.0.1, on node
 * `worker-1`, creationTimestamp from the test clock). `paused` keeps pods from coming back.
 */
export class FakeKubelet {
  paused = false;
  readonly #server: FakeKubeApiServer;
  readonly #clock: TestClock;
  readonly #unsubscribe: () => void;
  #scheduled = false;

  constructor(server: FakeKubeApiServer, clock: TestClock) {
    this.#server = server;
    this.#clock = clock;
    this.#unsubscribe = server.store.subscribe(e => {
      if ((e.object.kind === 'StatefulSet' || e.object.kind === 'Pod') && !this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          this.sync();
        });
      }
    });
  }

  sync() {
    if (this.paused) return;
    const store = this.#server.store;
    const stsType = store.findTypeByKind('apps/v1', 'StatefulSet')!;
    const podType = store.findTypeByKind('v1', 'Pod')!;
    const pods = new Set(store.list(podType).map(p => `${p.metadata.namespace}/${p.metadata.name}`));
    for (const sts of store.list(stsType)) {
      const ns = sts.metadata.namespace!;
      const name = `${sts.metadata.name}-0`;
      if (pods.has(`${ns}/${name}`)) continue;
      const template = (sts.spec as any).template;
      store.upsert({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: ns,
          labels: template.metadata.labels,
          annotations: template.metadata.annotations,
          creationTimestamp: this.#clock.iso(),
        },
        spec: { ...template.spec, nodeName: 'worker-1' },
        status: {
          phase: 'Running',
          podIP: '127.0.0.1',
          conditions: [{ type: 'Ready', status: 'True' }],
        },
      });
    }
  }

  stop() {
    this.#unsubscribe();
  }
}

/** Starts the fake API server with VolumeSnapshots and a worker node, plus a gateway to it. */
export async function startFakeCluster(objects: KubeObject[] = []) {
  const server = await FakeKubeApiServer.start({
    resourceTypes: [VOLUME_SNAPSHOT_TYPE],
    objects: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'validators' } },
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-1' }, spec: {} },
      ...objects,
    ],
  });
  const kc = new KubeConfig();
  kc.loadFromOptions(server.kubeConfigOptions());
  return { server, kc, kube: KubeGateway.create(kc) };
}

/** A ValidatorNode without status, as a user would apply it. */
export function newValidatorNode(
  name: string,
  options?: { syncPolicy?: Record<string, unknown>; spec?: Record<string, unknown> },
): KubeObject {
  const { status: _status, ...node } = validatorNodeObject({
    name,
    namespace: 'validators',
    syncPolicy: { probeIntervalSeconds: 30, ...options?.syncPolicy },
    spec: options?.spec,
  });
  return node;
}

/** Requests that changed something (create/update/patch/delete) since index `from`. */
export function writesSince(server: FakeKubeApiServer, from: number) {
  return server.requests
    .slice(from)
    .filter(r => ['create', 'update', 'patch', 'delete'].includes(r.verb ?? ''))
    .map(r => `${r.method} ${r.path}`);
}

/** Polls `check` until it is true (10 ms steps) or throws after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 3000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('waitFor timed out');
    await new Promise(r => setTimeout(r, 10));
  }
}
