import {
  readFixture,
  validatorNodeObject,
} from '@goldenpath/fake-kube-apiserver';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { ValidatorNode } from '@goldenpath/plugin-reliability-common';
import {
  controlPlaneQuorum,
  HealthRule,
  NODE_RULES,
  POD_RULES,
  summarize,
  VALIDATOR_NODE_RULES,
} from './rules';

const now = new Date('2026-11-21T12:00:00Z');
const ctx = { now };

const pod = (file: string) =>
  readFixture(`pods/${file}`, now) as unknown as V1Pod;
const node = (file: string) =>
  readFixture(`nodes/${file}`, now) as unknown as V1Node;
const vn = (options: Parameters<typeof validatorNodeObject>[0]) =>
  validatorNodeObject(options) as unknown as ValidatorNode;

function rule<T>(rules: HealthRule<T>[], id: string): HealthRule<T> {
  const r = rules.find(x => x.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return r;
}

const healthyPod = pod('is-healthy__pod-coredns-running.yaml');
const readyNode = node('is-healthy__node-gke-ready.yaml');

describe('health rules', () => {
  it('should fire no pod rule on a running, ready pod', () => {
    const summary = summarize(POD_RULES, healthyPod, ctx, 'Running and ready');
    expect(summary).toEqual({
      severity: 'ok',
      reason: 'Running and ready',
      suggestedAction: null,
      findings: [],
    });
  });

  it('should flag CrashLoopBackOff as critical with the last exit (pod-crash-loop)', () => {
    const f = rule(POD_RULES, 'pod-crash-loop').evaluate(
      pod('gitops-engine__pod-crashloopbackoff-restart3.yaml'),
      ctx,
    );
    expect(f?.severity).toBe('critical');
    expect(f?.reason).toMatch(
      /Container main of pod .* is in CrashLoopBackOff after 3 restarts; last exit: Error \(code 1\)/,
    );
    expect(f?.suggestedAction).toContain('--previous');
    expect(
      rule(POD_RULES, 'pod-crash-loop').evaluate(healthyPod, ctx),
    ).toBeUndefined();
  });

  it('should flag an init container crash loop too (pod-crash-loop)', () => {
    const f = rule(POD_RULES, 'pod-crash-loop').evaluate(
      pod(
        'insights-operator__pod-init-crashloopbackoff-restart7527-NO-KIND.json',
      ),
      ctx,
    );
    expect(f?.reason).toContain('vsystem-hana-init');
    expect(f?.reason).toContain('7527 restarts');
  });

  it('should flag ImagePullBackOff with the image message (pod-image-pull)', () => {
    const f = rule(POD_RULES, 'pod-image-pull').evaluate(
      pod('gitops-engine__pod-imagepullbackoff.yaml'),
      ctx,
    );
    expect(f?.severity).toBe('critical');
    expect(f?.reason).toContain('ImagePullBackOff');
    expect(f?.reason).toContain('ks-guestbook-demo:0.3');
    expect(
      rule(POD_RULES, 'pod-image-pull').evaluate(healthyPod, ctx),
    ).toBeUndefined();
  });

  it('should flag a StartError container (pod-container-config)', () => {
    const f = rule(POD_RULES, 'pod-container-config').evaluate(
      pod('is-healthy__pod-starterror-failed.yaml'),
      ctx,
    );
    expect(f?.severity).toBe('critical');
    expect(f?.reason).toContain('(StartError)');
    expect(f?.reason.length).toBeLessThan(500);
  });

  it('should flag OOMKilled as critical when not ready and warning once running again (pod-oom-killed)', () => {
    const r = rule(POD_RULES, 'pod-oom-killed');
    const down = r.evaluate(
      pod('is-healthy__pod-oomkilled-restart9-not-ready.yaml'),
      ctx,
    );
    const up = r.evaluate(
      pod('is-healthy__pod-oomkilled-restart9-ready.yaml'),
      ctx,
    );
    expect(down?.severity).toBe('critical');
    expect(down?.reason).toContain('memory limit 200Mi');
    expect(up?.severity).toBe('warning');
    expect(up?.reason).toContain('pod ready again');
    expect(r.evaluate(healthyPod, ctx)).toBeUndefined();
  });

  it('should flag an unschedulable pod with the scheduler message (pod-unschedulable)', () => {
    const f = rule(POD_RULES, 'pod-unschedulable').evaluate(
      pod('insights-operator__pod-pending-unschedulable-NO-KIND.json'),
      ctx,
    );
    expect(f?.severity).toBe('critical');
    expect(f?.reason).toContain('0/2 nodes are available');
  });

  it('should flag evicted and failed pods differently (pod-failed)', () => {
    const r = rule(POD_RULES, 'pod-failed');
    const evicted = r.evaluate(pod('is-healthy__pod-evicted.yaml'), ctx);
    expect(evicted?.reason).toContain('was evicted');
    expect(evicted?.suggestedAction).toContain('pressure');
    const failed = r.evaluate(pod('gitops-engine__pod-phase-failed.yaml'), ctx);
    expect(failed?.severity).toBe('critical');
    expect(failed?.reason).toMatch(
      /failed: container exited with Error \(code \d+\)/,
    );
    expect(
      r.evaluate(pod('gitops-engine__pod-phase-succeeded.yaml'), ctx),
    ).toBeUndefined();
  });

  it('should flag a running pod whose readiness probe fails (pod-not-ready)', () => {
    const r = rule(POD_RULES, 'pod-not-ready');
    const f = r.evaluate(pod('gitops-engine__pod-running-not-ready.yaml'), ctx);
    expect(f?.severity).toBe('warning');
    expect(f?.reason).toContain('running but not ready');
    expect(
      r.evaluate(pod('gitops-engine__pod-crashloopbackoff-restart3.yaml'), ctx),
    ).toBeUndefined();
  });

  it('should flag a pod pending for more than 5 minutes only (pod-pending)', () => {
    const r = rule(POD_RULES, 'pod-pending');
    const stuck = pod('gitops-engine__pod-pending-podinitializing.yaml');
    expect(r.evaluate(stuck, ctx)?.reason).toMatch(
      /Pending for \d+ minutes \(PodInitializing\)/,
    );
    const fresh = {
      ...stuck,
      metadata: {
        ...stuck.metadata,
        creationTimestamp: new Date(now.getTime() - 60_000),
      },
    } as V1Pod;
    expect(r.evaluate(fresh, ctx)).toBeUndefined();
  });

  it('should flag many restarts of a pod that is not crash-looping now (pod-restarts)', () => {
    const r = rule(POD_RULES, 'pod-restarts');
    expect(
      r.evaluate(pod('is-healthy__pod-running-257-restarts.yaml'), ctx)?.reason,
    ).toContain('restarted 257 times');
    expect(
      r.evaluate(pod('kubectl-neat__pod-myapp-restart3.json'), ctx),
    ).toBeUndefined();
    expect(
      r.evaluate(pod('is-healthy__pod-crashloopbackoff-restart6.yaml'), ctx),
    ).toBeUndefined();
  });

  it('should flag a pod stuck terminating (pod-terminating-stuck)', () => {
    const r = rule(POD_RULES, 'pod-terminating-stuck');
    const stuck = pod('is-healthy__pod-terminating-stuck-succeeded.yaml');
    expect(r.evaluate(stuck, ctx)?.severity).toBe('warning');
    const justDeleted = {
      ...stuck,
      metadata: {
        ...stuck.metadata,
        deletionTimestamp: new Date(now.getTime() - 10_000),
      },
    } as V1Pod;
    expect(r.evaluate(justDeleted, ctx)).toBeUndefined();
  });

  it('should flag NotReady and Unknown nodes (node-not-ready)', () => {
    const r = rule(NODE_RULES, 'node-not-ready');
    expect(r.evaluate(readyNode, ctx)).toBeUndefined();
    expect(
      r.evaluate(node('is-healthy__node-gke-notready-EDITED.yaml'), ctx)
        ?.severity,
    ).toBe('critical');
    const unknown = structuredClone(readyNode);
    unknown.status!.conditions = unknown.status!.conditions!.map(c =>
      c.type === 'Ready'
        ? {
            ...c,
            status: 'Unknown',
            reason: 'NodeStatusUnknown',
            message: 'Kubelet stopped posting node status.',
          }
        : c,
    );
    expect(r.evaluate(unknown, ctx)?.reason).toContain(
      'Kubelet stopped posting node status.',
    );
  });

  it('should flag pressure conditions (node-pressure)', () => {
    const f = rule(NODE_RULES, 'node-pressure').evaluate(
      node('is-healthy__node-gke-memorypressure-EDITED.yaml'),
      ctx,
    );
    expect(f?.severity).toBe('warning');
    expect(f?.reason).toContain('MemoryPressure');
    expect(
      rule(NODE_RULES, 'node-pressure').evaluate(readyNode, ctx),
    ).toBeUndefined();
  });

  it('should flag NetworkUnavailable (node-network-unavailable)', () => {
    const r = rule(NODE_RULES, 'node-network-unavailable');
    expect(r.evaluate(readyNode, ctx)).toBeUndefined();
    const broken = structuredClone(readyNode);
    broken.status!.conditions = [
      ...broken.status!.conditions!.filter(
        c => c.type !== 'NetworkUnavailable',
      ),
      {
        type: 'NetworkUnavailable',
        status: 'True',
        reason: 'NoRouteCreated',
        message: 'RouteController failed to create a route',
      },
    ];
    expect(r.evaluate(broken, ctx)?.reason).toContain('RouteController failed');
  });

  it('should flag a cordoned node (node-cordoned)', () => {
    const r = rule(NODE_RULES, 'node-cordoned');
    const cordoned = {
      ...readyNode,
      spec: { ...readyNode.spec, unschedulable: true },
    } as V1Node;
    expect(r.evaluate(cordoned, ctx)?.suggestedAction).toContain(
      'kubectl uncordon',
    );
    expect(r.evaluate(readyNode, ctx)).toBeUndefined();
  });

  it('should grade validator phases (validator-phase)', () => {
    const r = rule(VALIDATOR_NODE_RULES, 'validator-phase');
    expect(r.evaluate(vn({ name: 'a' }), ctx)).toBeUndefined();
    expect(
      r.evaluate(vn({ name: 'a', status: { phase: 'Failed' } }), ctx)?.severity,
    ).toBe('critical');
    expect(
      r.evaluate(
        vn({
          name: 'a',
          status: { phase: 'Degraded' },
          syncPolicy: { recoveryStrategy: 'cordon-and-alert' },
        }),
        ctx,
      )?.suggestedAction,
    ).toContain('by hand');
    expect(
      r.evaluate(vn({ name: 'a', status: { phase: 'Recovering' } }), ctx)
        ?.severity,
    ).toBe('warning');
  });

  it('should compare block lag with maxBlockLag (validator-block-lag)', () => {
    const r = rule(VALIDATOR_NODE_RULES, 'validator-block-lag');
    expect(
      r.evaluate(vn({ name: 'a', status: { blockLag: 10 } }), ctx),
    ).toBeUndefined();
    expect(
      r.evaluate(vn({ name: 'a', status: { blockLag: 11 } }), ctx)?.severity,
    ).toBe('warning');
    expect(
      r.evaluate(vn({ name: 'a', status: { blockLag: 101 } }), ctx)?.severity,
    ).toBe('critical');
    const fromHeights = vn({
      name: 'a',
      status: { blockLag: undefined, currentBlock: 100, highestBlock: 150 },
      syncPolicy: { maxBlockLag: 20 },
    });
    expect(r.evaluate(fromHeights, ctx)?.reason).toContain(
      '50 blocks behind the network head (maxBlockLag 20)',
    );
  });

  it('should flag zero peers as critical and few peers as a warning (validator-peers)', () => {
    const r = rule(VALIDATOR_NODE_RULES, 'validator-peers');
    expect(
      r.evaluate(vn({ name: 'a', status: { peers: 0 } }), ctx)?.severity,
    ).toBe('critical');
    expect(
      r.evaluate(vn({ name: 'a', status: { peers: 2 } }), ctx)?.severity,
    ).toBe('warning');
    expect(
      r.evaluate(vn({ name: 'a', status: { peers: 3 } }), ctx),
    ).toBeUndefined();
  });

  it('should compare restarts with maxRestartAttempts (validator-restart-budget)', () => {
    const r = rule(VALIDATOR_NODE_RULES, 'validator-restart-budget');
    expect(
      r.evaluate(vn({ name: 'a', status: { restartCount: 1 } }), ctx),
    ).toBeUndefined();
    expect(
      r.evaluate(vn({ name: 'a', status: { restartCount: 2 } }), ctx)?.severity,
    ).toBe('warning');
    expect(
      r.evaluate(vn({ name: 'a', status: { restartCount: 3 } }), ctx)?.reason,
    ).toContain('used 3 of 3 restart attempts');
    expect(
      r.evaluate(
        vn({
          name: 'a',
          status: { restartCount: 3 },
          syncPolicy: { maxRestartAttempts: 10 },
        }),
        ctx,
      ),
    ).toBeUndefined();
  });

  it('should flag a stale probe (validator-probe-stale)', () => {
    const r = rule(VALIDATOR_NODE_RULES, 'validator-probe-stale');
    const at = (msAgo: number) => new Date(now.getTime() - msAgo).toISOString();
    expect(
      r.evaluate(vn({ name: 'a', status: { lastProbeTime: at(60_000) } }), ctx),
    ).toBeUndefined();
    expect(
      r.evaluate(vn({ name: 'a', status: { lastProbeTime: at(91_000) } }), ctx)
        ?.reason,
    ).toContain('last probed 91 s ago (interval 30 s)');
    expect(
      r.evaluate(
        vn({
          name: 'a',
          status: { lastProbeTime: at(91_000) },
          syncPolicy: { probeIntervalSeconds: 60 },
        }),
        ctx,
      ),
    ).toBeUndefined();
  });

  it('should flag a False condition (validator-condition)', () => {
    const r = rule(VALIDATOR_NODE_RULES, 'validator-condition');
    expect(r.evaluate(vn({ name: 'a' }), ctx)).toBeUndefined();
    const f = r.evaluate(
      vn({
        name: 'a',
        status: {
          conditions: [
            {
              type: 'KeystoreMounted',
              status: 'False',
              reason: 'SecretMissing',
              message: 'secret a-keys not found',
              lastTransitionTime: now.toISOString(),
            },
          ],
        },
      }),
      ctx,
    );
    expect(f?.reason).toContain(
      'KeystoreMounted is False (SecretMissing: secret a-keys not found)',
    );
  });

  it('should fold findings into the worst summary', () => {
    const s = summarize(
      VALIDATOR_NODE_RULES,
      vn({ name: 'a', status: { peers: 2, phase: 'Failed', restartCount: 3 } }),
      ctx,
      'Synced',
    );
    expect(s.severity).toBe('critical');
    expect(s.findings.map(f => f.rule)).toEqual([
      'validator-phase',
      'validator-restart-budget',
      'validator-peers',
    ]);
    expect(s.reason).toBe('Validator node validators/a has Failed (+2 more)');
  });

  it('should compute control-plane quorum as floor(n/2)+1 (control-plane-quorum)', () => {
    const cp = (name: string, ready: boolean): V1Node => {
      const n = structuredClone(
        node('is-healthy__node-k3s-control-plane-etcd.yaml'),
      );
      n.metadata!.name = name;
      n.status!.conditions = n.status!.conditions!.map(c =>
        c.type === 'Ready' ? { ...c, status: ready ? 'True' : 'False' } : c,
      );
      return n;
    };
    const five = controlPlaneQuorum([
      cp('a', true),
      cp('b', true),
      cp('c', true),
      cp('d', true),
      cp('e', false),
      readyNode,
    ]);
    expect(five).toMatchObject({
      controlPlaneNodes: 5,
      readyControlPlaneNodes: 4,
      majority: 3,
      toleratedFailures: 1,
      hasQuorum: true,
    });
    expect(five.summary.severity).toBe('ok');
    const three = controlPlaneQuorum([
      cp('a', true),
      cp('b', true),
      cp('c', false),
    ]);
    expect(three).toMatchObject({
      majority: 2,
      toleratedFailures: 0,
      hasQuorum: true,
    });
    expect(three.summary.severity).toBe('warning');
    const lost = controlPlaneQuorum([
      cp('a', true),
      cp('b', false),
      cp('c', false),
    ]);
    expect(lost.hasQuorum).toBe(false);
    expect(lost.summary.reason).toBe(
      'Control plane lost quorum: 1 of 3 control-plane nodes Ready, 2 needed',
    );
    const openshift = controlPlaneQuorum([
      node('insights-operator__node-openshift-master-0-NO-KIND.json'),
    ]);
    expect(openshift).toMatchObject({
      controlPlaneNodes: 1,
      majority: 1,
      toleratedFailures: 0,
    });
    expect(openshift.summary.reason).toContain('no failure tolerance');
    expect(controlPlaneQuorum([readyNode]).hasQuorum).toBeNull();
  });
});
