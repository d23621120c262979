import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  ListWatch,
  Watch,
} from '@kubernetes/client-node';
import {
  VALIDATOR_NODE_GROUP,
  VALIDATOR_NODE_PLURAL,
  VALIDATOR_NODE_VERSION,
} from '@goldenpath/plugin-reliability-common';
import {
  ClassifiedKubeError,
  classifyKubeError,
  NodeHealthTimeoutError,
} from './errors';

const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';

/**
 * Resource kinds watched per cluster.
 * @public
 */
export type WatchedKind = 'pods' | 'nodes' | 'validatornodes' | 'applications';

interface KindSpec {
  path: string;
  list(kc: KubeConfig): Promise<KubernetesListObject<KubernetesObject>>;
}

function customKind(group: string, version: string, plural: string): KindSpec {
  return {
    path: `/apis/${group}/${version}/${plural}`,
    list: kc =>
      kc
        .makeApiClient(CustomObjectsApi)
        .listClusterCustomObject({ group, version, plural }),
  };
}

const KINDS: Record<WatchedKind, KindSpec> = {
  pods: {
    path: '/api/v1/pods',
    list: kc => kc.makeApiClient(CoreV1Api).listPodForAllNamespaces(),
  },
  nodes: {
    path: '/api/v1/nodes',
    list: kc => kc.makeApiClient(CoreV1Api).listNode(),
  },
  validatornodes: customKind(
    VALIDATOR_NODE_GROUP,
    VALIDATOR_NODE_VERSION,
    VALIDATOR_NODE_PLURAL,
  ),
  applications: customKind('argoproj.io', 'v1alpha1', 'applications'),
};

/**
 * Lifecycle of one informer: `idle` until first use, `starting` during the
 * initial LIST, `synced` while watching, `error` after a failed LIST or watch
 * (the watchdog retries with exponential backoff).
 * @public
 */
export type InformerState = 'idle' | 'starting' | 'synced' | 'error';

/** Change callback: an object changed, or (`resync`) the whole cache was replaced. */
type ChangeListener = (
  kind: WatchedKind,
  object: KubernetesObject | undefined,
  verb: 'add' | 'update' | 'delete' | 'resync',
) => void;

/**
 * Options of {@link ResourceInformer}.
 * @public
 */
export interface ResourceInformerOptions {
  cluster: string;
  kind: WatchedKind;
  kubeConfig: KubeConfig;
  logger: LoggerService;
  onChange: ChangeListener;
  /** Time a LIST may take before it counts as a TIMEOUT, ms. */
  listTimeoutMs: number;
  /** First and largest delay between restarts after errors, ms. */
  backoffMs: { min: number; max: number };
  now?: () => number;
}

/**
 * One informer (LIST then WATCH, `@kubernetes/client-node` `ListWatch`, the class
 * `makeInformer` builds) for one cluster and one kind, plus what its watchdog
 * needs: the time of the last sign of life (an event, a bookmark or a watch
 * (re)connect), its error, and a restart that builds a fresh informer while
 * readers keep the last synced cache until the new one has listed.
 *
 * A watch `ERROR` event carrying 410 Expired ends the watch at once and makes
 * the informer relist, even when the server keeps the stream open.
 * `managedFields` and the last-applied annotation are dropped from cached
 * objects to keep memory down.
 *
 * @public
 */
export class ResourceInformer {
  readonly cluster: string;
  readonly kind: WatchedKind;
  readonly #options: ResourceInformerOptions;
  readonly #now: () => number;
  #state: InformerState = 'idle';
  #error: ClassifiedKubeError | undefined;
  #current: ListWatch<KubernetesObject> | undefined;
  #generation = 0;
  #startPromise: Promise<void> | undefined;
  #startedAt = 0;
  #lastActivity = 0;
  #lastSyncedAt: number | undefined;
  #retryAt = 0;
  #backoff: number;
  #restarts = 0;
  #expired = 0;
  readonly #index = new Map<string, Map<string, KubernetesObject>>();
  readonly #indexKeys = new Map<string, string>();

  constructor(options: ResourceInformerOptions) {
    this.cluster = options.cluster;
    this.kind = options.kind;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#backoff = options.backoffMs.min;
  }

  get state(): InformerState {
    return this.#state;
  }

  get error(): ClassifiedKubeError | undefined {
    return this.#error;
  }

  /** Restarts done so far (by the watchdog or after errors). */
  get restarts(): number {
    return this.#restarts;
  }

  /** 410 Expired watch events seen so far. */
  get expiredCount(): number {
    return this.#expired;
  }

  /** Epoch ms of the last event, bookmark or watch (re)connect. */
  get lastActivity(): number {
    return this.#lastActivity;
  }

  /** Epoch ms of the last successful initial LIST, if any. */
  get lastSyncedAt(): number | undefined {
    return this.#lastSyncedAt;
  }

  /** Whether a synced cache (possibly stale) is available. */
  get hasData(): boolean {
    return this.#current !== undefined;
  }

  /**
   * Starts the informer on first use and resolves once the first LIST finished
   * (or failed); never rejects.
   */
  ensureStarted(): Promise<void> {
    if (this.#state === 'idle') {
      this.#start();
    }
    return this.#startPromise ?? Promise.resolve();
  }

  /** Objects of the last synced cache (empty before the first sync). */
  list(): readonly KubernetesObject[] {
    return this.#current?.list() ?? [];
  }

  /**
   * Objects labelled `backstage.io/kubernetes-id=<id>`, from an index kept in
   * step with the cache, so an entity page does not scan every pod.
   */
  listByKubernetesId(id: string): KubernetesObject[] {
    return [...(this.#index.get(id)?.values() ?? [])];
  }

  #indexPut(obj: KubernetesObject) {
    const key = `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
    const id = obj.metadata?.labels?.[KUBERNETES_ID_LABEL];
    const old = this.#indexKeys.get(key);
    if (old !== undefined && old !== id) this.#index.get(old)?.delete(key);
    if (id === undefined) {
      this.#indexKeys.delete(key);
      return;
    }
    let bucket = this.#index.get(id);
    if (!bucket) {
      bucket = new Map();
      this.#index.set(id, bucket);
    }
    bucket.set(key, obj);
    this.#indexKeys.set(key, id);
  }

  #indexDelete(obj: KubernetesObject) {
    const key = `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
    const id = this.#indexKeys.get(key);
    if (id === undefined) return;
    this.#indexKeys.delete(key);
    const bucket = this.#index.get(id);
    bucket?.delete(key);
    if (bucket?.size === 0) this.#index.delete(id);
  }

  /**
   * One watchdog pass: restarts the informer when it is in error and its
   * backoff elapsed, or when it has been silent for longer than `silenceMs`.
   *
   * @returns why it restarted, or undefined
   */
  checkWatchdog(
    silenceMs: number,
  ): 'error' | 'silent' | 'start-timeout' | undefined {
    const now = this.#now();
    if (this.#state === 'error' && now >= this.#retryAt) {
      this.#restart('error');
      return 'error';
    }
    if (this.#state === 'synced' && now - this.#lastActivity > silenceMs) {
      this.#options.logger.warn('Informer fell silent, restarting it', {
        cluster: this.cluster,
        kind: this.kind,
        silentForMs: now - this.#lastActivity,
      });
      this.#restart('silent');
      return 'silent';
    }
    if (
      this.#state === 'starting' &&
      now - this.#startedAt > this.#options.listTimeoutMs * 2
    ) {
      this.#fail(
        this.#generation,
        new NodeHealthTimeoutError(
          `Cluster ${this.cluster} did not finish listing ${this.kind}`,
        ),
      );
      return 'start-timeout';
    }
    return undefined;
  }

  async stop(): Promise<void> {
    this.#generation++;
    this.#state = 'idle';
    const current = this.#current;
    this.#current = undefined;
    this.#startPromise = undefined;
    this.#index.clear();
    this.#indexKeys.clear();
    await current?.stop();
  }

  #restart(_why: string) {
    this.#restarts++;
    this.#start();
  }

  #start() {
    const generation = ++this.#generation;
    const { kubeConfig, logger, cluster, kind, onChange } = this.#options;
    const spec = KINDS[kind];
    this.#state = 'starting';
    this.#startedAt = this.#now();
    this.#error = undefined;
    logger.debug('Starting informer', { cluster, kind, generation });

    const isCurrent = () => generation === this.#generation;
    const touch = () => {
      if (isCurrent()) this.#lastActivity = this.#now();
    };
    const listFn = () =>
      withTimeout(
        spec.list(kubeConfig),
        this.#options.listTimeoutMs,
        `Cluster ${cluster} did not answer the ${kind} list within ${
          this.#options.listTimeoutMs
        } ms`,
      ).then(list => {
        touch();
        list.items?.forEach(slim);
        return list;
      });
    const lw = new ListWatch<KubernetesObject>(
      spec.path,
      this.#watchFor(kubeConfig, touch, () => this.#expired++) as Watch,
      listFn,
      false,
    );
    const forward =
      (verb: 'add' | 'update' | 'delete') => (obj: KubernetesObject) => {
        if (!isCurrent()) return;
        touch();
        if (this.#current !== lw) return;
        if (verb === 'delete') this.#indexDelete(obj);
        else this.#indexPut(obj);
        onChange(kind, obj, verb);
      };
    lw.on('add', forward('add'));
    lw.on('update', forward('update'));
    lw.on('delete', forward('delete'));
    lw.on('connect', touch);
    lw.on('error', err => this.#fail(generation, err));

    this.#startPromise = lw.start().then(
      () => {
        if (!isCurrent()) {
          lw.stop().catch(() => {});
          return;
        }
        if (this.#state === 'error') {
          lw.stop().catch(() => {});
          return;
        }
        const previous = this.#current;
        this.#current = lw;
        this.#index.clear();
        this.#indexKeys.clear();
        for (const obj of lw.list()) this.#indexPut(obj);
        this.#state = 'synced';
        this.#lastSyncedAt = this.#now();
        this.#lastActivity = this.#now();
        this.#backoff = this.#options.backoffMs.min;
        if (previous && previous !== lw) previous.stop().catch(() => {});
        onChange(kind, undefined, 'resync');
      },
      err => this.#fail(generation, err),
    );
  }

  #fail(generation: number, err: unknown) {
    if (generation !== this.#generation) return;
    const classified = classifyKubeError(err);
    this.#error = classified;
    this.#state = 'error';
    this.#retryAt = this.#now() + this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, this.#options.backoffMs.max);
    this.#generation++;
    this.#options.logger.warn('Kubernetes informer failed', {
      cluster: this.cluster,
      kind: this.kind,
      errorType: classified.errorType,
      statusCode: classified.statusCode,
      message: classified.message,
    });
  }

  /**
   * A Watch that asks for bookmarks, records activity, slims objects and turns
   * a 410 Expired ERROR event into an immediate relist.
   */
  #watchFor(kubeConfig: KubeConfig, touch: () => void, onExpired: () => void) {
    const inner = new Watch(kubeConfig);
    return {
      async watch(
        path: string,
        params: Record<string, string | number | boolean | undefined>,
        callback: (phase: string, obj: any, raw?: any) => void,
        done: (err: any) => void,
      ): Promise<AbortController> {
        let finished = false;
        const holder: { controller?: AbortController } = {};
        const doneOnce = (err: any) => {
          if (finished) return;
          finished = true;
          done(err);
        };
        holder.controller = await inner.watch(
          path,
          { ...params, allowWatchBookmarks: true },
          (phase, obj, raw) => {
            if (finished) return;
            touch();
            if (phase === 'ERROR' && obj?.code === 410) {
              onExpired();
              doneOnce(
                Object.assign(new Error(obj.message ?? 'Expired'), {
                  statusCode: 410,
                }),
              );
              setImmediate(() => holder.controller?.abort());
              return;
            }
            if (phase !== 'BOOKMARK') slim(obj);
            callback(phase, obj, raw);
          },
          doneOnce,
        );
        return holder.controller;
      },
    };
  }
}

function slim(obj: any) {
  if (obj?.metadata) {
    delete obj.metadata.managedFields;
    if (obj.metadata.annotations) {
      delete obj.metadata.annotations[
        'kubectl.kubernetes.io/last-applied-configuration'
      ];
    }
  }
}

function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  message: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NodeHealthTimeoutError(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
