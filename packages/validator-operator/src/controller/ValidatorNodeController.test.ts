import { FakeKubeApiServer } from '@goldenpath/fake-kube-apiserver';
import { ValidatorNode } from '@goldenpath/plugin-reliability-common';
import { OperatorMetrics } from '../metrics';
import { StaticRiskReader } from '../risk/RiskReader';
import { MemoryTelemetrySink, PROBE_METRICS } from '../telemetry/TelemetrySink';
import { FakeSubstrateNode } from '../__testUtils__/FakeSubstrateNode';
import {
  FakeKubelet,
  newValidatorNode,
  startFakeCluster,
  TestClock,
  waitFor,
  writesSince,
} from '../__testUtils__/harness';
import { silentLogger } from '../logger';
import { KubeGateway } from '../kube/KubeGateway';
import { ValidatorNodeController } from './ValidatorNodeController';

jest.setTimeout(20_000);

describe('ValidatorNodeController', () => {
  let server: FakeKubeApiServer;
  let kube: KubeGateway;
  let chain: FakeSubstrateNode;
  let clock: TestClock;
  let kubelet: FakeKubelet;
  let telemetry: MemoryTelemetrySink;
  let risk: StaticRiskReader;
  let metrics: OperatorMetrics;
  const controllers: ValidatorNodeController[] = [];

  async function setup(
    nodes: Array<ReturnType<typeof newValidatorNode>>,
    extra: object[] = [],
  ) {
    clock = new TestClock();
    chain = await FakeSubstrateNode.start();
    ({ server, kube } = await startFakeCluster([...nodes, ...(extra as any)]));
    kubelet = new FakeKubelet(server, clock);
    telemetry = new MemoryTelemetrySink();
    risk = new StaticRiskReader();
    metrics = OperatorMetrics.create();
    for (const n of nodes) {
      chain.set(`/validators/${n.metadata.name}`, {
        currentBlock: 1000,
        highestBlock: 1002,
        peers: 25,
        isSyncing: false,
      });
    }
    return newController();
  }

  async function newController(identity = 'op-a') {
    const c = ValidatorNodeController.create({
      kube,
      logger: silentLogger,
      metrics,
      telemetry,
      risk,
      identity,
      now: clock.now,
      recoveryCooldownSeconds: 60,
      probeUrl: n => `${chain.url}/${n.metadata.namespace}/${n.metadata.name}`,
    });
    controllers.push(c);
    await c.start({ runQueue: false });
    return c;
  }

  const nodeOf = (name: string) =>
    server.store.get(
      server.store.findTypeByKind('validators.goldenpath.dev/v1alpha1', 'ValidatorNode')!,
      'validators',
      name,
    ) as unknown as ValidatorNode;
  const pod = (name: string) =>
    server.store
      .list(server.store.findTypeByKind('v1', 'Pod')!, 'validators')
      .find(p => p.metadata.name === `${name}-0`);
  const podDeletes = (from = 0) =>
    writesSince(server, from).filter(w => w.startsWith('DELETE') && w.includes('/pods/'));

  /** Advances the clock one probe interval, waits for caches, reconciles. */
  async function step(c: ValidatorNodeController, name: string, seconds = 30) {
    clock.advance(seconds);
    await new Promise(r => setTimeout(r, 30));
    const rv = nodeOf(name).metadata.resourceVersion;
    await waitFor(() => c.nodes().some(n => n.metadata.name === name && Number(n.metadata.resourceVersion) >= Number(rv)));
    return c.reconcile('validators', name);
  }

  async function toSynced(c: ValidatorNodeController, name: string) {
    await c.reconcile('validators', name);
    await waitFor(() => !!pod(name));
    await step(c, name);
    await step(c, name);
    expect(nodeOf(name).status?.phase).toBe('Synced');
  }

  afterEach(async () => {
    for (const c of controllers.splice(0)) await c.stop();
    kubelet?.stop();
    await chain?.close();
    await server?.close();
  });

  it('should create the owned objects, walk Pending → Syncing → Synced and make no write on an unchanged second pass', async () => {
    const c = await setup([newValidatorNode('alpha')]);
    const first = await c.reconcile('validators', 'alpha');
    expect(first.writes).toEqual(
      expect.arrayContaining([
        'add finalizer',
        'create persistentvolumeclaim/alpha-data',
        'create service/alpha',
        'create statefulset/alpha',
      ]),
    );
    expect(nodeOf('alpha').metadata.finalizers).toEqual(['validators.goldenpath.dev/finalizer']);
    await waitFor(() => !!pod('alpha'));

    const second = await step(c, 'alpha');
    expect(second.probed).toBe(true);
    expect(nodeOf('alpha').status).toMatchObject({
      phase: 'Syncing',
      currentBlock: 1000,
      highestBlock: 1002,
      blockLag: 2,
      peers: 25,
      observedGeneration: 1,
    });
    await step(c, 'alpha');
    expect(nodeOf('alpha').status?.phase).toBe('Synced');
    expect(nodeOf('alpha').status?.conditions?.find(x => x.type === 'Ready')?.status).toBe('True');

    // Unchanged world, no probe due: zero writes on the fake.
    await new Promise(r => setTimeout(r, 50));
    const before = server.requests.length;
    const again = await c.reconcile('validators', 'alpha');
    expect(again.writes).toEqual([]);
    expect(writesSince(server, before)).toEqual([]);

    expect(telemetry.rows.filter(r => r.node === 'alpha').map(r => r.metric)).toEqual(
      expect.arrayContaining(['block_height', 'network_height', 'block_lag', 'peers', 'probe_latency_ms']),
    );
    expect(new Set(telemetry.rows.map(r => r.metric))).toEqual(new Set(PROBE_METRICS));
    expect(telemetry.rows[0]).toMatchObject({ component: 'alpha', namespace: 'validators', cluster: 'default' });
    const phase = await metrics.registry.getSingleMetricAsString('validator_operator_node_phase');
    expect(phase).toContain('name="alpha",phase="Synced"} 1');
  });

  it('should recover by restart within one probe interval of a lag breach and come back to Synced', async () => {
    const c = await setup([newValidatorNode('beta')]);
    await toSynced(c, 'beta');
    const oldUid = pod('beta')!.metadata.uid;
    const from = server.requests.length;

    chain.set('/validators/beta', { currentBlock: 1000, highestBlock: 1100 });
    const breach = await step(c, 'beta');
    expect(breach.phase).toBe('Recovering');
    expect(breach.writes).toEqual(expect.arrayContaining(['status Recovering', 'delete pod/beta-0']));
    expect(podDeletes(from)).toHaveLength(1);
    expect(nodeOf('beta').status).toMatchObject({ phase: 'Recovering', restartCount: 1, blockLag: 100 });

    await waitFor(() => !!pod('beta') && pod('beta')!.metadata.uid !== oldUid);
    chain.set('/validators/beta', { currentBlock: 1100, highestBlock: 1101 });
    expect((await step(c, 'beta')).phase).toBe('Syncing');
    expect((await step(c, 'beta')).phase).toBe('Synced');
    const rc = nodeOf('beta').status?.conditions?.find(x => x.type === 'Recovering');
    expect(rc).toMatchObject({ status: 'False', reason: 'Recovered' });
    expect(podDeletes(from)).toHaveLength(1);
    const recoveries = await metrics.registry.getSingleMetricAsString('validator_operator_recoveries_total');
    expect(recoveries).toContain('strategy="restart"} 1');
  });

  it('should restart a node that stops answering after three failed probes', async () => {
    const c = await setup([newValidatorNode('omega')]);
    await toSynced(c, 'omega');
    const from = server.requests.length;
    chain.set('/validators/omega', { down: true });
    expect((await step(c, 'omega')).phase).toBe('Synced');
    expect((await step(c, 'omega')).phase).toBe('Synced');
    expect(nodeOf('omega').status?.conditions?.find(x => x.type === 'Ready')?.message).toBe('Probe failed: system_health: HTTP 503');
    expect((await step(c, 'omega')).phase).toBe('Recovering');
    expect(podDeletes(from)).toHaveLength(1);
    expect(telemetry.rows.filter(r => r.node === 'omega' && r.metric === 'probe_latency_ms').length).toBeGreaterThanOrEqual(5);
  });

  it('should not recover a second time when the operator restarts in the middle of a recovery', async () => {
    const c = await setup([newValidatorNode('gamma')]);
    await toSynced(c, 'gamma');
    kubelet.paused = true;
    const from = server.requests.length;
    chain.set('/validators/gamma', { highestBlock: 1500 });
    expect((await step(c, 'gamma')).phase).toBe('Recovering');
    expect(podDeletes(from)).toHaveLength(1);
    await c.stop();

    // A new operator process (new caches, no memory) takes over while the pod is still gone.
    const d = await newController('op-b');
    await step(d, 'gamma');
    await step(d, 'gamma');
    expect(nodeOf('gamma').status?.phase).toBe('Recovering');
    kubelet.paused = false;
    kubelet.sync();
    await waitFor(() => !!pod('gamma'));
    chain.set('/validators/gamma', { currentBlock: 1500, highestBlock: 1500 });
    expect((await step(d, 'gamma')).phase).toBe('Syncing');
    expect(podDeletes(from)).toHaveLength(1);
    expect(nodeOf('gamma').status?.restartCount).toBe(1);
  });

  it('should restore from the newest ready VolumeSnapshot through API calls', async () => {
    const snapshot = (name: string, created: string, ready: boolean) => ({
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshot',
      metadata: { name, namespace: 'validators' },
      spec: { source: { persistentVolumeClaimName: 'delta-data' }, volumeSnapshotClassName: 'csi' },
      status: { readyToUse: ready, creationTime: created, restoreSize: '500Gi' },
    });
    const c = await setup(
      [newValidatorNode('delta', { syncPolicy: { recoveryStrategy: 'snapshot-restore' } })],
      [
        snapshot('delta-old', '2026-11-20T00:00:00Z', true),
        snapshot('delta-new', '2026-11-21T06:00:00Z', true),
        snapshot('delta-broken', '2026-11-21T11:00:00Z', false),
      ],
    );
    await toSynced(c, 'delta');
    const from = server.requests.length;
    chain.set('/validators/delta', { highestBlock: 5000 });
    const out = await step(c, 'delta');
    expect(out.phase).toBe('Recovering');
    const claim = `delta-data-r${Math.floor(clock.now().getTime() / 1000)}`;
    expect(out.writes).toEqual(
      expect.arrayContaining([
        'list volumesnapshots',
        `create persistentvolumeclaim/${claim} from volumesnapshot/delta-new`,
        `annotate validatornode/delta validators.goldenpath.dev/data-claim=${claim}`,
        'update statefulset/delta',
        'delete pod/delta-0',
      ]),
    );
    const pvc = server.store
      .list(server.store.findTypeByKind('v1', 'PersistentVolumeClaim')!, 'validators')
      .find(p => p.metadata.name === claim)!;
    expect((pvc.spec as any).dataSource).toEqual({
      apiGroup: 'snapshot.storage.k8s.io',
      kind: 'VolumeSnapshot',
      name: 'delta-new',
    });
    const sts = server.store.get(server.store.findTypeByKind('apps/v1', 'StatefulSet')!, 'validators', 'delta');
    expect((sts.spec as any).template.spec.volumes[0]).toEqual({ name: 'data', persistentVolumeClaim: { claimName: claim } });
    expect(podDeletes(from)).toHaveLength(1);
    await waitFor(() => (pod('delta')?.spec as any)?.volumes?.[0]?.persistentVolumeClaim?.claimName === claim);
  });

  it('should fail a snapshot-restore with no ready VolumeSnapshot and say why', async () => {
    const c = await setup([newValidatorNode('lambda', { syncPolicy: { recoveryStrategy: 'snapshot-restore' } })]);
    await toSynced(c, 'lambda');
    const from = server.requests.length;
    chain.set('/validators/lambda', { highestBlock: 5000 });
    const out = await step(c, 'lambda');
    expect(out.phase).toBe('Failed');
    expect(nodeOf('lambda').status?.conditions?.find(x => x.type === 'Recovering')).toMatchObject({
      status: 'False',
      reason: 'NoReadySnapshot',
      message: 'No ready VolumeSnapshot of claim lambda-data in namespace validators',
    });
    const events = server.store.list(server.store.findTypeByKind('v1', 'Event')!, 'validators');
    expect(events.some(e => e.reason === 'NoReadySnapshot' && e.type === 'Warning')).toBe(true);
    expect(podDeletes(from)).toHaveLength(0);
  });

  it('should cordon the Kubernetes node, emit a Warning Event and set the Alert condition', async () => {
    const c = await setup([newValidatorNode('eps', { syncPolicy: { recoveryStrategy: 'cordon-and-alert' } })]);
    await toSynced(c, 'eps');
    chain.set('/validators/eps', { highestBlock: 2000 });
    const from = server.requests.length;
    const out = await step(c, 'eps');
    expect(out.writes).toEqual(expect.arrayContaining(['cordon node/worker-1', 'event NodeCordoned']));
    const node = server.store.get(server.store.findTypeByKind('v1', 'Node')!, undefined, 'worker-1');
    expect((node.spec as any).unschedulable).toBe(true);
    const events = server.store.list(server.store.findTypeByKind('v1', 'Event')!, 'validators');
    expect(events.find(e => e.reason === 'NodeCordoned')).toMatchObject({
      type: 'Warning',
      involvedObject: { kind: 'ValidatorNode', name: 'eps' },
    });
    expect(nodeOf('eps').status?.conditions?.find(x => x.type === 'Alert')).toMatchObject({ status: 'True', reason: 'NodeCordoned' });
    expect(podDeletes(from)).toHaveLength(0);
  });

  it('should mark Failed when the restart budget is spent and leave Failed on the retry annotation', async () => {
    const c = await setup([newValidatorNode('zeta', { syncPolicy: { maxRestartAttempts: 1 } })]);
    await toSynced(c, 'zeta');
    chain.set('/validators/zeta', { highestBlock: 9000 });
    expect((await step(c, 'zeta')).phase).toBe('Recovering');
    await waitFor(() => !!pod('zeta'));
    await new Promise(r => setTimeout(r, 30));
    expect((await step(c, 'zeta')).phase).toBe('Syncing');
    chain.set('/validators/zeta', { currentBlock: 9000, highestBlock: 9000 });
    expect((await step(c, 'zeta')).phase).toBe('Synced');
    chain.set('/validators/zeta', { highestBlock: 20000 });
    expect((await step(c, 'zeta', 120)).phase).toBe('Failed');
    expect(nodeOf('zeta').status?.conditions?.find(x => x.type === 'Recovering')?.reason).toBe('RestartBudgetSpent');
    expect((await step(c, 'zeta')).phase).toBe('Failed');

    await kube.patchValidatorNodeMetadata('validators', 'zeta', { annotations: { 'validators.goldenpath.dev/retry': 'now' } });
    const out = await step(c, 'zeta');
    expect(out.phase).toBe('Syncing');
    expect(nodeOf('zeta').status?.restartCount).toBe(0);
    expect(nodeOf('zeta').metadata.annotations?.['validators.goldenpath.dev/retry']).toBeUndefined();
  });

  it('should degrade on a critical composite risk and hold recoveries back at the fleet limit', async () => {
    const c = await setup([newValidatorNode('eta'), newValidatorNode('theta')]);
    await toSynced(c, 'eta');
    await toSynced(c, 'theta');
    kubelet.paused = true;
    risk.risks.set('validators/eta', { score: 91, band: 'critical' });
    expect((await step(c, 'eta')).phase).toBe('Recovering');
    expect(nodeOf('eta').status?.riskScore).toBe(91);

    const limited = ValidatorNodeController.create({
      kube, logger: silentLogger, metrics, telemetry, risk, now: clock.now,
      maxConcurrentRecoveries: 1,
      probeUrl: n => `${chain.url}/${n.metadata.namespace}/${n.metadata.name}`,
    });
    controllers.push(limited);
    await limited.start({ runQueue: false });
    chain.set('/validators/theta', { highestBlock: 8000 });
    expect((await step(limited, 'theta')).phase).toBe('Degraded');
  });

  it('should let concurrent reconciles take no more recovery slots than the fleet limit', async () => {
    const names = ['mu', 'nu', 'xi'];
    await setup(names.map(n => newValidatorNode(n)));
    const c = ValidatorNodeController.create({
      kube, logger: silentLogger, metrics, telemetry, risk, now: clock.now,
      maxConcurrentRecoveries: 1,
      probeUrl: n => `${chain.url}/${n.metadata.namespace}/${n.metadata.name}`,
    });
    controllers.push(c);
    await c.start({ runQueue: false });
    for (const n of names) await toSynced(c, n);
    kubelet.paused = true;
    for (const n of names) chain.set(`/validators/${n}`, { highestBlock: 9999 });
    clock.advance(30);
    await new Promise(r => setTimeout(r, 50));
    const outcomes = await Promise.all(names.map(n => c.reconcile('validators', n)));
    expect(outcomes.map(o => o.phase).sort()).toEqual(['Degraded', 'Degraded', 'Recovering']);
    expect(podDeletes()).toHaveLength(1);
  });

  /** The delay of the last `addAfter` the controller made for `name` (its next reconcile). */
  const scheduled = (spy: jest.SpyInstance, name: string) =>
    spy.mock.calls.filter(([k]) => k === `validators/${name}`).at(-1)![1] as number;

  it('should probe a Synced node whose lag grows sooner and recover within one block time of the lag crossing maxBlockLag', async () => {
    const c = await setup([newValidatorNode('sigma', { syncPolicy: { maxBlockLag: 10 } })]);
    const addAfter = jest.spyOn(c.queue, 'addAfter');
    await toSynced(c, 'sigma');
    // A chain producing a block every 6 s; the node follows it until it stalls.
    const blockMs = 6000;
    const genesis = clock.now().getTime();
    const head = (t: number) => 2000 + Math.floor((t - genesis) / blockMs);
    const stallAt = genesis + 47_000;
    const frozen = head(stallAt);
    const crossingAt = genesis + (frozen + 11 - 2000) * blockMs;
    const chainAt = (t: number) =>
      chain.set('/validators/sigma', { currentBlock: t < stallAt ? head(t) : frozen, highestBlock: head(t) });

    const gaps: number[] = [];
    let out;
    for (let i = 0; i < 40; i++) {
      const delay = scheduled(addAfter, 'sigma');
      gaps.push(delay);
      chainAt(clock.now().getTime() + delay);
      out = await step(c, 'sigma', delay / 1000);
      if (out.phase !== 'Synced') break;
    }
    const recoveredAt = clock.now().getTime();
    expect(out!.phase).toBe('Recovering');
    expect(out!.writes).toEqual(expect.arrayContaining(['delete pod/sigma-0']));
    expect(recoveredAt).toBeGreaterThanOrEqual(crossingAt);
    expect(recoveredAt - crossingAt).toBeLessThanOrEqual(blockMs);
    // Regular probes (30 s less the 1 s reaction margin) while the node keeps up; shorter
    // gaps only while it falls behind.
    expect(gaps.slice(0, 2)).toEqual([29_000, 29_000]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
    expect(gaps.filter(g => g < 29_000).length).toBeGreaterThanOrEqual(2);
  });

  it('should recover a lag that jumps past maxBlockLag at the next regular probe, within one probe interval', async () => {
    const c = await setup([newValidatorNode('tau')]);
    const addAfter = jest.spyOn(c.queue, 'addAfter');
    await toSynced(c, 'tau');
    const breachAt = clock.now().getTime() + 1;
    chain.set('/validators/tau', { highestBlock: 4000 });
    const out = await step(c, 'tau', scheduled(addAfter, 'tau') / 1000);
    expect(out.phase).toBe('Recovering');
    expect(clock.now().getTime() - breachAt).toBeLessThan(30_000);
  });

  it('should reconcile a node held back by the fleet limit as soon as a recovery ends, not at its next probe', async () => {
    await setup([newValidatorNode('pi'), newValidatorNode('rho')]);
    const c = ValidatorNodeController.create({
      kube, logger: silentLogger, metrics, telemetry, risk, now: clock.now,
      maxConcurrentRecoveries: 1,
      recoveryCooldownSeconds: 0,
      probeUrl: n => `${chain.url}/${n.metadata.namespace}/${n.metadata.name}`,
    });
    controllers.push(c);
    await c.start({ runQueue: false });
    await toSynced(c, 'pi');
    await toSynced(c, 'rho');
    const oldPod = pod('pi')!.metadata.uid;
    chain.set('/validators/pi', { highestBlock: 7000 });
    chain.set('/validators/rho', { highestBlock: 7000 });
    expect((await step(c, 'pi')).phase).toBe('Recovering');
    expect((await c.reconcile('validators', 'rho')).phase).toBe('Degraded');

    await waitFor(() => !!pod('pi') && pod('pi')!.metadata.uid !== oldPod);
    chain.set('/validators/pi', { currentBlock: 7000 });
    const rv = nodeOf('rho').metadata.resourceVersion;
    await waitFor(() => c.nodes().some(n => n.metadata.name === 'rho' && n.metadata.resourceVersion === rv));
    const add = jest.spyOn(c.queue, 'add');
    expect((await step(c, 'pi')).phase).toBe('Syncing');
    expect(add).toHaveBeenCalledWith('validators/rho');
    // That reconcile, right away, takes the freed slot.
    expect((await c.reconcile('validators', 'rho')).phase).toBe('Recovering');
  });

  it('should write telemetry of a node with spec.analyticsEndpoint to that endpoint\'s sink', async () => {
    await setup([newValidatorNode('kappa', { spec: { analyticsEndpoint: 'http://clickhouse.analytics:8123' } })]);
    const own = new MemoryTelemetrySink();
    const endpoints: string[] = [];
    const c = ValidatorNodeController.create({
      kube, logger: silentLogger, metrics, telemetry, risk, now: clock.now,
      telemetryForEndpoint: url => {
        endpoints.push(url);
        return own;
      },
      probeUrl: n => `${chain.url}/${n.metadata.namespace}/${n.metadata.name}`,
    });
    controllers.push(c);
    await c.start({ runQueue: false });
    await c.reconcile('validators', 'kappa');
    await waitFor(() => !!pod('kappa'));
    await step(c, 'kappa');
    await step(c, 'kappa');
    expect(endpoints).toEqual(['http://clickhouse.analytics:8123']);
    expect(own.rows.filter(r => r.metric === 'block_height')).toHaveLength(2);
    expect(telemetry.rows).toEqual([]);
  });

  it('should come back for a node held back by its cooldown when the cooldown ends, not at its next probe', async () => {
    await setup([newValidatorNode('psi')]);
    const c = ValidatorNodeController.create({
      kube, logger: silentLogger, metrics, telemetry, risk, now: clock.now,
      recoveryCooldownSeconds: 40,
      probeUrl: n => `${chain.url}/${n.metadata.namespace}/${n.metadata.name}`,
    });
    controllers.push(c);
    await c.start({ runQueue: false });
    const addAfter = jest.spyOn(c.queue, 'addAfter');
    await toSynced(c, 'psi');
    const oldPod = pod('psi')!.metadata.uid;
    chain.set('/validators/psi', { highestBlock: 3000 });
    expect((await step(c, 'psi')).phase).toBe('Recovering');
    await waitFor(() => !!pod('psi') && pod('psi')!.metadata.uid !== oldPod);
    chain.set('/validators/psi', { currentBlock: 3000 });
    expect((await step(c, 'psi')).phase).toBe('Syncing');
    expect((await step(c, 'psi')).phase).toBe('Synced');
    const endedAt = clock.now().getTime();

    chain.set('/validators/psi', { highestBlock: 6000 });
    const held = await step(c, 'psi', scheduled(addAfter, 'psi') / 1000);
    expect(held.phase).toBe('Degraded');
    const wait = scheduled(addAfter, 'psi');
    expect(endedAt + 40_000 - clock.now().getTime()).toBe(wait);
    expect(wait).toBeLessThan(29_000);
    const out = await step(c, 'psi', wait / 1000);
    expect(out).toMatchObject({ phase: 'Recovering', probed: false });
  });

  it('should update the StatefulSet and roll the pod when the spec changes after passes over an unchanged spec', async () => {
    const c = await setup([newValidatorNode('chi')]);
    await toSynced(c, 'chi');
    const from = server.requests.length;
    expect((await step(c, 'chi')).writes).toEqual([]);
    const current = nodeOf('chi') as any;
    server.store.upsert({ ...current, spec: { ...current.spec, image: `docker.io/parity/polkadot@sha256:${'b'.repeat(64)}` } });
    await waitFor(() => c.nodes().some(n => n.metadata.name === 'chi' && n.spec.image.endsWith('b'.repeat(64))));
    const out = await c.reconcile('validators', 'chi');
    expect(out.writes).toEqual(expect.arrayContaining(['update statefulset/chi', 'delete pod (config changed)']));
    expect(podDeletes(from)).toHaveLength(1);
    const sts = server.store.get(server.store.findTypeByKind('apps/v1', 'StatefulSet')!, 'validators', 'chi') as any;
    expect(sts.spec.template.spec.containers[0].image).toBe(`docker.io/parity/polkadot@sha256:${'b'.repeat(64)}`);
  });

  it('should remove its finalizer when a ValidatorNode is deleted', async () => {
    const c = await setup([newValidatorNode('iota')]);
    await c.reconcile('validators', 'iota');
    await kube.kubeConfig; // keep the gateway referenced
    const type = server.store.findTypeByKind('validators.goldenpath.dev/v1alpha1', 'ValidatorNode')!;
    server.store.delete(type, 'validators', 'iota');
    await waitFor(() => c.nodes().some(n => n.metadata.name === 'iota' && !!n.metadata.deletionTimestamp));
    const out = await c.reconcile('validators', 'iota');
    expect(out.writes).toEqual(['remove finalizer']);
    expect(server.store.list(type, 'validators').find(n => n.metadata.name === 'iota')).toBeUndefined();
  });
});
