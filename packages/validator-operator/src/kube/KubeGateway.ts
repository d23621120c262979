import http from 'node:http';
import https from 'node:https';
import {
  ApiException,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  VALIDATOR_NODE_GROUP,
  VALIDATOR_NODE_PLURAL,
  VALIDATOR_NODE_VERSION,
  ValidatorNode,
  ValidatorNodeStatus,
} from '@goldenpath/plugin-reliability-common';
import type { KubeJson } from '../reconcile/desired';

/** `snapshot.storage.k8s.io/v1` coordinates. @public */
export const VOLUME_SNAPSHOT = {
  group: 'snapshot.storage.k8s.io',
  version: 'v1',
  plural: 'volumesnapshots',
} as const;

/** Any object as plain JSON (timestamps as RFC 3339 strings). @public */
export type AnyObject = Record<string, any>;

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Turns client-node model objects (with `Date`s) into plain JSON. */
function plain<T = AnyObject>(value: unknown): T {
  return JSON.parse(JSON.stringify(value));
}

type CreateDispatcher = (cluster: unknown, agentOptions: https.AgentOptions) => unknown;
const REUSING = Symbol.for('goldenpath.validator-operator.reuseDispatchers');

/**
 * client-node 2.0 builds a new undici Agent for every typed API call whose cluster has TLS
 * options (an in-cluster CA, a client certificate, or skipTLSVerify), so every call opened
 * (and for HTTPS, handshook) a fresh connection and left an Agent behind for the GC: at
 * 1,000 ValidatorNodes that was most of the operator's CPU and garbage. Here the instance
 * hands out one Agent per distinct set of dispatcher options (cluster, CA, client
 * certificate), which keeps connections alive between calls; rotated credentials give new
 * options and so a new Agent. Bearer tokens travel in headers and are not part of the key.
 */
function reuseDispatchers(kubeConfig: KubeConfig) {
  const kc = kubeConfig as unknown as Record<string | symbol, unknown>;
  const original = kc.createDispatcher as CreateDispatcher | undefined;
  if (typeof original !== 'function' || kc[REUSING]) return;
  const agents = new Map<string, unknown>();
  kc[REUSING] = true;
  kc.createDispatcher = (cluster: unknown, agentOptions: https.AgentOptions) => {
    const key = JSON.stringify(kubeConfig.createDispatcherOptions(cluster as never, agentOptions));
    let agent = agents.get(key);
    if (agent === undefined) {
      agent = original.call(kubeConfig, cluster, agentOptions);
      if (agents.size >= 8) agents.clear();
      agents.set(key, agent);
    }
    return agent;
  };
}

/**
 * HTTP status of a Kubernetes API error, or undefined for other errors.
 * @public
 */
export function statusCodeOf(e: unknown): number | undefined {
  if (e instanceof ApiException) return e.code;
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

async function orUndefinedOn404<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (statusCodeOf(e) === 404) return undefined;
    throw e;
  }
}

/**
 * Every Kubernetes API call the operator and the reaper make, on the typed clients of
 * `@kubernetes/client-node`. Kept in one class so the RBAC the operator needs is
 * readable in one place (see docs/validator-operator.md) and tests can count calls.
 *
 * Methods throw the client's `ApiException` (use {@link statusCodeOf}); reads of a
 * missing object return undefined.
 * @public
 */
export class KubeGateway {
  readonly kubeConfig: KubeConfig;
  readonly #core: CoreV1Api;
  readonly #apps: AppsV1Api;
  readonly #coordination: CoordinationV1Api;
  readonly #custom: CustomObjectsApi;

  static create(kubeConfig: KubeConfig): KubeGateway {
    return new KubeGateway(kubeConfig);
  }

  private constructor(kubeConfig: KubeConfig) {
    this.kubeConfig = kubeConfig;
    reuseDispatchers(kubeConfig);
    this.#core = kubeConfig.makeApiClient(CoreV1Api);
    this.#apps = kubeConfig.makeApiClient(AppsV1Api);
    this.#coordination = kubeConfig.makeApiClient(CoordinationV1Api);
    this.#custom = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  // ValidatorNodes

  async listValidatorNodes(): Promise<{ items: ValidatorNode[]; metadata: AnyObject }> {
    return this.#custom.listClusterCustomObject({
      group: VALIDATOR_NODE_GROUP,
      version: VALIDATOR_NODE_VERSION,
      plural: VALIDATOR_NODE_PLURAL,
    });
  }

  async getValidatorNode(namespace: string, name: string): Promise<ValidatorNode | undefined> {
    return orUndefinedOn404(
      this.#custom.getNamespacedCustomObject({
        group: VALIDATOR_NODE_GROUP,
        version: VALIDATOR_NODE_VERSION,
        plural: VALIDATOR_NODE_PLURAL,
        namespace,
        name,
      }),
    );
  }

  /** Merge-patches `status` through the status subresource. */
  async patchValidatorNodeStatus(
    namespace: string,
    name: string,
    status: ValidatorNodeStatus,
  ): Promise<ValidatorNode> {
    return this.#custom.patchNamespacedCustomObjectStatus(
      {
        group: VALIDATOR_NODE_GROUP,
        version: VALIDATOR_NODE_VERSION,
        plural: VALIDATOR_NODE_PLURAL,
        namespace,
        name,
        body: { status },
      },
      mergePatch,
    );
  }

  /** Merge-patches `metadata` (finalizers, annotations; `null` removes an annotation). */
  async patchValidatorNodeMetadata(
    namespace: string,
    name: string,
    metadata: { finalizers?: string[]; annotations?: Record<string, string | null> },
  ): Promise<ValidatorNode> {
    return this.#custom.patchNamespacedCustomObject(
      {
        group: VALIDATOR_NODE_GROUP,
        version: VALIDATOR_NODE_VERSION,
        plural: VALIDATOR_NODE_PLURAL,
        namespace,
        name,
        body: { metadata },
      },
      mergePatch,
    );
  }

  // Owned objects

  async getStatefulSet(namespace: string, name: string): Promise<AnyObject | undefined> {
    const r = await orUndefinedOn404(this.#apps.readNamespacedStatefulSet({ namespace, name }));
    return r && plain(r);
  }

  async createStatefulSet(obj: KubeJson): Promise<void> {
    await this.#apps.createNamespacedStatefulSet({
      namespace: obj.metadata.namespace!,
      body: obj as any,
    });
  }

  async replaceStatefulSet(obj: KubeJson, resourceVersion: string): Promise<void> {
    await this.#apps.replaceNamespacedStatefulSet({
      namespace: obj.metadata.namespace!,
      name: obj.metadata.name,
      body: { ...obj, metadata: { ...obj.metadata, resourceVersion } } as any,
    });
  }

  async getService(namespace: string, name: string): Promise<AnyObject | undefined> {
    const r = await orUndefinedOn404(this.#core.readNamespacedService({ namespace, name }));
    return r && plain(r);
  }

  async createService(obj: KubeJson): Promise<void> {
    await this.#core.createNamespacedService({
      namespace: obj.metadata.namespace!,
      body: obj as any,
    });
  }

  /** Merge-patches a Service (keeps the cluster-assigned fields a replace would need). */
  async patchService(obj: KubeJson): Promise<void> {
    await this.#core.patchNamespacedService(
      { namespace: obj.metadata.namespace!, name: obj.metadata.name, body: obj },
      mergePatch,
    );
  }

  async getPersistentVolumeClaim(namespace: string, name: string): Promise<AnyObject | undefined> {
    const r = await orUndefinedOn404(
      this.#core.readNamespacedPersistentVolumeClaim({ namespace, name }),
    );
    return r && plain(r);
  }

  async createPersistentVolumeClaim(obj: KubeJson): Promise<void> {
    await this.#core.createNamespacedPersistentVolumeClaim({
      namespace: obj.metadata.namespace!,
      body: obj as any,
    });
  }

  async patchPersistentVolumeClaim(namespace: string, name: string, body: AnyObject) {
    await this.#core.patchNamespacedPersistentVolumeClaim({ namespace, name, body }, mergePatch);
  }

  /**
   * Lists pods across namespaces as raw JSON. Informer lists skip the typed client's model
   * (de)serialisation: on 1,000 StatefulSets it took 1.4 s against 0.26 s raw on this machine.
   */
  async listPods(labelSelector: string): Promise<AnyObject> {
    return this.listRaw('/api/v1/pods', labelSelector);
  }

  async listStatefulSets(labelSelector: string): Promise<AnyObject> {
    return this.listRaw('/apis/apps/v1/statefulsets', labelSelector);
  }

  /**
   * GET of a collection path (e.g. `/api/v1/pods`) as raw JSON, authenticated like the
   * typed clients (same KubeConfig user, CA and agent).
   * @throws Error with `code` = HTTP status on a non-2xx answer
   */
  async listRaw(path: string, labelSelector?: string): Promise<AnyObject> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('No current cluster in the kubeconfig');
    const url = new URL(cluster.server.replace(/\/+$/, '') + path);
    if (labelSelector) url.searchParams.set('labelSelector', labelSelector);
    const opts: https.RequestOptions = { method: 'GET', headers: { accept: 'application/json' } };
    await this.kubeConfig.applyToHTTPSOptions(opts);
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, opts, res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 300) {
            const err = Object.assign(new Error(`GET ${url.pathname}: HTTP ${res.statusCode} ${text.slice(0, 200)}`), {
              code: res.statusCode,
            });
            reject(err);
            return;
          }
          try {
            resolve(JSON.parse(text));
          } catch (e) {
            reject(e);
          }
        });
      });
      req.setTimeout(60_000, () => req.destroy(new Error(`GET ${url.pathname} timed out`)));
      req.on('error', reject);
      req.end();
    });
  }

  async listServices(labelSelector: string): Promise<AnyObject> {
    return this.listRaw('/api/v1/services', labelSelector);
  }

  async listPersistentVolumeClaims(labelSelector: string): Promise<AnyObject> {
    return this.listRaw('/api/v1/persistentvolumeclaims', labelSelector);
  }

  async getPod(namespace: string, name: string): Promise<AnyObject | undefined> {
    const r = await orUndefinedOn404(this.#core.readNamespacedPod({ namespace, name }));
    return r && plain(r);
  }

  /** Deletes a pod; false when it was already gone. */
  async deletePod(namespace: string, name: string): Promise<boolean> {
    try {
      await this.#core.deleteNamespacedPod({ namespace, name });
      return true;
    } catch (e) {
      if (statusCodeOf(e) === 404) return false;
      throw e;
    }
  }

  /** Sets `spec.unschedulable` on a Kubernetes node (cordon). */
  async cordonNode(name: string): Promise<void> {
    await this.#core.patchNode({ name, body: { spec: { unschedulable: true } } }, mergePatch);
  }

  async getNode(name: string): Promise<AnyObject | undefined> {
    const r = await orUndefinedOn404(this.#core.readNode({ name }));
    return r && plain(r);
  }

  /** Creates a core/v1 Event; an existing one with the same name is left as is. */
  async createEvent(event: AnyObject): Promise<void> {
    try {
      await this.#core.createNamespacedEvent({
        namespace: event.metadata.namespace,
        body: event as any,
      });
    } catch (e) {
      if (statusCodeOf(e) !== 409) throw e;
    }
  }

  async listVolumeSnapshots(namespace: string): Promise<AnyObject[]> {
    const r = await this.#custom.listNamespacedCustomObject({ ...VOLUME_SNAPSHOT, namespace });
    return (r as AnyObject).items ?? [];
  }

  // Leases

  async getLease(namespace: string, name: string): Promise<AnyObject | undefined> {
    const r = await orUndefinedOn404(this.#coordination.readNamespacedLease({ namespace, name }));
    return r && plain(r);
  }

  async createLease(namespace: string, lease: AnyObject): Promise<AnyObject> {
    return plain(await this.#coordination.createNamespacedLease({ namespace, body: withDates(lease) }));
  }

  /** Replaces a Lease; the server answers 409 when `metadata.resourceVersion` is stale. */
  async replaceLease(namespace: string, lease: AnyObject): Promise<AnyObject> {
    return plain(
      await this.#coordination.replaceNamespacedLease({
        namespace,
        name: lease.metadata.name,
        body: withDates(lease),
      }),
    );
  }

  // Namespaces (preview-environment reaper)

  async listNamespaces(): Promise<AnyObject[]> {
    return plain<AnyObject>(await this.#core.listNamespace()).items ?? [];
  }

  /** Deletes a namespace; false when it was already gone. */
  async deleteNamespace(name: string): Promise<boolean> {
    try {
      await this.#core.deleteNamespace({ name });
      return true;
    } catch (e) {
      if (statusCodeOf(e) === 404) return false;
      throw e;
    }
  }
}

/** The typed Lease model serialises `acquireTime`/`renewTime` from `Date`s. */
function withDates(lease: AnyObject): any {
  const spec = { ...lease.spec };
  for (const k of ['acquireTime', 'renewTime']) {
    if (typeof spec[k] === 'string') spec[k] = new Date(spec[k]);
  }
  return { ...lease, spec };
}
