import type { V1ContainerStatus, V1Node, V1Pod } from '@kubernetes/client-node';
import type {
  ControlPlaneQuorum,
  HealthFinding,
  HealthSeverity,
  HealthSummary,
  ValidatorNode,
} from '@goldenpath/plugin-reliability-common';

/**
 * Context shared by the rules: `now` makes age-based rules deterministic.
 * @public
 */
export interface RuleContext {
  now: Date;
}

/**
 * A deterministic health rule over one Kubernetes object. Rules are listed with
 * their thresholds in docs/node-health.md, in the spirit of the Backstage
 * Kubernetes plugin's error-detection rules (one finding: severity, reason,
 * suggested action).
 * @public
 */
export interface HealthRule<T> {
  id: string;
  description: string;
  evaluate(object: T, context: RuleContext): HealthFinding | undefined;
}

/** Restarts before `pod-restarts` warns (house threshold, same as is-healthy's). */
const POD_RESTART_WARNING = 5;
/** A pod Pending this long is stuck rather than starting. */
const POD_PENDING_GRACE_MS = 5 * 60_000;
/** Extra time past the grace period before a terminating pod counts as stuck. */
const POD_TERMINATING_GRACE_MS = 5 * 60_000;
/** Lag of this many times `maxBlockLag` is critical rather than a warning. */
const BLOCK_LAG_CRITICAL_FACTOR = 10;
/**
 * Fewer connected peers than this is a warning: below it a node is easy to
 * eclipse (Substrate keeps 8 outbound peers by default).
 */
const MIN_HEALTHY_PEERS = 3;
/** A probe older than this many probe intervals means the operator stopped probing. */
const PROBE_STALE_INTERVALS = 3;

const IMAGE_PULL_REASONS = [
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'ErrImageNeverPull',
  'RegistryUnavailable',
];
const CONTAINER_CONFIG_REASONS = [
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'StartError',
  'ContainerCannotRun',
];

function allContainerStatuses(
  pod: V1Pod,
): Array<V1ContainerStatus & { init: boolean }> {
  return [
    ...(pod.status?.initContainerStatuses ?? []).map(c => ({
      ...c,
      init: true,
    })),
    ...(pod.status?.containerStatuses ?? []).map(c => ({ ...c, init: false })),
  ];
}

function podRef(pod: V1Pod) {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

function isPodReady(pod: V1Pod) {
  return (
    pod.status?.conditions?.some(
      c => c.type === 'Ready' && c.status === 'True',
    ) ?? false
  );
}

function ageMs(
  timestamp: string | Date | undefined,
  now: Date,
): number | undefined {
  if (!timestamp) return undefined;
  const t = new Date(timestamp).getTime();
  return Number.isNaN(t) ? undefined : now.getTime() - t;
}

function finding(
  rule: string,
  severity: HealthSeverity,
  reason: string,
  suggestedAction: string,
): HealthFinding {
  return { rule, severity, reason, suggestedAction };
}

/**
 * Rules over Pods: waiting reasons, last termination reasons, scheduling,
 * readiness, restarts and stuck deletion.
 * @public
 */
export const POD_RULES: HealthRule<V1Pod>[] = [
  {
    id: 'pod-crash-loop',
    description: 'A container is waiting in CrashLoopBackOff.',
    evaluate(pod) {
      const c = allContainerStatuses(pod).find(
        s => s.state?.waiting?.reason === 'CrashLoopBackOff',
      );
      if (!c) return undefined;
      const last = c.lastState?.terminated;
      const exit = last
        ? `; last exit: ${last.reason ?? 'unknown'} (code ${last.exitCode})`
        : '';
      return finding(
        'pod-crash-loop',
        'critical',
        `Container ${c.name} of pod ${podRef(
          pod,
        )} is in CrashLoopBackOff after ${c.restartCount} restarts${exit}`,
        `Read the previous run's logs (kubectl logs -n ${pod.metadata?.namespace} ${pod.metadata?.name} -c ${c.name} --previous), fix the crash, then check liveness probes and resource limits.`,
      );
    },
  },
  {
    id: 'pod-image-pull',
    description:
      'A container cannot pull its image (ImagePullBackOff, ErrImagePull, InvalidImageName…).',
    evaluate(pod) {
      const c = allContainerStatuses(pod).find(s =>
        IMAGE_PULL_REASONS.includes(s.state?.waiting?.reason ?? ''),
      );
      if (!c) return undefined;
      return finding(
        'pod-image-pull',
        'critical',
        `Container ${c.name} of pod ${podRef(pod)} cannot pull its image (${
          c.state!.waiting!.reason
        }): ${c.state?.waiting?.message ?? c.image}`,
        'Check that the image reference and digest exist in the registry and that the pod can authenticate to it (imagePullSecrets or node credentials).',
      );
    },
  },
  {
    id: 'pod-container-config',
    description:
      'A container cannot be created or started (CreateContainerConfigError, StartError…).',
    evaluate(pod) {
      const c = allContainerStatuses(pod).find(
        s =>
          CONTAINER_CONFIG_REASONS.includes(s.state?.waiting?.reason ?? '') ||
          CONTAINER_CONFIG_REASONS.includes(s.state?.terminated?.reason ?? ''),
      );
      if (!c) return undefined;
      const reason = c.state?.waiting?.reason ?? c.state?.terminated?.reason;
      const message =
        c.state?.waiting?.message ?? c.state?.terminated?.message ?? '';
      return finding(
        'pod-container-config',
        'critical',
        `Container ${c.name} of pod ${podRef(pod)} cannot start (${reason})${
          message ? `: ${message.slice(0, 300)}` : ''
        }`,
        'Check the Secrets and ConfigMaps the container references, its volume mounts, command and security context.',
      );
    },
  },
  {
    id: 'pod-oom-killed',
    description:
      'A container was OOMKilled: critical while the pod is not Ready, a warning once it is Ready again.',
    evaluate(pod) {
      const c = allContainerStatuses(pod).find(
        s =>
          s.state?.terminated?.reason === 'OOMKilled' ||
          s.lastState?.terminated?.reason === 'OOMKilled',
      );
      if (!c) return undefined;
      const limit = pod.spec?.containers?.find(x => x.name === c.name)
        ?.resources?.limits?.memory;
      return finding(
        'pod-oom-killed',
        isPodReady(pod) ? 'warning' : 'critical',
        `Container ${c.name} of pod ${podRef(pod)} was OOMKilled${
          limit ? ` (memory limit ${limit})` : ''
        }; restarted ${c.restartCount} times${
          isPodReady(pod) ? ', pod ready again' : ''
        }`,
        'Raise the memory limit or lower the memory use (look for leaks or unbounded caches); check the node for memory pressure.',
      );
    },
  },
  {
    id: 'pod-unschedulable',
    description:
      'The scheduler cannot place the pod (PodScheduled=False, reason Unschedulable).',
    evaluate(pod) {
      const c = pod.status?.conditions?.find(
        x =>
          x.type === 'PodScheduled' &&
          x.status === 'False' &&
          x.reason === 'Unschedulable',
      );
      if (!c) return undefined;
      return finding(
        'pod-unschedulable',
        'critical',
        `Pod ${podRef(pod)} cannot be scheduled: ${
          c.message ?? 'no node fits'
        }`,
        "Free or add capacity, or relax the pod's node selector, affinity, tolerations or volume topology so that a node fits.",
      );
    },
  },
  {
    id: 'pod-failed',
    description: 'The pod phase is Failed (including Evicted).',
    evaluate(pod) {
      if (pod.status?.phase !== 'Failed') return undefined;
      if (pod.status.reason === 'Evicted') {
        return finding(
          'pod-failed',
          'critical',
          `Pod ${podRef(pod)} was evicted: ${
            pod.status.message ?? 'node under resource pressure'
          }`,
          'Check the node for memory or disk pressure and set resource requests so the pod is not the first to be evicted; delete the evicted pod once understood.',
        );
      }
      const t = allContainerStatuses(pod).find(
        s => s.state?.terminated && s.state.terminated.exitCode !== 0,
      )?.state?.terminated;
      let failedDetail = '';
      if (t) {
        failedDetail = `: container exited with ${t.reason ?? 'error'} (code ${
          t.exitCode
        })`;
      } else if (pod.status.reason) {
        failedDetail = `: ${pod.status.reason}`;
      }
      return finding(
        'pod-failed',
        'critical',
        `Pod ${podRef(pod)} failed${failedDetail}`,
        'Read the container logs of the failed run and the pod events (kubectl describe pod) to find why it exited.',
      );
    },
  },
  {
    id: 'pod-not-ready',
    description:
      'The pod runs but is not Ready although no container is crashing (readiness probe failing).',
    evaluate(pod) {
      if (pod.status?.phase !== 'Running' || isPodReady(pod)) return undefined;
      const statuses = pod.status.containerStatuses ?? [];
      if (statuses.some(s => !s.state?.running)) return undefined;
      const notReady = statuses.filter(s => !s.ready).map(s => s.name);
      return finding(
        'pod-not-ready',
        'warning',
        `Pod ${podRef(pod)} is running but not ready${
          notReady.length ? ` (containers: ${notReady.join(', ')})` : ''
        }`,
        'Check the readiness probe and what it depends on (the node may still be syncing or a dependency is down).',
      );
    },
  },
  {
    id: 'pod-pending',
    description:
      'The pod has been Pending for more than 5 minutes without a more specific cause.',
    evaluate(pod, { now }) {
      if (pod.status?.phase !== 'Pending') return undefined;
      const age = ageMs(pod.metadata?.creationTimestamp, now);
      if (age === undefined || age < POD_PENDING_GRACE_MS) return undefined;
      const waiting = allContainerStatuses(pod).find(s => s.state?.waiting)
        ?.state?.waiting?.reason;
      return finding(
        'pod-pending',
        'warning',
        `Pod ${podRef(pod)} has been Pending for ${Math.round(
          age / 60_000,
        )} minutes${waiting ? ` (${waiting})` : ''}`,
        'Look at the pod events (kubectl describe pod): volume attachment, init containers and image pulls are the usual causes.',
      );
    },
  },
  {
    id: 'pod-restarts',
    description: `Containers restarted ${POD_RESTART_WARNING} or more times in total while not crash-looping now.`,
    evaluate(pod) {
      const statuses = allContainerStatuses(pod);
      const restarts = statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0);
      if (restarts < POD_RESTART_WARNING) return undefined;
      if (statuses.some(s => s.state?.waiting?.reason === 'CrashLoopBackOff'))
        return undefined;
      const lastReasons = [
        ...new Set(
          statuses.map(s => s.lastState?.terminated?.reason).filter(Boolean),
        ),
      ];
      return finding(
        'pod-restarts',
        'warning',
        `Pod ${podRef(pod)} restarted ${restarts} times${
          lastReasons.length ? ` (last exits: ${lastReasons.join(', ')})` : ''
        }`,
        'Find the cause of the intermittent restarts in the previous logs and the last termination reasons; check liveness probe timeouts.',
      );
    },
  },
  {
    id: 'pod-terminating-stuck',
    description:
      'The pod has had a deletionTimestamp for more than its grace period plus 5 minutes.',
    evaluate(pod, { now }) {
      const age = ageMs(pod.metadata?.deletionTimestamp, now);
      const grace = (pod.metadata?.deletionGracePeriodSeconds ?? 30) * 1000;
      if (age === undefined || age < grace + POD_TERMINATING_GRACE_MS)
        return undefined;
      return finding(
        'pod-terminating-stuck',
        'warning',
        `Pod ${podRef(pod)} has been terminating for ${Math.round(
          age / 60_000,
        )} minutes${
          pod.metadata?.finalizers?.length
            ? ` (finalizers: ${pod.metadata.finalizers.join(', ')})`
            : ''
        }`,
        'Check whether its node is reachable and which finalizers hold it; force-delete only once the node is known to be down.',
      );
    },
  },
];

function nodeCondition(node: V1Node, type: string) {
  return node.status?.conditions?.find(c => c.type === type);
}

/**
 * Rules over Nodes: Ready, pressure conditions, network, cordon.
 * @public
 */
export const NODE_RULES: HealthRule<V1Node>[] = [
  {
    id: 'node-not-ready',
    description: 'The Ready condition is False or Unknown.',
    evaluate(node) {
      const ready = nodeCondition(node, 'Ready');
      if (ready?.status === 'True') return undefined;
      const name = node.metadata?.name;
      if (!ready || ready.status === 'Unknown') {
        return finding(
          'node-not-ready',
          'critical',
          `Node ${name} status is Unknown: ${
            ready?.message ?? 'the kubelet stopped posting node status'
          }`,
          'Check that the node is reachable and its kubelet runs; drain it (kubectl drain) if it does not come back.',
        );
      }
      return finding(
        'node-not-ready',
        'critical',
        `Node ${name} is NotReady${ready.reason ? ` (${ready.reason})` : ''}: ${
          ready.message ?? ''
        }`.trim(),
        'Check the kubelet and container runtime logs on the node and its conditions (kubectl describe node).',
      );
    },
  },
  {
    id: 'node-pressure',
    description: 'MemoryPressure, DiskPressure or PIDPressure is True.',
    evaluate(node) {
      const pressures = [
        'MemoryPressure',
        'DiskPressure',
        'PIDPressure',
      ].filter(t => nodeCondition(node, t)?.status === 'True');
      if (pressures.length === 0) return undefined;
      return finding(
        'node-pressure',
        'warning',
        `Node ${node.metadata?.name} reports ${pressures.join(
          ', ',
        )}; the kubelet will evict pods`,
        'Free memory, disk (images, logs, volumes) or process slots on the node, or move workloads away; check pod requests and limits.',
      );
    },
  },
  {
    id: 'node-network-unavailable',
    description: 'NetworkUnavailable is True.',
    evaluate(node) {
      if (nodeCondition(node, 'NetworkUnavailable')?.status !== 'True')
        return undefined;
      return finding(
        'node-network-unavailable',
        'critical',
        `Node ${node.metadata?.name} network is unavailable: ${
          nodeCondition(node, 'NetworkUnavailable')?.message ?? ''
        }`.trim(),
        'Check the CNI plugin pods and routes on the node.',
      );
    },
  },
  {
    id: 'node-cordoned',
    description: 'The node is cordoned (spec.unschedulable).',
    evaluate(node) {
      if (!node.spec?.unschedulable) return undefined;
      return finding(
        'node-cordoned',
        'warning',
        `Node ${node.metadata?.name} is cordoned: no new pods will be scheduled on it`,
        `Uncordon it (kubectl uncordon ${node.metadata?.name}) once maintenance or recovery is done.`,
      );
    },
  },
];

/** CRD defaults of `spec.syncPolicy` (see the ValidatorNode CRD). */
export const SYNC_POLICY_DEFAULTS = {
  maxBlockLag: 10,
  maxRestartAttempts: 3,
  probeIntervalSeconds: 30,
} as const;

function vnRef(vn: ValidatorNode) {
  return `${vn.metadata.namespace ?? ''}/${vn.metadata.name}`;
}

/**
 * Rules over ValidatorNodes: phase, block lag against `maxBlockLag`, peers,
 * restart budget against `maxRestartAttempts`, probe staleness, conditions.
 * @public
 */
export const VALIDATOR_NODE_RULES: HealthRule<ValidatorNode>[] = [
  {
    id: 'validator-phase',
    description:
      'Phase Failed or Degraded is critical; Recovering or Pending is a warning.',
    evaluate(vn) {
      const phase = vn.status?.phase;
      const strategy = vn.spec?.syncPolicy?.recoveryStrategy ?? 'restart';
      switch (phase) {
        case 'Failed':
          return finding(
            'validator-phase',
            'critical',
            `Validator node ${vnRef(vn)} has Failed`,
            'The operator gave up recovering it: read its conditions and events, then restore from a snapshot or re-create the node.',
          );
        case 'Degraded':
          return finding(
            'validator-phase',
            'critical',
            `Validator node ${vnRef(vn)} is Degraded`,
            strategy === 'cordon-and-alert'
              ? 'Recovery strategy is cordon-and-alert: investigate the node by hand (logs, peers, disk) and restart it when understood.'
              : `The operator will recover it (${strategy}); watch the restart budget and the block lag.`,
          );
        case 'Recovering':
          return finding(
            'validator-phase',
            'warning',
            `Validator node ${vnRef(vn)} is Recovering (${strategy})`,
            'Wait for the recovery to finish; if it repeats, look for the root cause in the node logs.',
          );
        case 'Pending':
          return finding(
            'validator-phase',
            'warning',
            `Validator node ${vnRef(vn)} is Pending`,
            'Check that its pod was scheduled and its volume bound (kubectl describe of the StatefulSet pod and PVC).',
          );
        default:
          return undefined;
      }
    },
  },
  {
    id: 'validator-block-lag',
    description: `Block lag above maxBlockLag is a warning; above ${BLOCK_LAG_CRITICAL_FACTOR}× maxBlockLag critical.`,
    evaluate(vn) {
      const lag = vn.status?.blockLag ?? lagFromHeights(vn);
      if (lag === undefined) return undefined;
      const max =
        vn.spec?.syncPolicy?.maxBlockLag ?? SYNC_POLICY_DEFAULTS.maxBlockLag;
      if (lag <= max) return undefined;
      return finding(
        'validator-block-lag',
        lag > max * BLOCK_LAG_CRITICAL_FACTOR ? 'critical' : 'warning',
        `Validator node ${vnRef(
          vn,
        )} is ${lag} blocks behind the network head (maxBlockLag ${max})`,
        'Check peers, disk write latency and CPU of the node; if it does not catch up the operator applies its recovery strategy.',
      );
    },
  },
  {
    id: 'validator-peers',
    description: `Zero peers is critical (isolated); fewer than ${MIN_HEALTHY_PEERS} is a warning (eclipse risk).`,
    evaluate(vn) {
      const peers = vn.status?.peers;
      if (peers === undefined || peers === null || peers >= MIN_HEALTHY_PEERS)
        return undefined;
      return finding(
        'validator-peers',
        peers === 0 ? 'critical' : 'warning',
        `Validator node ${vnRef(vn)} has ${peers} peer${
          peers === 1 ? '' : 's'
        }`,
        'Check the P2P port is reachable (Service, firewall, NetworkPolicy) and the bootnodes; a node with few peers can be eclipsed.',
      );
    },
  },
  {
    id: 'validator-restart-budget',
    description:
      'restartCount reached maxRestartAttempts (critical) or has one attempt left (warning).',
    evaluate(vn) {
      const count = vn.status?.restartCount ?? 0;
      const max =
        vn.spec?.syncPolicy?.maxRestartAttempts ??
        SYNC_POLICY_DEFAULTS.maxRestartAttempts;
      if (count === 0 || count < max - 1) return undefined;
      return finding(
        'validator-restart-budget',
        count >= max ? 'critical' : 'warning',
        `Validator node ${vnRef(vn)} used ${count} of ${max} restart attempts`,
        count >= max
          ? 'The operator will not restart it again: find the root cause, then reset the node or raise maxRestartAttempts.'
          : 'One restart attempt is left: find why it keeps falling behind before the budget runs out.',
      );
    },
  },
  {
    id: 'validator-probe-stale',
    description: `The last JSON-RPC probe is older than ${PROBE_STALE_INTERVALS}× probeIntervalSeconds.`,
    evaluate(vn, { now }) {
      const interval =
        vn.spec?.syncPolicy?.probeIntervalSeconds ??
        SYNC_POLICY_DEFAULTS.probeIntervalSeconds;
      const limitMs = interval * PROBE_STALE_INTERVALS * 1000;
      const age = ageMs(vn.status?.lastProbeTime, now);
      if (age !== undefined && age <= limitMs) return undefined;
      if (age === undefined) {
        const created = ageMs(
          vn.metadata.creationTimestamp as string | undefined,
          now,
        );
        if (created === undefined || created <= limitMs) return undefined;
      }
      return finding(
        'validator-probe-stale',
        'warning',
        age === undefined
          ? `Validator node ${vnRef(vn)} has never been probed`
          : `Validator node ${vnRef(vn)} was last probed ${Math.round(
              age / 1000,
            )} s ago (interval ${interval} s)`,
        'Check that the validator operator runs and holds its leader lease, and that it can reach the node RPC port.',
      );
    },
  },
  {
    id: 'validator-condition',
    description: 'A condition (Ready, Synced, KeystoreMounted…) is False.',
    evaluate(vn) {
      const failing = (vn.status?.conditions ?? []).filter(
        c => c.status === 'False',
      );
      if (failing.length === 0) return undefined;
      const first = failing[0];
      return finding(
        'validator-condition',
        'warning',
        `Validator node ${vnRef(vn)} condition ${failing
          .map(c => c.type)
          .join(', ')} is False${
          first.reason ? ` (${first.reason}: ${first.message})` : ''
        }`,
        'Read the condition message and the operator events for this node.',
      );
    },
  },
];

function lagFromHeights(vn: ValidatorNode): number | undefined {
  const { currentBlock, highestBlock } = vn.status ?? {};
  if (typeof currentBlock !== 'number' || typeof highestBlock !== 'number')
    return undefined;
  return Math.max(0, highestBlock - currentBlock);
}

const SEVERITY_RANK: Record<HealthSeverity, number> = {
  ok: 0,
  warning: 1,
  critical: 2,
};

/**
 * Runs rules over an object and folds the findings into a summary: the worst
 * severity, the first worst finding's reason and suggested action.
 * @public
 */
export function summarize<T>(
  rules: HealthRule<T>[],
  object: T,
  context: RuleContext,
  okReason: string,
): HealthSummary {
  const findings = rules
    .map(r => r.evaluate(object, context))
    .filter((f): f is HealthFinding => f !== undefined);
  return summaryOf(findings, okReason);
}

/**
 * Folds findings into a summary (worst first).
 * @public
 */
export function summaryOf(
  findings: HealthFinding[],
  okReason: string,
): HealthSummary {
  if (findings.length === 0) {
    return {
      severity: 'ok',
      reason: okReason,
      suggestedAction: null,
      findings: [],
    };
  }
  const sorted = [...findings].sort(
    (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity],
  );
  const worst = sorted[0];
  const more = sorted.length > 1 ? ` (+${sorted.length - 1} more)` : '';
  return {
    severity: worst.severity,
    reason: `${worst.reason}${more}`,
    suggestedAction: worst.suggestedAction,
    findings: sorted,
  };
}

/** Whether a node is a control-plane node (current or pre-1.20 role label). */
export function isControlPlaneNode(node: V1Node): boolean {
  const labels = node.metadata?.labels ?? {};
  return (
    'node-role.kubernetes.io/control-plane' in labels ||
    'node-role.kubernetes.io/master' in labels
  );
}

/**
 * Control-plane quorum of a cluster from all its Nodes. With `n` control-plane
 * nodes, `majority = floor(n/2) + 1` must be Ready (Raft/etcd quorum); the cluster
 * tolerates `max(0, ready - majority)` more failures. Lost quorum is critical;
 * zero tolerance with more than one control-plane node is a warning; a single
 * control-plane node is reported as ok with "no failure tolerance"; no visible
 * control-plane node (managed control plane) is ok with `hasQuorum: null`.
 * @public
 */
export function controlPlaneQuorum(nodes: V1Node[]): ControlPlaneQuorum {
  const cp = nodes.filter(isControlPlaneNode);
  const n = cp.length;
  const ready = cp.filter(
    x => nodeCondition(x, 'Ready')?.status === 'True',
  ).length;
  if (n === 0) {
    return {
      controlPlaneNodes: 0,
      readyControlPlaneNodes: 0,
      majority: 0,
      toleratedFailures: 0,
      hasQuorum: null,
      summary: summaryOf(
        [],
        'No control-plane node visible (managed control plane)',
      ),
    };
  }
  const majority = Math.floor(n / 2) + 1;
  const tolerated = Math.max(0, ready - majority);
  const findings: HealthFinding[] = [];
  if (ready < majority) {
    findings.push(
      finding(
        'control-plane-quorum',
        'critical',
        `Control plane lost quorum: ${ready} of ${n} control-plane nodes Ready, ${majority} needed`,
        'Bring control-plane nodes back before anything else: the API server cannot commit writes without an etcd majority.',
      ),
    );
  } else if (tolerated === 0 && n > 1) {
    findings.push(
      finding(
        'control-plane-quorum',
        'warning',
        `Control plane tolerates no further failure: ${ready} of ${n} control-plane nodes Ready, ${majority} needed`,
        'Restore the missing control-plane node(s) before any maintenance; one more failure loses quorum.',
      ),
    );
  }
  const okReason =
    n === 1
      ? 'Single control-plane node Ready (no failure tolerance)'
      : `${ready} of ${n} control-plane nodes Ready; tolerates ${tolerated} more failure${
          tolerated === 1 ? '' : 's'
        }`;
  return {
    controlPlaneNodes: n,
    readyControlPlaneNodes: ready,
    majority,
    toleratedFailures: tolerated,
    hasQuorum: ready >= majority,
    summary: summaryOf(findings, okReason),
  };
}
