import { isDeepStrictEqual } from 'node:util';
import { makeInformer, Informer, KubernetesObject, ObjectCache } from '@kubernetes/client-node';
import {
  VALIDATOR_NODE_GROUP,
  VALIDATOR_NODE_PLURAL,
  VALIDATOR_NODE_VERSION,
  ValidatorNode,
  ValidatorNodeStatus,
  TelemetryRow,
} from '@goldenpath/plugin-reliability-common';
import { AnyObject, KubeGateway, statusCodeOf } from '../kube/KubeGateway';
import { OperatorMetrics } from '../metrics';
import { SubstrateProbe } from '../probe/SubstrateProbe';
import {
  buildDataClaim,
  buildHeadlessService,
  buildStatefulSet,
  componentOf,
  configHash,
  dataClaimName,
  KubeJson,
  needsHotKey,
  OPERATOR,
} from '../reconcile/desired';
import {
  CONDITION,
  decide,
  effectiveSyncPolicy,
  ProbeResult,
  setCondition,
} from '../reconcile/stateMachine';
import { podNameOf, RecoveryError, RecoveryExecutor } from '../recovery/RecoveryExecutor';
import type { RiskReader } from '../risk/RiskReader';
import type { TelemetrySink } from '../telemetry/TelemetrySink';
import { WorkQueue } from './WorkQueue';
import { OperatorLogger } from '../logger';
import { toBytes } from '../reconcile/quantity';
import { LagTrend, nextProbeDelayMs, updateLagTrend } from '../reconcile/probeSchedule';

/**
 * Options of {@link ValidatorNodeController}.
 * @public
 */
export interface ValidatorNodeControllerOptions {
  kube: KubeGateway;
  logger: OperatorLogger;
  metrics: OperatorMetrics;
  /** Default telemetry sink. */
  telemetry: TelemetrySink;
  /**
   * Sink for a node's own `spec.analyticsEndpoint` (one per endpoint, created on first use);
   * without it every node writes to `telemetry`.
   */
  telemetryForEndpoint?: (endpoint: string) => TelemetrySink;
  risk: RiskReader;
  probe?: SubstrateProbe;
  /** Cluster name written into telemetry rows. Default `default`. */
  cluster?: string;
  /** This replica's identity (events' `reportingInstance`). */
  identity?: string;
  /** Fleet-wide limit of nodes in Recovering at once. Default 5. */
  maxConcurrentRecoveries?: number;
  /** Per-node wait after a recovery ended before another may start, seconds. Default 300. */
  recoveryCooldownSeconds?: number;
  /** Workers. Default 8. */
  concurrency?: number;
  /** JSON-RPC URL of a node's pod. Default `http://<podIP>:<rpcPort>`. */
  probeUrl?: (node: ValidatorNode, pod: AnyObject) => string | undefined;
  now?: () => Date;
}

/** Outcome of one reconcile, for tests and the bench. @public */
export interface ReconcileOutcome {
  /** Kubernetes writes made (create/update/patch/delete). */
  writes: string[];
  phase?: string;
  probed: boolean;
}

const MANAGED = `app.kubernetes.io/managed-by=${OPERATOR.managedBy}`;

/**
 * A status whose only change is `lastProbeTime` is written at most this often: with 1,000
 * nodes probed every 30 s, writing every probe would cost 33 status writes per second for
 * no information. Any other change (heights, phase, conditions) is written at once.
 */
const LAST_PROBE_TIME_REFRESH_MS = 60_000;

/** Timers fire late or a little early under load; this close to due counts as due. */
const PROBE_SLACK_MS = 1000;

/** Silence after which the watchdog restarts an informer (two missed 30 s watch renewals and more). */
const INFORMER_SILENCE_MS = 120_000;

/**
 * The ValidatorNode controller: informers on ValidatorNodes and on the pods and
 * StatefulSets it owns feed a rate-limited {@link WorkQueue}; each key is reconciled by
 * {@link ValidatorNodeController.reconcile}. Start it when this replica leads
 * ({@link LeaderElector}) and stop it when leadership is lost.
 * @public
 */
export class ValidatorNodeController {
  readonly #o: ValidatorNodeControllerOptions;
  readonly #queue: WorkQueue;
  readonly #probe: SubstrateProbe;
  readonly #recovery: RecoveryExecutor;
  readonly #now: () => Date;
  readonly #lastProbe = new Map<string, number>();
  readonly #sinks = new Map<string, TelemetrySink>();
  readonly #probeFailures = new Map<string, number>();
  /** When each node's next probe is due (epoch ms), see {@link nextProbeDelayMs}. */
  readonly #nextProbeAt = new Map<string, number>();
  readonly #lagTrends = new Map<string, LagTrend>();
  /** Degraded nodes waiting for a fleet slot; reconciled as soon as a recovery ends. */
  readonly #heldBack = new Set<string>();
  /** Phase last exported to the metrics, per key. */
  readonly #phases = new Map<string, string | undefined>();
  /**
   * Desired Service and StatefulSet (with their object hashes) and config hash per key, kept
   * while the inputs they are built from are unchanged: building and hashing them was the
   * largest share of the operator's allocations. Read-only once built.
   */
  readonly #desiredCache = new Map<
    string,
    { inputs: string; service: KubeJson; statefulSet: KubeJson; configHash: string }
  >();
  /** Keys this process put into Recovering (ahead of the informer cache). */
  readonly #recovering = new Set<string>();
  /** Status we wrote, until the informer catches up (resourceVersion before the write). */
  readonly #written = new Map<string, { beforeRv?: string; node: ValidatorNode }>();
  #nodes?: Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  #pods?: Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  #sets?: Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  #services?: Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  #claims?: Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  #resync?: NodeJS.Timeout;
  #watchdog?: NodeJS.Timeout;
  /** Outcome of the last reconcile of each key. */
  readonly outcomes = new Map<string, ReconcileOutcome>();

  static create(options: ValidatorNodeControllerOptions): ValidatorNodeController {
    return new ValidatorNodeController(options);
  }

  private constructor(o: ValidatorNodeControllerOptions) {
    this.#o = o;
    this.#now = o.now ?? (() => new Date());
    this.#probe = o.probe ?? SubstrateProbe.create();
    this.#recovery = RecoveryExecutor.create({ kube: o.kube, identity: o.identity });
    this.#queue = WorkQueue.create(key => this.#reconcileKey(key), {
      concurrency: o.concurrency ?? 8,
      onError: (key, error) =>
        o.logger.warn('Reconcile failed, retrying with backoff', {
          key,
          error: error instanceof Error ? error.message : String(error),
          statusCode: statusCodeOf(error),
        }),
    });
  }

  get queue(): WorkQueue {
    return this.#queue;
  }

  /**
   * Starts the informers (first LIST done when this resolves) and, unless `runQueue` is
   * false (tests that call {@link ValidatorNodeController.reconcile} themselves), the work queue.
   */
  async start(options?: { runQueue?: boolean }): Promise<void> {
    const { kube } = this.#o;
    const kc = kube.kubeConfig;
    this.#nodes = makeInformer(
      kc,
      `/apis/${VALIDATOR_NODE_GROUP}/${VALIDATOR_NODE_VERSION}/${VALIDATOR_NODE_PLURAL}`,
      () => kube.listValidatorNodes() as any,
    );
    this.#pods = makeInformer(kc, '/api/v1/pods', () => kube.listPods(MANAGED) as any, MANAGED);
    this.#sets = makeInformer(
      kc,
      '/apis/apps/v1/statefulsets',
      () => kube.listStatefulSets(MANAGED) as any,
      MANAGED,
    );
    this.#services = makeInformer(
      kc,
      '/api/v1/services',
      () => kube.listServices(MANAGED) as any,
      MANAGED,
    );
    this.#claims = makeInformer(
      kc,
      '/api/v1/persistentvolumeclaims',
      () => kube.listPersistentVolumeClaims(MANAGED) as any,
      MANAGED,
    );
    const enqueueNode = (obj: KubernetesObject) =>
      this.#queue.add(`${obj.metadata?.namespace}/${obj.metadata?.name}`);
    const enqueueOwner = (obj: KubernetesObject) => {
      const owner = obj.metadata?.labels?.[OPERATOR.nodeLabel];
      if (owner) this.#queue.add(`${obj.metadata?.namespace}/${owner}`);
    };
    for (const verb of ['add', 'update', 'delete'] as const) {
      this.#nodes.on(verb, enqueueNode);
      this.#pods.on(verb, enqueueOwner);
      this.#sets.on(verb, enqueueOwner);
      this.#services.on(verb, enqueueOwner);
    }
    const owned = [this.#pods, this.#sets, this.#services, this.#claims];
    const lastActivity = new Map<object, number>();
    for (const inf of [this.#nodes, ...owned]) {
      const touch = () => lastActivity.set(inf, Date.now());
      touch();
      for (const verb of ['add', 'update', 'delete'] as const) inf.on(verb, touch);
      inf.on('connect', touch);
      // client-node informers stop on a watch error; restart after a pause.
      inf.on('error', () => {
        setTimeout(() => inf.start().then(touch, () => {}), 2000).unref?.();
      });
    }
    // Watchdog: client-node re-opens a watch at least every 30 s of inactivity ('connect');
    // an informer silent for longer than INFORMER_SILENCE_MS has stopped without an error.
    this.#watchdog = setInterval(() => {
      for (const [inf, at] of lastActivity) {
        if (Date.now() - at > INFORMER_SILENCE_MS) {
          const informer = inf as Informer<KubernetesObject>;
          lastActivity.set(inf, Date.now());
          this.#o.logger.warn('Informer fell silent, restarting it');
          informer.stop().then(() => informer.start()).catch(() => {});
        }
      }
    }, 30_000);
    this.#watchdog.unref?.();
    await Promise.all(owned.map(i => i.start()));
    await this.#nodes.start();
    if (options?.runQueue === false) return;
    this.#queue.start();
    for (const n of this.#nodes.list()) enqueueNode(n);
    // Every key already re-queues itself for its next probe; a full resync every 10 minutes
    // only covers a key whose timer was lost (e.g. a reconcile that kept failing then stopped).
    this.#resync = setInterval(() => {
      for (const n of this.#nodes?.list() ?? []) enqueueNode(n);
    }, 600_000);
    this.#resync.unref?.();
  }

  #sinkFor(node: ValidatorNode): TelemetrySink {
    const endpoint = node.spec.analyticsEndpoint;
    if (!endpoint || !this.#o.telemetryForEndpoint) return this.#o.telemetry;
    let sink = this.#sinks.get(endpoint);
    if (!sink) {
      sink = this.#o.telemetryForEndpoint(endpoint);
      this.#sinks.set(endpoint, sink);
    }
    return sink;
  }

  async stop(): Promise<void> {
    clearInterval(this.#resync);
    clearInterval(this.#watchdog);
    await Promise.all([...this.#sinks.values()].map(s => s.close().catch(() => {})));
    this.#sinks.clear();
    this.#queue.stop();
    if (!this.#o.probe) this.#probe.close();
    await Promise.all(
      [this.#nodes, this.#pods, this.#sets, this.#services, this.#claims].map(i => i?.stop()),
    );
    await this.#queue.idle();
  }

  /** Resolves when the queue has nothing to do right now. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /** Every ValidatorNode in the informer cache. */
  nodes(): ValidatorNode[] {
    return (this.#nodes?.list() ?? []).map(n => this.#freshest(n as unknown as ValidatorNode));
  }

  async #reconcileKey(key: string) {
    const started = performance.now();
    try {
      const [namespace, name] = key.split('/');
      const outcome = await this.reconcile(namespace, name);
      this.outcomes.set(key, outcome);
      this.#o.metrics.reconcileDuration.observe(
        { result: 'success' },
        (performance.now() - started) / 1000,
      );
    } catch (e) {
      this.#o.metrics.reconcileDuration.observe(
        { result: 'error' },
        (performance.now() - started) / 1000,
      );
      throw e;
    }
  }

  #freshest(node: ValidatorNode): ValidatorNode {
    const key = `${node.metadata.namespace}/${node.metadata.name}`;
    const w = this.#written.get(key);
    if (!w) return node;
    if (node.metadata.resourceVersion === w.beforeRv) return w.node;
    this.#written.delete(key);
    return node;
  }

  /**
   * Reconciles one ValidatorNode: finalizer, owned objects (data claim, headless Service,
   * StatefulSet; written only when their object hash changed), pod roll on a config-hash
   * change, a JSON-RPC probe when due, the composite risk, the state machine, recoveries,
   * events, telemetry and the status subresource (patched only when it changed).
   * A second pass over an unchanged world makes no write.
   */
  async reconcile(namespace: string, name: string): Promise<ReconcileOutcome> {
    const key = `${namespace}/${name}`;
    const writes: string[] = [];
    const cached = this.#nodes?.get(name, namespace) as unknown as ValidatorNode | undefined;
    if (!cached) {
      this.#o.metrics.removeNode(namespace, name);
      this.#forget(key);
      return { writes, probed: false };
    }
    let node = this.#freshest(cached);
    const { kube } = this.#o;

    const finalizers = (node.metadata.finalizers as string[] | undefined) ?? [];
    if (node.metadata.deletionTimestamp) {
      if (finalizers.includes(OPERATOR.finalizer)) {
        await this.#sinkFor(node).flush();
        this.#o.metrics.removeNode(namespace, name);
        this.#phases.delete(key);
        await kube.patchValidatorNodeMetadata(namespace, name, {
          finalizers: finalizers.filter(f => f !== OPERATOR.finalizer),
        });
        writes.push('remove finalizer');
      }
      return { writes, probed: false };
    }
    if (!finalizers.includes(OPERATOR.finalizer)) {
      node = await kube.patchValidatorNodeMetadata(namespace, name, {
        finalizers: [...finalizers, OPERATOR.finalizer],
      });
      writes.push('add finalizer');
    }

    await this.#ensureOwned(node, writes);

    const now = this.#now();
    const policy = effectiveSyncPolicy(node.spec);
    const status: ValidatorNodeStatus = node.status ?? {};
    const pod = this.#pods?.get(podNameOf(node), namespace) as AnyObject | undefined;
    const recovering = status.conditions?.find(c => c.type === CONDITION.Recovering);
    const recoveryStart =
      recovering?.status === 'True' ? recovering.lastTransitionTime : undefined;

    // Roll a validator (OnDelete) when its pod runs an old configuration, never mid-recovery.
    if (
      pod &&
      !pod.metadata?.deletionTimestamp &&
      needsHotKey(node.spec.role) &&
      status.phase !== 'Recovering' &&
      pod.metadata?.annotations?.[OPERATOR.configHash] !== this.#desired(node).configHash
    ) {
      if (await kube.deletePod(namespace, podNameOf(node))) writes.push('delete pod (config changed)');
    }

    // Probe when due: one interval after the last probe, or sooner for a Synced node that
    // falls behind or stopped answering (nextProbeDelayMs).
    let probe: ProbeResult | undefined;
    const last = this.#lastProbe.get(key) ?? Date.parse(status.lastProbeTime ?? '');
    const intervalMs = policy.probeIntervalSeconds * 1000;
    const podIp: string | undefined = pod?.status?.podIP;
    const nextAt = Math.min(this.#nextProbeAt.get(key) ?? Infinity, last + intervalMs);
    // Within the slack counts as due rather than costing a second reconcile moments later;
    // never more than a quarter of the gap, so an early probe is not repeated at once.
    const slack = Math.min(PROBE_SLACK_MS, (nextAt - last) / 4);
    const due = Number.isNaN(last) || now.getTime() >= nextAt - slack;
    if (due && pod && podIp && !pod.metadata?.deletionTimestamp) {
      const url = this.#o.probeUrl?.(node, pod) ?? `http://${podIp}:${node.spec.chain.rpcPort ?? 9944}`;
      if (url) {
        probe = await this.#probe.probe(url);
        this.#lastProbe.set(key, now.getTime());
        this.#probeFailures.set(key, probe.ok ? 0 : (this.#probeFailures.get(key) ?? 0) + 1);
        if (probe.ok) {
          const lag = Math.max(0, probe.highestBlock - probe.currentBlock);
          this.#lagTrends.set(key, updateLagTrend(this.#lagTrends.get(key), now.getTime(), lag));
        }
        this.#o.metrics.probeLatency.observe(
          { outcome: probe.ok ? 'ok' : 'error' },
          probe.latencyMs / 1000,
        );
        this.#sinkFor(node).push(this.#rows(node, probe, now));
      }
    }

    const risk = await this.#o.risk.read(namespace, name);
    const podReady =
      !!pod &&
      !pod.metadata?.deletionTimestamp &&
      (pod.status?.conditions ?? []).some(
        (c: AnyObject) => c.type === 'Ready' && c.status === 'True',
      ) &&
      (policy.recoveryStrategy === 'cordon-and-alert' ||
        !recoveryStart ||
        Date.parse(pod.metadata?.creationTimestamp ?? '') >= Date.parse(recoveryStart));
    const retryRequested = node.metadata.annotations?.[OPERATOR.retry] !== undefined;

    const decideWith = (fleetSlotFree: boolean) =>
      decide({
        spec: node.spec,
        generation: node.metadata.generation ?? 1,
        status,
        probe,
        risk,
        podReady,
        retryRequested,
        consecutiveProbeFailures: probe ? this.#probeFailures.get(key) : 0,
        gate: { fleetSlotFree, cooldownSeconds: this.#o.recoveryCooldownSeconds ?? 300 },
        now,
      });
    // The fleet is counted only when the machine wants to start a recovery (counting every
    // node on every reconcile made the fleet O(n²)). Counted and reserved (#recovering, below)
    // without an await in between, so concurrent workers cannot both take the last slot while
    // their status writes are still in flight.
    let result = decideWith(true);
    if (result.actions.some(a => a.type === 'startRecovery')) {
      const inRecovery = new Set(this.#recovering);
      for (const n of this.nodes()) {
        if (n.status?.phase === 'Recovering') inRecovery.add(`${n.metadata.namespace}/${n.metadata.name}`);
      }
      inRecovery.delete(key);
      if (inRecovery.size >= (this.#o.maxConcurrentRecoveries ?? 5)) result = decideWith(false);
    }
    let next = result.status;
    if (probe) {
      const delay = nextProbeDelayMs(policy, {
        phase: next.phase,
        ok: probe.ok,
        trend: this.#lagTrends.get(key),
      });
      this.#nextProbeAt.set(key, now.getTime() + delay);
    }
    if (result.heldBack === 'fleet-limit') this.#heldBack.add(key);
    else this.#heldBack.delete(key);
    let freedSlot = false;
    if (next.phase === 'Recovering') this.#recovering.add(key);
    else freedSlot = this.#recovering.delete(key) || status.phase === 'Recovering';
    const start = result.actions.find(a => a.type === 'startRecovery');
    if (start?.type === 'startRecovery' && start.strategy === 'cordon-and-alert') {
      next.conditions = setCondition(
        next.conditions,
        {
          type: CONDITION.Alert,
          status: 'True',
          reason: 'NodeCordoned',
          message: 'The pod\u2019s Kubernetes node was cordoned; a human must look at it',
          observedGeneration: node.metadata.generation,
        },
        now,
      );
    }

    // Persist the decision before acting on it: a restart in between resumes, never repeats.
    node = await this.#writeStatus(node, next, writes);
    if (freedSlot) this.#wakeHeldBack();

    for (const a of result.actions) {
      if (a.type === 'event') {
        await this.#recovery.emitEvent(node, {
          type: a.eventType,
          reason: a.reason,
          message: a.message,
          key: now.toISOString(),
        });
        writes.push(`event ${a.reason}`);
      } else if (a.type === 'clearRetryAnnotation') {
        node = await kube.patchValidatorNodeMetadata(namespace, name, {
          annotations: { [OPERATOR.retry]: null },
        });
        writes.push('clear retry annotation');
      } else if (a.type === 'startRecovery') {
        this.#o.metrics.recoveries.inc({ strategy: a.strategy });
        this.#o.logger.info('Recovery started', { key, strategy: a.strategy, restartCount: next.restartCount });
      }
    }

    // Run (or resume) the recovery while Recovering.
    const activeStart = next.conditions?.find(c => c.type === CONDITION.Recovering);
    if (next.phase === 'Recovering' && activeStart?.status === 'True') {
      try {
        const r = await this.#recovery.run(
          node,
          policy.recoveryStrategy,
          activeStart.lastTransitionTime,
          n => this.#ensureOwned(n, writes),
        );
        node = r.node;
        writes.push(...r.report.steps);
      } catch (e) {
        if (!(e instanceof RecoveryError)) throw e;
        this.#recovering.delete(key);
        next = {
          ...next,
          phase: 'Failed',
          conditions: setCondition(
            next.conditions,
            { type: CONDITION.Recovering, status: 'False', reason: e.reason, message: e.message, observedGeneration: node.metadata.generation },
            now,
          ),
        };
        node = await this.#writeStatus(node, next, writes);
        this.#wakeHeldBack();
        await this.#recovery.emitEvent(node, { type: 'Warning', reason: e.reason, message: e.message, key: activeStart.lastTransitionTime });
        writes.push(`event ${e.reason}`);
      }
    }

    if (this.#phases.get(key) !== next.phase) {
      this.#phases.set(key, next.phase);
      this.#o.metrics.setPhase(namespace, name, next.phase ?? 'Pending');
    }
    const lastProbe = this.#lastProbe.get(key) ?? last;
    const dueAt = Math.min(this.#nextProbeAt.get(key) ?? Infinity, lastProbe + intervalMs);
    let untilDue = Number.isNaN(dueAt) ? intervalMs : dueAt - now.getTime();
    if (result.heldBack === 'cooldown') {
      // Come back when the cooldown ends rather than at the next probe.
      const ended = Date.parse(status.conditions?.find(c => c.type === CONDITION.Recovering)?.lastTransitionTime ?? '');
      const cooldownMs = (this.#o.recoveryCooldownSeconds ?? 300) * 1000;
      if (!Number.isNaN(ended)) untilDue = Math.min(untilDue, ended + cooldownMs - now.getTime());
    }
    this.#queue.addAfter(key, Math.min(intervalMs, Math.max(100, untilDue)));
    return { writes, phase: next.phase, probed: !!probe };
  }

  /**
   * A recovery ended (its status is written, so the fleet count sees the free slot): the
   * nodes held back by the fleet limit are reconciled now instead of at their next probe.
   */
  #wakeHeldBack() {
    for (const waiting of this.#heldBack) this.#queue.add(waiting);
  }

  #desired(node: ValidatorNode) {
    const key = `${node.metadata.namespace}/${node.metadata.name}`;
    const { uid, labels, annotations } = node.metadata;
    const inputs = JSON.stringify([uid, labels, annotations, node.spec]);
    let d = this.#desiredCache.get(key);
    if (d?.inputs !== inputs) {
      d = {
        inputs,
        service: buildHeadlessService(node),
        statefulSet: buildStatefulSet(node),
        configHash: configHash(node),
      };
      this.#desiredCache.set(key, d);
    }
    return d;
  }

  #forget(key: string) {
    this.#desiredCache.delete(key);
    this.#phases.delete(key);
    this.#lastProbe.delete(key);
    this.#probeFailures.delete(key);
    this.#nextProbeAt.delete(key);
    this.#lagTrends.delete(key);
    this.#heldBack.delete(key);
    this.#recovering.delete(key);
  }

  async #writeStatus(node: ValidatorNode, next: ValidatorNodeStatus, writes: string[]) {
    const prev = node.status ?? {};
    const probeAge = this.#now().getTime() - Date.parse(prev.lastProbeTime ?? '');
    const onlyProbeTime =
      probeAge < LAST_PROBE_TIME_REFRESH_MS &&
      isDeepStrictEqual(strip({ ...prev, lastProbeTime: undefined }), strip({ ...next, lastProbeTime: undefined }));
    if (onlyProbeTime || isDeepStrictEqual(strip(prev), strip(next))) return node;
    const beforeRv = node.metadata.resourceVersion;
    const written = await this.#o.kube.patchValidatorNodeStatus(
      node.metadata.namespace!,
      node.metadata.name,
      next,
    );
    writes.push(`status ${next.phase}`);
    this.#written.set(`${node.metadata.namespace}/${node.metadata.name}`, { beforeRv, node: written });
    return written;
  }

  async #ensureOwned(node: ValidatorNode, writes: string[]) {
    const { kube } = this.#o;
    const ns = node.metadata.namespace!;
    const claimName = dataClaimName(node);
    const claim =
      (this.#claims?.get(claimName, ns) as AnyObject | undefined) ??
      (await kube.getPersistentVolumeClaim(ns, claimName));
    if (!claim) {
      await kube.createPersistentVolumeClaim(buildDataClaim(node));
      writes.push(`create persistentvolumeclaim/${claimName}`);
    } else {
      const want = node.spec.storage?.size ?? '500Gi';
      const have = claim.spec?.resources?.requests?.storage;
      if (have && toBytes(want) > toBytes(have)) {
        await kube.patchPersistentVolumeClaim(ns, claimName, {
          spec: { resources: { requests: { storage: want } } },
        });
        writes.push(`expand persistentvolumeclaim/${claimName}`);
      }
    }
    await this.#apply(
      this.#desired(node).service,
      async () =>
        (this.#services?.get(node.metadata.name, ns) as AnyObject | undefined) ??
        kube.getService(ns, node.metadata.name),
      o => kube.createService(o),
      o => kube.patchService(o),
      writes,
    );
    const cachedSet = this.#sets?.get(node.metadata.name, ns) as AnyObject | undefined;
    await this.#apply(
      this.#desired(node).statefulSet,
      async () => cachedSet ?? kube.getStatefulSet(ns, node.metadata.name),
      o => kube.createStatefulSet(o),
      async (o, existing) => {
        try {
          await kube.replaceStatefulSet(o, existing.metadata.resourceVersion);
        } catch (e) {
          if (statusCodeOf(e) !== 409) throw e;
          const fresh = await kube.getStatefulSet(ns, node.metadata.name);
          await kube.replaceStatefulSet(o, fresh?.metadata?.resourceVersion);
        }
      },
      writes,
    );
  }

  async #apply(
    desired: KubeJson,
    read: () => Promise<AnyObject | undefined>,
    create: (o: KubeJson) => Promise<void>,
    update: (o: KubeJson, existing: AnyObject) => Promise<void>,
    writes: string[],
  ) {
    const existing = await read();
    const kind = desired.kind.toLowerCase();
    if (!existing) {
      try {
        await create(desired);
        writes.push(`create ${kind}/${desired.metadata.name}`);
      } catch (e) {
        if (statusCodeOf(e) !== 409) throw e;
      }
      return;
    }
    const want = desired.metadata.annotations?.[OPERATOR.objectHash];
    if (existing.metadata?.annotations?.[OPERATOR.objectHash] === want) return;
    await update(desired, existing);
    writes.push(`update ${kind}/${desired.metadata.name}`);
  }

  #rows(node: ValidatorNode, probe: ProbeResult, now: Date): TelemetryRow[] {
    const base = {
      ts: now.toISOString(),
      cluster: this.#o.cluster ?? 'default',
      namespace: node.metadata.namespace!,
      node: node.metadata.name,
      component: componentOf(node),
    };
    const rows: TelemetryRow[] = [
      { ...base, metric: 'probe_latency_ms', value: Math.round(probe.latencyMs * 1000) / 1000 },
    ];
    if (probe.ok) {
      rows.push(
        { ...base, metric: 'block_height', value: probe.currentBlock },
        { ...base, metric: 'network_height', value: probe.highestBlock },
        { ...base, metric: 'block_lag', value: Math.max(0, probe.highestBlock - probe.currentBlock) },
        { ...base, metric: 'peers', value: probe.peers },
      );
    }
    return rows;
  }
}

function strip(s: ValidatorNodeStatus): unknown {
  return JSON.parse(JSON.stringify(s));
}

