import type { ValidatorNodeSpec, ValidatorNodeStatus } from '@goldenpath/plugin-reliability-common';
import { decide, DecideInput, ProbeResult } from './stateMachine';

const T0 = new Date('2026-11-21T12:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const spec: ValidatorNodeSpec = {
  chain: { type: 'substrate', network: 'westend' },
  role: 'validator',
  image: `x@sha256:${'a'.repeat(64)}`,
  hotKeySecretRef: { name: 'k' },
  syncPolicy: { maxBlockLag: 10, maxRestartAttempts: 2, probeIntervalSeconds: 30, syncTimeoutMinutes: 10 },
};
const good = (lag = 2, isSyncing = false): ProbeResult => ({
  ok: true, currentBlock: 1000, highestBlock: 1000 + lag, peers: 20, isSyncing, latencyMs: 3,
});
const input = (status: ValidatorNodeStatus | undefined, over: Partial<DecideInput> = {}): DecideInput => ({
  spec, generation: 1, status, podReady: true, retryRequested: false,
  gate: { fleetSlotFree: true, cooldownSeconds: 60 }, now: T0, ...over,
});

/** Runs the machine through a list of steps, feeding each output status into the next step. */
function run(steps: Array<Partial<DecideInput>>, start?: ValidatorNodeStatus) {
  let status = start;
  const phases: string[] = [];
  const actions: string[] = [];
  for (const s of steps) {
    const out = decide(input(status, s));
    status = out.status;
    phases.push(out.status.phase!);
    actions.push(...out.actions.map(a => (a.type === 'event' ? `event:${a.reason}` : a.type)));
  }
  return { status: status!, phases, actions };
}

describe('decide', () => {
  it('should go Pending → Syncing on the first good probe and Syncing → Synced within maxBlockLag and not syncing', () => {
    const r = run([
      { now: at(0) },
      { probe: { ok: false, error: 'ECONNREFUSED', latencyMs: 1 }, now: at(30) },
      { probe: good(500, true), now: at(60) },
      { probe: good(5, true), now: at(90) },
      { probe: good(5), now: at(120) },
    ]);
    expect(r.phases).toEqual(['Pending', 'Pending', 'Syncing', 'Syncing', 'Synced']);
    expect(r.status).toMatchObject({ blockLag: 5, peers: 20, observedGeneration: 1, lastProbeTime: '2026-11-21T12:02:00Z' });
    expect(r.status.conditions?.find(c => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'Synced' });
  });

  it('should go Synced → Degraded → Recovering in the same pass on a lag breach or a critical risk', () => {
    const synced = run([{ probe: good(), now: at(0) }, { probe: good(), now: at(30) }]).status;
    const lag = decide(input(synced, { probe: good(11), now: at(60) }));
    expect(lag.status.phase).toBe('Recovering');
    expect(lag.actions[0]).toMatchObject({ type: 'event', reason: 'Degraded' });
    expect(lag.actions).toContainEqual({ type: 'startRecovery', strategy: 'restart', startedAt: '2026-11-21T12:01:00Z' });
    expect(lag.status.restartCount).toBe(1);
    expect(lag.status.conditions?.find(c => c.type === 'Recovering')).toMatchObject({ status: 'True', reason: 'Restart', lastTransitionTime: '2026-11-21T12:01:00Z' });

    const risky = decide(input(synced, { probe: good(1), risk: { score: 88, band: 'critical' }, now: at(60) }));
    expect(risky.status.phase).toBe('Recovering');
    expect(risky.status.riskScore).toBe(88);
    const warning = decide(input(synced, { probe: good(1), risk: { score: 60, band: 'warning' }, now: at(60) }));
    expect(warning.status.phase).toBe('Synced');
  });

  it('should degrade a Synced node after three failed probes in a row, not after one', () => {
    const synced = run([{ probe: good(), now: at(0) }, { probe: good(), now: at(30) }]).status;
    const down = { ok: false as const, error: 'connect ECONNREFUSED', latencyMs: 1 };
    expect(decide(input(synced, { probe: down, consecutiveProbeFailures: 1, now: at(60) })).status.phase).toBe('Synced');
    expect(decide(input(synced, { probe: down, consecutiveProbeFailures: 2, now: at(60) })).status.phase).toBe('Synced');
    const out = decide(input(synced, { probe: down, consecutiveProbeFailures: 3, now: at(60) }));
    expect(out.status.phase).toBe('Recovering');
    expect(out.actions).toContainEqual(expect.objectContaining({ reason: 'Degraded', message: 'No answer to 3 probes in a row' }));
  });

  it('should hold a Degraded node back during the cooldown and at the fleet limit, and let it go Synced if it catches up', () => {
    const synced = run([{ probe: good(), now: at(0) }, { probe: good(), now: at(30) }]).status;
    const limited = decide(input(synced, { probe: good(50), now: at(60), gate: { fleetSlotFree: false, cooldownSeconds: 0 } }));
    expect(limited.status.phase).toBe('Degraded');
    expect(limited.heldBack).toBe('fleet-limit');
    expect(limited.actions.some(a => a.type === 'startRecovery')).toBe(false);
    const caughtUp = decide(input(limited.status, { probe: good(1), now: at(90), gate: { fleetSlotFree: false, cooldownSeconds: 0 } }));
    expect(caughtUp.status.phase).toBe('Synced');

    // Recovered at 2:30; breach again at 3:00 with a 60 s cooldown → held; at 3:31 → recovers.
    const r = run([
      { probe: good(), now: at(0) }, { probe: good(), now: at(30) },
      { probe: good(50), now: at(60) }, { probe: good(), now: at(120) }, { probe: good(), now: at(150) },
    ]);
    expect(r.phases).toEqual(['Syncing', 'Synced', 'Recovering', 'Syncing', 'Synced']);
    const held = decide(input(r.status, { probe: good(50), now: at(180) }));
    expect(held).toMatchObject({ heldBack: 'cooldown', status: { phase: 'Degraded' } });
    expect(decide(input(held.status, { probe: good(50), now: at(211) })).status.phase).toBe('Recovering');
  });

  it('should stay Recovering until the pod is back and probing, then go to Syncing', () => {
    const r = run([
      { probe: good(), now: at(0) }, { probe: good(), now: at(30) }, { probe: good(50), now: at(60) },
      { podReady: false, now: at(90) },
      { podReady: true, probe: { ok: false, error: 'refused', latencyMs: 1 }, now: at(120) },
      { podReady: true, probe: good(40, true), now: at(150) },
    ]);
    expect(r.phases).toEqual(['Syncing', 'Synced', 'Recovering', 'Recovering', 'Recovering', 'Syncing']);
  });

  it('should fail when the restart budget is spent or syncTimeoutMinutes pass since the recovery began', () => {
    const spent = run([
      { probe: good(), now: at(0) }, { probe: good(), now: at(30) },
      { probe: good(50), now: at(60) }, { probe: good(), now: at(120) }, { probe: good(), now: at(150) },
      { probe: good(50), now: at(300) }, { probe: good(), now: at(330) }, { probe: good(), now: at(360) },
      { probe: good(50), now: at(500) },
    ]);
    expect(spent.phases.slice(-1)).toEqual(['Failed']);
    expect(spent.actions).toContain('event:RestartBudgetSpent');

    const timeout = run([
      { probe: good(), now: at(0) }, { probe: good(), now: at(30) }, { probe: good(50), now: at(60) },
      { podReady: true, probe: good(40, true), now: at(90) },
      { probe: good(40, true), now: at(60 + 601) },
    ]);
    expect(timeout.phases.slice(-2)).toEqual(['Syncing', 'Failed']);
    expect(timeout.status.conditions?.find(c => c.type === 'Recovering')?.reason).toBe('SyncTimeout');

    const stuck = run([
      { probe: good(), now: at(0) }, { probe: good(), now: at(30) }, { probe: good(50), now: at(60) },
      { podReady: false, now: at(60 + 601) },
    ]);
    expect(stuck.phases.slice(-1)).toEqual(['Failed']);
  });

  it('should reset the restart budget after a stable period in Synced', () => {
    const r = run([
      { probe: good(), now: at(0) }, { probe: good(), now: at(30) },
      { probe: good(50), now: at(60) }, { probe: good(), now: at(120) }, { probe: good(), now: at(150) },
      { probe: good(), now: at(150 + 299) },
    ]);
    expect(r.status.restartCount).toBe(1);
    expect(decide(input(r.status, { probe: good(), now: at(150 + 300) })).status.restartCount).toBe(0);
  });

  it('should leave Failed only on a spec change or the retry annotation', () => {
    const failed: ValidatorNodeStatus = { phase: 'Failed', restartCount: 2, observedGeneration: 1, conditions: [] };
    expect(decide(input(failed, { probe: good(), now: at(0) })).status.phase).toBe('Failed');
    const respec = decide(input(failed, { generation: 2, probe: good(), now: at(0) }));
    expect(respec.status).toMatchObject({ phase: 'Syncing', restartCount: 0, observedGeneration: 2 });
    const retried = decide(input(failed, { retryRequested: true, now: at(0) }));
    expect(retried.status.phase).toBe('Pending');
    expect(retried.actions).toContainEqual({ type: 'clearRetryAnnotation' });
  });

  it('should be a fixed point: the same input twice gives the same status and no new actions', () => {
    const synced = run([{ probe: good(), now: at(0) }, { probe: good(), now: at(30) }]).status;
    const again = decide(input(synced, { now: at(40) }));
    expect(again.status).toEqual(synced);
    expect(again.actions).toEqual([]);
  });
});
