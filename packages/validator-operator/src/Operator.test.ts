import { FakeKubeApiServer } from '@goldenpath/fake-kube-apiserver';
import { KubeGateway } from './kube/KubeGateway';
import { silentLogger } from './logger';
import { OperatorMetrics } from './metrics';
import { Operator } from './Operator';
import { StaticRiskReader } from './risk/RiskReader';
import { MemoryTelemetrySink } from './telemetry/TelemetrySink';
import { FakeSubstrateNode } from './__testUtils__/FakeSubstrateNode';
import { newValidatorNode, startFakeCluster, waitFor } from './__testUtils__/harness';

jest.setTimeout(30_000);

describe('Operator', () => {
  let server: FakeKubeApiServer;
  let kube: KubeGateway;
  let chain: FakeSubstrateNode;
  const operators: Operator[] = [];
  afterEach(async () => {
    for (const o of operators.splice(0)) await o.stop();
    await chain?.close();
    await server?.close();
  });

  const make = (identity: string, lost: string[]) => {
    const o = Operator.create({
      kube,
      identity,
      logger: silentLogger,
      metrics: OperatorMetrics.create(),
      telemetry: new MemoryTelemetrySink(),
      risk: new StaticRiskReader(),
      leaderElection: { namespace: 'goldenpath', leaseDurationSeconds: 1, retryPeriodMs: 100 },
      onLostLeadership: () => lost.push(identity),
      probeUrl: n => `${chain.url}/${n.metadata.namespace}/${n.metadata.name}`,
    });
    operators.push(o);
    return o;
  };
  const sts = (name: string) =>
    server.store
      .list(server.store.findTypeByKind('apps/v1', 'StatefulSet')!, 'validators')
      .find(s => s.metadata.name === name);

  it('should reconcile only on the leader and hand over to the standby when the leader crashes', async () => {
    chain = await FakeSubstrateNode.start();
    ({ server, kube } = await startFakeCluster([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'goldenpath' } },
      newValidatorNode('one'),
    ]));
    const lost: string[] = [];
    const a = make('op-a', lost);
    a.start();
    await waitFor(() => a.ready && !!sts('one'), 10_000);
    const b = make('op-b', lost);
    b.start();
    await new Promise(r => setTimeout(r, 500));
    expect(b.isLeader).toBe(false);

    // The leader crashes (stops renewing, keeps the lease); a new node appears meanwhile.
    await a.crash();
    server.store.upsert(newValidatorNode('two'));
    await new Promise(r => setTimeout(r, 300));
    expect(sts('two')).toBeUndefined();

    await waitFor(() => b.isLeader && b.ready && !!sts('two'), 10_000);
    const lease = await kube.getLease('goldenpath', 'validator-operator');
    expect(lease?.spec).toMatchObject({ holderIdentity: 'op-b', leaseTransitions: 1 });
    expect(lost).toEqual([]);
  });

  it('should stop reconciling and report when another replica takes the lease', async () => {
    chain = await FakeSubstrateNode.start();
    ({ server, kube } = await startFakeCluster([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'goldenpath' } }]));
    const lost: string[] = [];
    const a = make('op-a', lost);
    a.start();
    await waitFor(() => a.ready, 10_000);
    // Someone else holds the lease now (e.g. a partition healed with another leader).
    const lease = (await kube.getLease('goldenpath', 'validator-operator'))!;
    await kube.replaceLease('goldenpath', {
      ...lease,
      spec: { ...lease.spec, holderIdentity: 'op-z', renewTime: new Date(Date.now() + 60_000).toISOString(), leaseDurationSeconds: 60 },
    });
    await waitFor(() => lost.length > 0, 5_000);
    expect(lost).toEqual(['op-a']);
    expect(a.isLeader).toBe(false);
    server.store.upsert(newValidatorNode('late'));
    await new Promise(r => setTimeout(r, 300));
    expect(sts('late')).toBeUndefined();
  });
});
