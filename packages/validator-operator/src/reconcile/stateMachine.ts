import type {
  ValidatorNodeCondition,
  ValidatorNodePhase,
  ValidatorNodeRecoveryStrategy,
  ValidatorNodeSpec,
  ValidatorNodeStatus,
} from '@goldenpath/plugin-reliability-common';

/**
 * Sync policy with the CRD defaults applied.
 * @public
 */
export interface EffectiveSyncPolicy {
  maxBlockLag: number;
  recoveryStrategy: ValidatorNodeRecoveryStrategy;
  maxRestartAttempts: number;
  probeIntervalSeconds: number;
  syncTimeoutMinutes: number;
}

/**
 * Applies the defaults of the `ValidatorNode` CRD (`maxBlockLag` 10, `restart`, 3 attempts,
 * 30 s probes, 720 min sync timeout) to `spec.syncPolicy`.
 * @public
 */
export function effectiveSyncPolicy(spec: ValidatorNodeSpec): EffectiveSyncPolicy {
  const p = spec.syncPolicy ?? {};
  return {
    maxBlockLag: p.maxBlockLag ?? 10,
    recoveryStrategy: p.recoveryStrategy ?? 'restart',
    maxRestartAttempts: p.maxRestartAttempts ?? 3,
    probeIntervalSeconds: p.probeIntervalSeconds ?? 30,
    syncTimeoutMinutes: p.syncTimeoutMinutes ?? 720,
  };
}

/**
 * Result of one Substrate JSON-RPC probe. `ok: false` means the node did not answer
 * (connection refused, timeout, JSON-RPC error); `error` says why.
 * @public
 */
export type ProbeResult =
  | {
      ok: true;
      /** `system_syncState.currentBlock`. */
      currentBlock: number;
      /** `system_syncState.highestBlock`; `currentBlock` when an old node omits it. */
      highestBlock: number;
      /** `system_health.peers`. */
      peers: number;
      /** `system_health.isSyncing`. */
      isSyncing: boolean;
      /** Round trip of both calls, milliseconds. */
      latencyMs: number;
    }
  | { ok: false; error: string; latencyMs: number };

/**
 * Composite validator risk of one node as the reliability backend computes it.
 * @public
 */
export interface NodeRiskReading {
  /** 0–100. */
  score: number;
  band: 'ok' | 'warning' | 'critical';
}

/**
 * Operator-wide recovery guards.
 * @public
 */
export interface RecoveryGate {
  /** Whether the fleet-wide limit of concurrent recoveries leaves room for one more. */
  fleetSlotFree: boolean;
  /** Seconds a node waits after its last recovery ended before another may start. */
  cooldownSeconds: number;
}

/**
 * Input of {@link decide}: everything the state machine looks at.
 * @public
 */
export interface DecideInput {
  spec: ValidatorNodeSpec;
  /** `metadata.generation`. */
  generation: number;
  status: ValidatorNodeStatus | undefined;
  /** Undefined when no probe was due in this pass. */
  probe?: ProbeResult;
  risk?: NodeRiskReading;
  /** Whether the node's pod exists, is newer than the recovery start, and is Ready. */
  podReady: boolean;
  /** Whether the `validators.goldenpath.dev/retry` annotation asks to leave Failed. */
  retryRequested: boolean;
  /** Failed probes in a row, this one included (0 after a good probe). */
  consecutiveProbeFailures?: number;
  gate: RecoveryGate;
  now: Date;
}

/**
 * Side effects the controller performs after {@link decide}.
 * @public
 */
export type DecideAction =
  | { type: 'startRecovery'; strategy: ValidatorNodeRecoveryStrategy; startedAt: string }
  | { type: 'event'; eventType: 'Normal' | 'Warning'; reason: string; message: string }
  | { type: 'clearRetryAnnotation' };

/**
 * Output of {@link decide}.
 * @public
 */
export interface DecideOutput {
  status: ValidatorNodeStatus;
  actions: DecideAction[];
  /** Why the node stays Degraded without recovering (fleet limit, cooldown), if it does. */
  heldBack?: string;
}

/** Condition types the operator maintains. @public */
export const CONDITION = {
  /** True while Synced. */
  Ready: 'Ready',
  /** True from the start of a recovery until Synced or Failed; `lastTransitionTime` = start. */
  Recovering: 'Recovering',
  /** Set by `cordon-and-alert`: a human must look at the node. */
  Alert: 'Alert',
} as const;

/**
 * Periods of Synced, counted in probe intervals, after which the restart budget resets.
 * Ten intervals (5 minutes at the default 30 s) shows the node kept up with the head
 * for long enough that earlier restarts no longer predict the next one.
 * @public
 */
export const STABLE_PROBE_INTERVALS = 10;

/**
 * Failed probes in a row after which a Synced node counts as Degraded: a node that stopped
 * answering is as far from the head as one that fell behind, but one lost probe is noise.
 * @public
 */
export const UNREACHABLE_AFTER_PROBES = 3;

function cond(
  status: ValidatorNodeStatus | undefined,
  type: string,
): ValidatorNodeCondition | undefined {
  return status?.conditions?.find(c => c.type === type);
}

/**
 * Returns `conditions` with `type` set; `lastTransitionTime` moves only when `status` changes.
 * @public
 */
export function setCondition(
  conditions: ValidatorNodeCondition[] | undefined,
  next: Omit<ValidatorNodeCondition, 'lastTransitionTime'>,
  now: Date,
): ValidatorNodeCondition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex(c => c.type === next.type);
  const prev = i >= 0 ? list[i] : undefined;
  const merged: ValidatorNodeCondition = {
    ...next,
    lastTransitionTime:
      prev && prev.status === next.status ? prev.lastTransitionTime : iso(now),
  };
  if (i >= 0) list[i] = merged;
  else list.push(merged);
  return list;
}

function iso(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

function secondsSince(time: string | undefined, now: Date): number {
  if (!time) return Number.POSITIVE_INFINITY;
  return (now.getTime() - Date.parse(time)) / 1000;
}

/**
 * The ValidatorNode state machine, as a pure function of (status, probe, risk, pod, spec, now).
 *
 * - Pending → Syncing on the first good probe.
 * - Syncing → Synced when lag ≤ `maxBlockLag` and `isSyncing` is false.
 * - Synced → Degraded when lag > `maxBlockLag`, the composite risk band is `critical`, or
 *   {@link UNREACHABLE_AFTER_PROBES} probes in a row failed.
 * - Degraded → Recovering by `recoveryStrategy` (held back by the fleet limit or cooldown);
 *   → Failed instead when `restartCount` already reached `maxRestartAttempts`.
 * - Recovering → Syncing when the pod is back (Ready, newer than the recovery) and answers.
 * - Recovering or Syncing after a recovery → Failed when `syncTimeoutMinutes` passed since it began.
 * - The restart budget (`restartCount`) resets after {@link STABLE_PROBE_INTERVALS} probe intervals in Synced.
 * - Failed stays until the spec changes (`generation` ≠ `observedGeneration`) or the retry
 *   annotation is set; both go back to Pending with a fresh budget.
 *
 * `cordon-and-alert` counts as a recovery for the budget but keeps the pod; its node leaves
 * Recovering like the others once the pod answers again.
 * @public
 */
export function decide(input: DecideInput): DecideOutput {
  const { spec, generation, probe, risk, now } = input;
  const policy = effectiveSyncPolicy(spec);
  const prev = input.status ?? {};
  const actions: DecideAction[] = [];
  let heldBack: string | undefined;
  let phase: ValidatorNodePhase = prev.phase ?? 'Pending';
  let restartCount = prev.restartCount ?? 0;
  let conditions = prev.conditions ? [...prev.conditions] : [];
  const specChanged =
    prev.observedGeneration !== undefined && prev.observedGeneration !== generation;

  const next: ValidatorNodeStatus = { ...prev };
  if (probe?.ok) {
    next.currentBlock = probe.currentBlock;
    next.highestBlock = probe.highestBlock;
    next.blockLag = Math.max(0, probe.highestBlock - probe.currentBlock);
    next.peers = probe.peers;
  }
  if (probe) next.lastProbeTime = iso(now);
  if (risk) next.riskScore = Math.round(risk.score * 100) / 100;

  const lag = next.blockLag ?? 0;
  const inSync = !!probe?.ok && lag <= policy.maxBlockLag && !probe.isSyncing;
  const unreachable = (input.consecutiveProbeFailures ?? 0) >= UNREACHABLE_AFTER_PROBES;
  const breach =
    (!!probe?.ok && lag > policy.maxBlockLag) || risk?.band === 'critical' || unreachable;
  const recovering = cond(prev, CONDITION.Recovering);
  const recoveryActive = recovering?.status === 'True';
  const sinceRecovery = recoveryActive
    ? secondsSince(recovering.lastTransitionTime, now)
    : Number.POSITIVE_INFINITY;

  const degradedMessage = () => {
    if (unreachable) return `No answer to ${input.consecutiveProbeFailures} probes in a row`;
    if (risk?.band === 'critical') return `Composite risk ${risk.score.toFixed(1)} is critical`;
    return `Block lag ${lag} exceeds maxBlockLag ${policy.maxBlockLag}`;
  };

  const toFailed = (reason: string, message: string) => {
    phase = 'Failed';
    conditions = setCondition(
      conditions,
      { type: CONDITION.Recovering, status: 'False', reason, message, observedGeneration: generation },
      now,
    );
    actions.push({ type: 'event', eventType: 'Warning', reason, message });
  };

  if (phase === 'Failed' && (specChanged || input.retryRequested)) {
    phase = 'Pending';
    restartCount = 0;
    conditions = conditions.filter(c => c.type !== CONDITION.Recovering);
    if (input.retryRequested) actions.push({ type: 'clearRetryAnnotation' });
    actions.push({
      type: 'event',
      eventType: 'Normal',
      reason: specChanged ? 'SpecChanged' : 'RetryRequested',
      message: 'Leaving Failed; the restart budget is reset',
    });
  }

  switch (phase) {
    case 'Pending':
      if (probe?.ok) phase = inSync ? 'Synced' : 'Syncing';
      if (phase === 'Synced') phase = 'Syncing';
      break;
    case 'Syncing':
      if (recoveryActive && sinceRecovery > policy.syncTimeoutMinutes * 60) {
        toFailed('SyncTimeout', `Not synced ${policy.syncTimeoutMinutes} minutes after the recovery began`);
      } else if (inSync) {
        phase = 'Synced';
      }
      break;
    case 'Synced': {
      const ready = cond(prev, CONDITION.Ready);
      if (
        restartCount > 0 &&
        ready?.status === 'True' &&
        secondsSince(ready.lastTransitionTime, now) >=
          STABLE_PROBE_INTERVALS * policy.probeIntervalSeconds
      ) {
        restartCount = 0;
      }
      if (breach) {
        phase = 'Degraded';
        actions.push({
          type: 'event',
          eventType: 'Warning',
          reason: 'Degraded',
          message: degradedMessage(),
        });
      }
      break;
    }
    case 'Degraded':
      // A node that caught up by itself while held back by the fleet limit or cooldown.
      if (inSync && !breach) phase = 'Synced';
      break;
    case 'Recovering':
      if (sinceRecovery > policy.syncTimeoutMinutes * 60) {
        toFailed('SyncTimeout', `Pod not back ${policy.syncTimeoutMinutes} minutes after the recovery began`);
      } else if (input.podReady && probe?.ok) {
        phase = inSync ? 'Synced' : 'Syncing';
        if (phase === 'Synced') phase = 'Syncing';
      }
      break;
    default:
      break;
  }

  if (phase === 'Degraded' && prev.phase !== 'Failed') {
    if (restartCount >= policy.maxRestartAttempts) {
      toFailed(
        'RestartBudgetSpent',
        `${restartCount} of ${policy.maxRestartAttempts} recoveries spent`,
      );
    } else {
      const lastEnded =
        recovering && recovering.status === 'False' ? recovering.lastTransitionTime : undefined;
      if (secondsSince(lastEnded, now) < input.gate.cooldownSeconds) {
        heldBack = 'cooldown';
      } else if (!input.gate.fleetSlotFree) {
        heldBack = 'fleet-limit';
      } else {
        phase = 'Recovering';
        restartCount += 1;
        const startedAt = iso(now);
        conditions = setCondition(
          conditions,
          {
            type: CONDITION.Recovering,
            status: 'True',
            reason: reasonOf(policy.recoveryStrategy),
            message: `Recovery ${restartCount} of ${policy.maxRestartAttempts} by ${policy.recoveryStrategy}`,
            observedGeneration: generation,
          },
          // Force a fresh lastTransitionTime: each recovery has its own start.
          now,
        );
        const rc = conditions.find(c => c.type === CONDITION.Recovering)!;
        rc.lastTransitionTime = startedAt;
        actions.push({ type: 'startRecovery', strategy: policy.recoveryStrategy, startedAt });
        actions.push({
          type: 'event',
          eventType: 'Warning',
          reason: 'RecoveryStarted',
          message: `Starting ${policy.recoveryStrategy} (attempt ${restartCount} of ${policy.maxRestartAttempts})`,
        });
      }
    }
  }

  if (phase === 'Synced' && recoveryActive) {
    conditions = setCondition(
      conditions,
      {
        type: CONDITION.Recovering,
        status: 'False',
        reason: 'Recovered',
        message: 'Node is back within maxBlockLag',
        observedGeneration: generation,
      },
      now,
    );
  }

  conditions = setCondition(
    conditions,
    {
      type: CONDITION.Ready,
      status: phase === 'Synced' ? 'True' : 'False',
      reason: phase,
      message: readyMessage(phase, lag, policy.maxBlockLag, probe),
      observedGeneration: generation,
    },
    now,
  );

  next.phase = phase;
  next.restartCount = restartCount;
  next.conditions = conditions;
  next.observedGeneration = generation;
  return { status: next, actions, heldBack };
}

function reasonOf(strategy: ValidatorNodeRecoveryStrategy): string {
  switch (strategy) {
    case 'snapshot-restore':
      return 'SnapshotRestore';
    case 'cordon-and-alert':
      return 'CordonAndAlert';
    default:
      return 'Restart';
  }
}

function readyMessage(
  phase: ValidatorNodePhase,
  lag: number,
  maxBlockLag: number,
  probe: ProbeResult | undefined,
): string {
  if (probe && !probe.ok) return `Probe failed: ${probe.error}`;
  switch (phase) {
    case 'Synced':
      return `Within maxBlockLag (${lag} of ${maxBlockLag} blocks behind)`;
    case 'Pending':
      return 'Waiting for the first good probe';
    case 'Failed':
      return 'Recovery gave up; change the spec or set the retry annotation';
    default:
      return `${lag} blocks behind (maxBlockLag ${maxBlockLag})`;
  }
}
