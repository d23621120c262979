import { FakeKubeApiServer } from '@goldenpath/fake-kube-apiserver';
import { startFakeCluster } from '../__testUtils__/harness';
import { KubeGateway } from '../kube/KubeGateway';
import { LeaderElector } from './LeaderElector';

describe('LeaderElector', () => {
  let server: FakeKubeApiServer;
  let kube: KubeGateway;
  let t: number;
  beforeEach(async () => {
    ({ server, kube } = await startFakeCluster([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'goldenpath' } }]));
    t = Date.parse('2026-11-21T12:00:00Z');
  });
  afterEach(() => server.close());

  const elector = (identity: string, log: string[]) =>
    LeaderElector.create({
      kube,
      namespace: 'goldenpath',
      identity,
      leaseDurationSeconds: 15,
      now: () => new Date(t),
      onStartedLeading: () => log.push(`${identity} leads`),
      onStoppedLeading: () => log.push(`${identity} stops`),
    });

  it('should let one replica lead, keep the other waiting and hand over once the lease expires', async () => {
    const log: string[] = [];
    const a = elector('op-a', log);
    const b = elector('op-b', log);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    t += 10_000;
    expect(await a.tryAcquireOrRenew()).toBe(true);
    t += 10_000;
    expect(await b.tryAcquireOrRenew()).toBe(false);
    // op-a stops renewing (crashed); 16 s after its last renewal op-b takes over.
    t += 6_000;
    expect(await b.tryAcquireOrRenew()).toBe(true);
    const lease = await kube.getLease('goldenpath', 'validator-operator');
    expect(lease?.spec).toMatchObject({ holderIdentity: 'op-b', leaseTransitions: 1, leaseDurationSeconds: 15 });
    expect(await a.tryAcquireOrRenew()).toBe(false);
    expect(log).toEqual(['op-a leads', 'op-b leads', 'op-a stops']);
  });

  it('should release the lease on stop so a successor takes over at once', async () => {
    const log: string[] = [];
    const a = elector('op-a', log);
    const b = elector('op-b', log);
    await a.tryAcquireOrRenew();
    await a.stop();
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(log).toEqual(['op-a leads', 'op-a stops', 'op-b leads']);
  });

  it('should make only one of two racing replicas the leader of an expired lease', async () => {
    const log: string[] = [];
    await elector('op-old', log).tryAcquireOrRenew();
    t += 60_000;
    const results = await Promise.all([elector('op-a', log).tryAcquireOrRenew(), elector('op-b', log).tryAcquireOrRenew()]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
