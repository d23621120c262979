import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  SignalsService,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import type { KubernetesObject, V1Node, V1Pod } from '@kubernetes/client-node';
import {
  ANNOTATIONS,
  ArgoApplicationsResult,
  ArgoApplicationStatus,
  ClusterHealth,
  ContainerHealth,
  EntityHealthResponse,
  HealthError,
  HealthSeverity,
  HealthSignal,
  healthSignalChannel,
  KubeNodeHealth,
  PodHealth,
  ValidatorNode,
  ValidatorNodeHealth,
} from '@goldenpath/plugin-reliability-common';
import { ClusterSpec, kubeConfigFor, readClusterConfig } from './clusters';
import { EntitySelector, entitySelector } from './entitySelector';
import { ResourceInformer, WatchedKind } from './ResourceInformer';
import {
  controlPlaneQuorum,
  isControlPlaneNode,
  NODE_RULES,
  POD_RULES,
  summarize,
  summaryOf,
  SYNC_POLICY_DEFAULTS,
  VALIDATOR_NODE_RULES,
} from './rules';

/**
 * Tunables of {@link NodeHealthService}; all durations in milliseconds.
 * @public
 */
export interface NodeHealthServiceOptions {
  /** How long a request waits for a cluster's first LIST before answering without it. Default 5000. */
  initialSyncTimeoutMs?: number;
  /** How long one LIST may take before it is a TIMEOUT error. Default 10000. */
  listTimeoutMs?: number;
  /** Watchdog period. Default 15000. */
  watchdogIntervalMs?: number;
  /**
   * Silence (no event, bookmark or watch reconnect) after which the watchdog
   * restarts an informer. `@kubernetes/client-node` reconnects an idle watch
   * every 30 s, so a healthy informer shows life at least that often. Default 120000.
   */
  silenceTimeoutMs?: number;
  /** First and largest retry delay after errors. Default 1000 / 60000. */
  restartBackoffMs?: { min: number; max: number };
  /** Trailing debounce of health signals per entity. Default 2000. */
  signalDebounceMs?: number;
  /** Longest delay of a signal under constant churn. Default 5 × signalDebounceMs. */
  signalMaxWaitMs?: number;
  /** How long an entity stays subscribed to signals after its last health request. Default 30 min. */
  subscriptionTtlMs?: number;
  /** Clock, for tests. */
  now?: () => Date;
}

const NO_CLUSTERS_MESSAGE =
  'No Kubernetes cluster configured. Add one under kubernetes.clusterLocatorMethods in app-config ' +
  '(type: config, clusters: [{ name, url, authProvider: serviceAccount, serviceAccountToken, caData }]); ' +
  'see the "Node health" page of the Goldenpath docs for the read-only RBAC it needs.';

const NO_ANNOTATION_MESSAGE =
  `The entity has neither the ${ANNOTATIONS.KUBERNETES_ID} nor the ${ANNOTATIONS.KUBERNETES_LABEL_SELECTOR} annotation, ` +
  'so no Kubernetes objects can be linked to it.';

const HEALTH_KINDS: WatchedKind[] = ['pods', 'nodes', 'validatornodes'];
const SEVERITY_RANK: Record<HealthSeverity, number> = {
  ok: 0,
  warning: 1,
  critical: 2,
};

interface ClusterState {
  spec: ClusterSpec;
  informers: Map<WatchedKind, ResourceInformer>;
}

interface Subscription {
  entityRef: string;
  entity: Entity;
  selector: EntitySelector;
  nodeNames: Map<string, Set<string>>;
  expiresAt: number;
  fingerprint?: string;
  timer?: NodeJS.Timeout;
  firstDirtyAt?: number;
}

/**
 * Live node health of catalog entities from Kubernetes: shared informers per
 * cluster and kind (Pods, Nodes, ValidatorNodes, Argo CD Applications) started on
 * first use, a watchdog that restarts silent or failed informers, health rules
 * per object, and debounced Signals per entity when its health changes.
 *
 * Clusters come from `kubernetes.clusterLocatorMethods` (see {@link readClusterConfig}).
 * A failing cluster becomes an entry in `errors` next to the other clusters' data.
 *
 * @public
 */
export class NodeHealthService {
  readonly #logger: LoggerService;
  readonly #signals?: SignalsService;
  readonly #clusters: ClusterState[];
  readonly #configProblems: HealthError[];
  readonly #options: Required<
    Omit<NodeHealthServiceOptions, 'now' | 'signalMaxWaitMs'>
  > & { signalMaxWaitMs: number };
  readonly #now: () => Date;
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #subscriptionsByKubeId = new Map<string, Set<Subscription>>();
  readonly #customSelectorSubscriptions = new Set<Subscription>();
  #watchdog: NodeJS.Timeout | undefined;
  #stopped = false;

  /**
   * Creates the service from root config. Informers start on first use.
   */
  static create(options: {
    config: Config;
    logger: LoggerService;
    signals?: SignalsService;
    options?: NodeHealthServiceOptions;
  }): NodeHealthService {
    const fromConfig = options.config.getOptionalConfig('reliability.health');
    const merged: NodeHealthServiceOptions = {
      signalDebounceMs: fromConfig?.getOptionalNumber('signalDebounceMs'),
      silenceTimeoutMs: fromConfig?.getOptionalNumber(
        'watchdog.silenceTimeoutMs',
      ),
      watchdogIntervalMs: fromConfig?.getOptionalNumber('watchdog.intervalMs'),
      initialSyncTimeoutMs: fromConfig?.getOptionalNumber(
        'initialSyncTimeoutMs',
      ),
      ...stripUndefined(options.options ?? {}),
    };
    const { clusters, problems } = readClusterConfig(options.config);
    return new NodeHealthService(
      clusters,
      problems,
      options.logger,
      options.signals,
      merged,
    );
  }

  private constructor(
    clusters: ClusterSpec[],
    problems: HealthError[],
    logger: LoggerService,
    signals: SignalsService | undefined,
    options: NodeHealthServiceOptions,
  ) {
    this.#logger = logger;
    this.#signals = signals;
    this.#configProblems = problems;
    this.#now = options.now ?? (() => new Date());
    const debounce = options.signalDebounceMs ?? 2000;
    this.#options = {
      initialSyncTimeoutMs: options.initialSyncTimeoutMs ?? 5000,
      listTimeoutMs: options.listTimeoutMs ?? 10_000,
      watchdogIntervalMs: options.watchdogIntervalMs ?? 15_000,
      silenceTimeoutMs: options.silenceTimeoutMs ?? 120_000,
      restartBackoffMs: options.restartBackoffMs ?? { min: 1000, max: 60_000 },
      signalDebounceMs: debounce,
      signalMaxWaitMs: options.signalMaxWaitMs ?? debounce * 5,
      subscriptionTtlMs: options.subscriptionTtlMs ?? 30 * 60_000,
    };
    this.#clusters = clusters.map(spec => {
      const kubeConfig = kubeConfigFor(spec);
      const informers = new Map<WatchedKind, ResourceInformer>();
      for (const kind of [
        'pods',
        'nodes',
        'validatornodes',
        'applications',
      ] as WatchedKind[]) {
        informers.set(
          kind,
          new ResourceInformer({
            cluster: spec.name,
            kind,
            kubeConfig,
            logger,
            listTimeoutMs: this.#options.listTimeoutMs,
            backoffMs: this.#options.restartBackoffMs,
            onChange: (k, obj, verb) => this.#onChange(spec.name, k, obj, verb),
            now: () => this.#now().getTime(),
          }),
        );
      }
      return { spec, informers };
    });
    for (const p of problems) {
      logger.warn('Kubernetes cluster configuration problem', {
        cluster: p.cluster,
        message: p.message,
      });
    }
  }

  /** Names of the configured clusters. */
  get clusterNames(): string[] {
    return this.#clusters.map(c => c.spec.name);
  }

  /**
   * Current node health of an entity across all clusters. Starts the informers
   * on first use and waits at most `initialSyncTimeoutMs` for their first LIST.
   * Subscribes the entity to health signals for `subscriptionTtlMs`.
   *
   * @returns the response; never throws for cluster failures (they are in `errors`)
   */
  async getEntityHealth(entity: Entity): Promise<EntityHealthResponse> {
    const entityRef = stringifyEntityRef(entity);
    if (this.#clusters.length === 0) {
      return this.#emptyResponse(
        entityRef,
        'no-clusters-configured',
        NO_CLUSTERS_MESSAGE,
      );
    }
    let selector: EntitySelector | undefined;
    try {
      selector = entitySelector(entity);
    } catch (e) {
      const response = this.#emptyResponse(entityRef, 'ok', null);
      response.errors.push({
        source: 'entity',
        errorType: 'CONFIG_ERROR',
        message: (e as Error).message,
      });
      return response;
    }
    if (!selector) {
      return this.#emptyResponse(
        entityRef,
        'no-kubernetes-annotation',
        NO_ANNOTATION_MESSAGE,
      );
    }
    await this.#ensureStarted(HEALTH_KINDS);
    const sub = this.#subscribe(entityRef, entity, selector);
    const response = this.#compute(entityRef, selector);
    sub.fingerprint = fingerprint(response);
    return response;
  }

  /**
   * Argo CD `Application` status of an entity (annotations `argocd/app-name` and
   * `argocd/app-namespace`, default namespace `argocd`) across all clusters, for the
   * drift card. Empty without the annotation; a NOT_FOUND error when no cluster has it.
   */
  async getArgoApplications(entity: Entity): Promise<ArgoApplicationsResult> {
    const generatedAt = this.#now().toISOString();
    const annotations = entity.metadata.annotations ?? {};
    const name = annotations[ANNOTATIONS.ARGOCD_APP_NAME]?.trim();
    const namespace =
      annotations[ANNOTATIONS.ARGOCD_APP_NAMESPACE]?.trim() || 'argocd';
    if (!name) return { generatedAt, items: [], errors: [] };
    if (this.#clusters.length === 0) {
      return {
        generatedAt,
        items: [],
        errors: [
          {
            source: 'kubernetes',
            errorType: 'CONFIG_ERROR',
            message: NO_CLUSTERS_MESSAGE,
          },
          ...this.#configProblems,
        ],
      };
    }
    await this.#ensureStarted(['applications']);
    const items: ArgoApplicationStatus[] = [];
    const errors: HealthError[] = [...this.#configProblems];
    const withoutArgo: string[] = [];
    for (const cluster of this.#clusters) {
      const informer = cluster.informers.get('applications')!;
      const error = this.#informerError(informer, true);
      if (error) errors.push(error);
      if (
        informer.state === 'error' &&
        informer.error?.errorType === 'NOT_FOUND'
      ) {
        withoutArgo.push(cluster.spec.name);
      }
      for (const app of informer.list() as any[]) {
        if (
          app.metadata?.name === name &&
          app.metadata?.namespace === namespace
        ) {
          items.push(argoStatus(cluster.spec.name, app));
        }
      }
    }
    if (items.length === 0 && errors.length === 0) {
      const noCrd = withoutArgo.length
        ? ` (Argo CD Applications are not served by: ${withoutArgo.join(', ')})`
        : '';
      errors.push({
        source: 'kubernetes:applications',
        errorType: 'NOT_FOUND',
        message: `Argo CD Application ${namespace}/${name} not found in any configured cluster${noCrd}`,
      });
    }
    return { generatedAt, items, errors };
  }

  /** State of every started informer, for diagnostics and tests. */
  informerStatus(): Array<{
    cluster: string;
    kind: WatchedKind;
    state: string;
    restarts: number;
    expired: number;
    errorType?: string;
  }> {
    return this.#clusters.flatMap(c =>
      [...c.informers.values()]
        .filter(i => i.state !== 'idle')
        .map(i => ({
          cluster: c.spec.name,
          kind: i.kind,
          state: i.state,
          restarts: i.restarts,
          expired: i.expiredCount,
          errorType: i.error?.errorType,
        })),
    );
  }

  /**
   * One watchdog pass over all informers (the timer runs it every
   * `watchdogIntervalMs`): restarts failed ones whose backoff elapsed and silent
   * ones, and drops expired signal subscriptions.
   */
  runWatchdog(): void {
    for (const cluster of this.#clusters) {
      for (const informer of cluster.informers.values()) {
        informer.checkWatchdog(this.#options.silenceTimeoutMs);
      }
    }
    const now = this.#now().getTime();
    for (const [ref, sub] of this.#subscriptions) {
      if (sub.expiresAt < now) {
        clearTimeout(sub.timer);
        this.#subscriptions.delete(ref);
        this.#unindexSubscription(sub);
      }
    }
  }

  /** Stops informers, timers and pending signals. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#watchdog);
    for (const sub of this.#subscriptions.values()) clearTimeout(sub.timer);
    this.#subscriptions.clear();
    this.#subscriptionsByKubeId.clear();
    this.#customSelectorSubscriptions.clear();
    await Promise.all(
      this.#clusters.flatMap(c => [...c.informers.values()].map(i => i.stop())),
    );
  }

  async #ensureStarted(kinds: WatchedKind[]) {
    if (this.#stopped) return;
    if (!this.#watchdog) {
      this.#watchdog = setInterval(
        () => this.runWatchdog(),
        this.#options.watchdogIntervalMs,
      );
      this.#watchdog.unref?.();
    }
    const starts = this.#clusters.flatMap(c =>
      kinds.map(k => c.informers.get(k)!.ensureStarted()),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(starts),
      new Promise(resolve => {
        timer = setTimeout(resolve, this.#options.initialSyncTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  #informerError(
    informer: ResourceInformer,
    crdOptional: boolean,
  ): HealthError | undefined {
    if (informer.state === 'error' && informer.error) {
      if (crdOptional && informer.error.errorType === 'NOT_FOUND')
        return undefined;
      const stale =
        informer.hasData && informer.lastSyncedAt
          ? ` (showing data synced at ${new Date(
              informer.lastSyncedAt,
            ).toISOString()})`
          : '';
      return {
        source: `kubernetes:${informer.kind}`,
        cluster: informer.cluster,
        errorType: informer.error.errorType,
        message: `${informer.error.message}${stale}`,
      };
    }
    if (informer.state === 'starting' && !informer.hasData) {
      return {
        source: `kubernetes:${informer.kind}`,
        cluster: informer.cluster,
        errorType: 'TIMEOUT',
        message: `Cluster ${informer.cluster} has not answered the ${
          informer.kind
        } list within ${this.#options.initialSyncTimeoutMs} ms; still trying`,
      };
    }
    return undefined;
  }

  #compute(entityRef: string, selector: EntitySelector): EntityHealthResponse {
    const now = this.#now();
    const ctx = { now };
    const errors: HealthError[] = [...this.#configProblems];
    const clusters: ClusterHealth[] = [];
    const validatorNodes: ValidatorNodeHealth[] = [];
    const pods: PodHealth[] = [];
    const nodes: KubeNodeHealth[] = [];
    const quorumSeverities: HealthSeverity[] = [];
    const nodeNamesByCluster = new Map<string, Set<string>>();

    for (const cluster of this.#clusters) {
      const name = cluster.spec.name;
      const get = (k: WatchedKind) => cluster.informers.get(k)!;
      const clusterErrors = HEALTH_KINDS.map(k =>
        this.#informerError(get(k), k === 'validatornodes'),
      ).filter((e): e is HealthError => e !== undefined);
      errors.push(...clusterErrors);

      const candidates = (k: WatchedKind) =>
        selector.kubernetesId
          ? get(k).listByKubernetesId(selector.kubernetesId)
          : get(k).list();
      const entityPods = (candidates('pods') as V1Pod[]).filter(p =>
        selector.matches(p),
      );
      const entityVns = (
        candidates('validatornodes') as unknown as ValidatorNode[]
      ).filter(v => selector.matches(v));
      const nodeNames = new Set(
        entityPods.map(p => p.spec?.nodeName).filter((n): n is string => !!n),
      );
      nodeNamesByCluster.set(name, nodeNames);
      const allNodes = get('nodes').list() as V1Node[];

      for (const vn of entityVns)
        validatorNodes.push(validatorNodeHealth(name, vn, ctx));
      for (const pod of entityPods) pods.push(podHealth(name, pod, ctx));
      for (const node of allNodes) {
        if (nodeNames.has(node.metadata?.name ?? ''))
          nodes.push(kubeNodeHealth(name, node, ctx));
      }
      const quorum = get('nodes').hasData ? controlPlaneQuorum(allNodes) : null;
      if (quorum && (entityPods.length > 0 || entityVns.length > 0))
        quorumSeverities.push(quorum.summary.severity);
      const pending = HEALTH_KINDS.some(
        k => get(k).state === 'starting' && !get(k).hasData,
      );
      let status: ClusterHealth['status'] = 'ok';
      if (clusterErrors.length > 0) {
        status =
          pending && clusterErrors.every(e => e.errorType === 'TIMEOUT')
            ? 'pending'
            : 'error';
      }
      clusters.push({
        name,
        status,
        quorum,
      });
    }

    const sub = this.#subscriptions.get(entityRef);
    if (sub) sub.nodeNames = nodeNamesByCluster;

    const byName = <
      T extends { cluster: string; name: string; namespace?: string },
    >(
      a: T,
      b: T,
    ) =>
      `${a.cluster}/${a.namespace ?? ''}/${a.name}`.localeCompare(
        `${b.cluster}/${b.namespace ?? ''}/${b.name}`,
      );
    validatorNodes.sort(byName);
    pods.sort(byName);
    nodes.sort(byName);

    const objects = [...validatorNodes, ...pods, ...nodes];
    const counts = { ok: 0, warning: 0, critical: 0 };
    for (const o of objects) counts[o.summary.severity]++;
    let severity: EntityHealthResponse['summary']['severity'];
    let reason: string;
    if (objects.length === 0) {
      severity = 'unknown';
      reason =
        errors.length > 0
          ? `No data: ${errors.length} error${
              errors.length === 1 ? '' : 's'
            } (see errors)`
          : `No pods or ValidatorNodes match ${selector.labelSelector}${
              selector.namespace ? ` in namespace ${selector.namespace}` : ''
            } in ${this.#clusters.length} cluster${
              this.#clusters.length === 1 ? '' : 's'
            }`;
    } else {
      const worstObject = objects.reduce(
        (w, o) =>
          SEVERITY_RANK[o.summary.severity] > SEVERITY_RANK[w.summary.severity]
            ? o
            : w,
        objects[0],
      );
      const worstQuorum = quorumSeverities.reduce<HealthSeverity>(
        (w, s) => (SEVERITY_RANK[s] > SEVERITY_RANK[w] ? s : w),
        'ok',
      );
      severity =
        SEVERITY_RANK[worstQuorum] > SEVERITY_RANK[worstObject.summary.severity]
          ? worstQuorum
          : worstObject.summary.severity;
      if (severity === 'ok') {
        reason = `All ${objects.length} objects healthy`;
      } else if (worstObject.summary.severity === severity) {
        reason = `${counts.critical} critical, ${counts.warning} warning of ${objects.length} objects: ${worstObject.summary.reason}`;
      } else {
        const q = clusters.find(c => c.quorum?.summary.severity === severity)!;
        reason = `Cluster ${q.name}: ${q.quorum!.summary.reason}`;
      }
    }
    return {
      entityRef,
      generatedAt: now.toISOString(),
      state: 'ok',
      message: null,
      summary: { severity, reason, counts },
      clusters,
      validatorNodes,
      pods,
      nodes,
      errors,
    };
  }

  #emptyResponse(
    entityRef: string,
    state: EntityHealthResponse['state'],
    message: string | null,
  ): EntityHealthResponse {
    return {
      entityRef,
      generatedAt: this.#now().toISOString(),
      state,
      message,
      summary: {
        severity: 'unknown',
        reason: message ?? 'No data',
        counts: { ok: 0, warning: 0, critical: 0 },
      },
      clusters: this.#clusters.map(c => ({
        name: c.spec.name,
        status: 'pending',
        quorum: null,
      })),
      validatorNodes: [],
      pods: [],
      nodes: [],
      errors: [...this.#configProblems],
    };
  }

  #subscribe(
    entityRef: string,
    entity: Entity,
    selector: EntitySelector,
  ): Subscription {
    const expiresAt = this.#now().getTime() + this.#options.subscriptionTtlMs;
    let sub = this.#subscriptions.get(entityRef);
    if (!sub) {
      sub = { entityRef, entity, selector, nodeNames: new Map(), expiresAt };
      this.#subscriptions.set(entityRef, sub);
    } else {
      this.#unindexSubscription(sub);
    }
    sub.entity = entity;
    sub.selector = selector;
    sub.expiresAt = expiresAt;
    const id = selector.kubernetesId;
    if (id) {
      let set = this.#subscriptionsByKubeId.get(id);
      if (!set) {
        set = new Set();
        this.#subscriptionsByKubeId.set(id, set);
      }
      set.add(sub);
    } else {
      this.#customSelectorSubscriptions.add(sub);
    }
    return sub;
  }

  #unindexSubscription(sub: Subscription) {
    const id = sub.selector.kubernetesId;
    if (id) {
      const set = this.#subscriptionsByKubeId.get(id);
      set?.delete(sub);
      if (set?.size === 0) this.#subscriptionsByKubeId.delete(id);
    } else {
      this.#customSelectorSubscriptions.delete(sub);
    }
  }

  #onChange(
    cluster: string,
    kind: WatchedKind,
    obj: KubernetesObject | undefined,
    verb: string,
  ) {
    if (kind === 'applications' || !this.#signals) return;
    if (verb === 'resync' || !obj) {
      for (const sub of this.#subscriptions.values()) this.#markDirty(sub);
      return;
    }
    if (kind === 'nodes') {
      const nodeName = obj.metadata?.name ?? '';
      for (const sub of this.#subscriptions.values()) {
        if (sub.nodeNames.get(cluster)?.has(nodeName)) this.#markDirty(sub);
      }
      return;
    }
    const id = obj.metadata?.labels?.['backstage.io/kubernetes-id'];
    const candidates = id ? this.#subscriptionsByKubeId.get(id) ?? [] : [];
    for (const sub of candidates) {
      if (sub.selector.matches(obj as any)) this.#markDirty(sub);
    }
    for (const sub of this.#customSelectorSubscriptions) {
      if (sub.selector.matches(obj as any)) this.#markDirty(sub);
    }
  }

  #markDirty(sub: Subscription) {
    const now = this.#now().getTime();
    if (sub.firstDirtyAt === undefined) sub.firstDirtyAt = now;
    clearTimeout(sub.timer);
    const remaining = this.#options.signalMaxWaitMs - (now - sub.firstDirtyAt);
    const delay = Math.max(
      0,
      Math.min(this.#options.signalDebounceMs, remaining),
    );
    sub.timer = setTimeout(() => {
      this.#flush(sub).catch(e =>
        this.#logger.warn('Failed to publish health signal', {
          entityRef: sub.entityRef,
          error: String(e),
        }),
      );
    }, delay);
    sub.timer.unref?.();
  }

  async #flush(sub: Subscription) {
    sub.timer = undefined;
    sub.firstDirtyAt = undefined;
    if (
      this.#stopped ||
      !this.#signals ||
      this.#subscriptions.get(sub.entityRef) !== sub
    )
      return;
    const response = this.#compute(sub.entityRef, sub.selector);
    const fp = fingerprint(response);
    if (fp === sub.fingerprint) return;
    sub.fingerprint = fp;
    const message: HealthSignal = {
      type: 'health-changed',
      entityRef: sub.entityRef,
      generatedAt: response.generatedAt,
    };
    await this.#signals.publish({
      recipients: { type: 'broadcast' },
      channel: healthSignalChannel(sub.entityRef),
      message,
    });
  }
}

function fingerprint(response: EntityHealthResponse): string {
  const { generatedAt: _g, ...rest } = response;
  return JSON.stringify(rest);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

function containerHealth(s: any, init: boolean): ContainerHealth {
  let state: ContainerHealth['state'] = 'unknown';
  if (s.state?.running) state = 'running';
  else if (s.state?.waiting) state = 'waiting';
  else if (s.state?.terminated) state = 'terminated';
  return {
    name: s.name,
    init,
    ready: !!s.ready,
    restartCount: s.restartCount ?? 0,
    state,
    waitingReason: s.state?.waiting?.reason ?? null,
    lastTerminationReason:
      s.lastState?.terminated?.reason ?? s.state?.terminated?.reason ?? null,
    lastTerminationExitCode:
      s.lastState?.terminated?.exitCode ??
      s.state?.terminated?.exitCode ??
      null,
  };
}

function podHealth(cluster: string, pod: V1Pod, ctx: { now: Date }): PodHealth {
  const containers = [
    ...(pod.status?.initContainerStatuses ?? []).map(s =>
      containerHealth(s, true),
    ),
    ...(pod.status?.containerStatuses ?? []).map(s =>
      containerHealth(s, false),
    ),
  ];
  const ready =
    pod.status?.conditions?.some(
      c => c.type === 'Ready' && c.status === 'True',
    ) ?? false;
  return {
    cluster,
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    nodeName: pod.spec?.nodeName ?? null,
    phase: pod.status?.phase ?? null,
    ready,
    restarts: containers.reduce((n, c) => n + c.restartCount, 0),
    waitingReason: containers.find(c => c.waitingReason)?.waitingReason ?? null,
    lastTerminationReason:
      containers.find(
        c => c.lastTerminationReason && c.lastTerminationReason !== 'Completed',
      )?.lastTerminationReason ??
      containers.find(c => c.lastTerminationReason)?.lastTerminationReason ??
      null,
    containers,
    summary: summarize(
      POD_RULES,
      pod,
      ctx,
      ready ? 'Running and ready' : `Phase ${pod.status?.phase ?? 'unknown'}`,
    ),
  };
}

function kubeNodeHealth(
  cluster: string,
  node: V1Node,
  ctx: { now: Date },
): KubeNodeHealth {
  const cond = (t: string) =>
    node.status?.conditions?.find(c => c.type === t)?.status;
  const ready = cond('Ready');
  return {
    cluster,
    name: node.metadata?.name ?? '',
    ready: ready === 'True' || ready === 'False' ? ready : 'Unknown',
    memoryPressure: cond('MemoryPressure') === 'True',
    diskPressure: cond('DiskPressure') === 'True',
    pidPressure: cond('PIDPressure') === 'True',
    networkUnavailable: cond('NetworkUnavailable') === 'True',
    cordoned: !!node.spec?.unschedulable,
    controlPlane: isControlPlaneNode(node),
    kubeletVersion: node.status?.nodeInfo?.kubeletVersion ?? null,
    summary: summarize(NODE_RULES, node, ctx, 'Ready'),
  };
}

function validatorNodeHealth(
  cluster: string,
  vn: ValidatorNode,
  ctx: { now: Date },
): ValidatorNodeHealth {
  const s = vn.status ?? {};
  const policy = vn.spec?.syncPolicy ?? {};
  const num = (v: unknown): number | null => {
    if (v === undefined || v === null || v === '') return null;
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  };
  const current = num(s.currentBlock);
  const highest = num(s.highestBlock);
  const summary = summarize(
    VALIDATOR_NODE_RULES,
    vn,
    ctx,
    `${s.phase ?? 'Unknown phase'}`,
  );
  return {
    cluster,
    namespace: vn.metadata.namespace ?? '',
    name: vn.metadata.name,
    phase: s.phase ?? null,
    currentBlock: current,
    highestBlock: highest,
    blockLag:
      num(s.blockLag) ??
      (current !== null && highest !== null
        ? Math.max(0, highest - current)
        : null),
    maxBlockLag: policy.maxBlockLag ?? SYNC_POLICY_DEFAULTS.maxBlockLag,
    peers: num(s.peers),
    restartCount: num(s.restartCount) ?? 0,
    maxRestartAttempts:
      policy.maxRestartAttempts ?? SYNC_POLICY_DEFAULTS.maxRestartAttempts,
    riskScore: num(s.riskScore),
    lastProbeTime: s.lastProbeTime ?? null,
    conditions: (s.conditions ?? []).map(c => ({
      type: c.type,
      status: c.status,
      reason: c.reason ?? null,
      message: c.message ?? null,
      lastTransitionTime: c.lastTransitionTime ?? null,
    })),
    summary: summary.findings.length
      ? summary
      : summaryOf(
          [],
          s.phase === 'Synced'
            ? 'Synced and within maxBlockLag'
            : summary.reason,
        ),
  };
}

function argoStatus(cluster: string, app: any): ArgoApplicationStatus {
  const source = app.spec?.source ?? app.spec?.sources?.[0] ?? {};
  const op = app.status?.operationState;
  return {
    cluster,
    namespace: app.metadata.namespace,
    name: app.metadata.name,
    syncStatus: app.status?.sync?.status ?? 'Unknown',
    healthStatus: app.status?.health?.status ?? 'Unknown',
    healthMessage: app.status?.health?.message ?? null,
    revision:
      app.status?.sync?.revision ?? app.status?.sync?.revisions?.[0] ?? null,
    targetRevision: source.targetRevision ?? null,
    repoURL: source.repoURL ?? null,
    operationPhase: op?.phase ?? null,
    operationMessage: op?.message ?? null,
    operationStartedAt: op?.startedAt ?? null,
    operationFinishedAt: op?.finishedAt ?? null,
    reconciledAt: app.status?.reconciledAt ?? null,
  };
}

/**
 * Service ref of {@link NodeHealthService} (`reliability.node-health`); the
 * default factory reads root config, publishes through Signals and stops the
 * informers on shutdown.
 * @public
 */
export const nodeHealthServiceRef = createServiceRef<NodeHealthService>({
  id: 'reliability.node-health',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        signals: signalsServiceRef,
      },
      factory({ config, logger, lifecycle, signals }) {
        const health = NodeHealthService.create({ config, logger, signals });
        lifecycle.addShutdownHook(() => health.stop());
        return health;
      },
    }),
});
