import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  fixtureAs,
  KubeObject,
  validatorNodeObject,
} from '@goldenpath/fake-kube-apiserver';

/** The catalog entity the fake fleet belongs to. */
export const ALPHA: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'validator-alpha',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'validator-alpha',
      'argocd/app-name': 'validator-alpha',
    },
  },
  spec: { type: 'service', owner: 'team-chain', lifecycle: 'production' },
};

export const ALPHA_LABELS = {
  'backstage.io/kubernetes-id': 'validator-alpha',
  app: 'validator',
};

function controlPlane(name: string, ready: boolean): KubeObject {
  const node = fixtureAs('nodes/is-healthy__node-k3s-control-plane-etcd.yaml', {
    name,
  });
  const status = node.status as any;
  status.conditions = status.conditions.map((c: any) =>
    c.type === 'Ready' ? { ...c, status: ready ? 'True' : 'False' } : c,
  );
  return node;
}

/**
 * A realistic small cluster built from recorded objects: three control-plane
 * nodes (one NotReady), a healthy worker and one under MemoryPressure, pods of
 * `validator-alpha` (one crash-looping) and of another entity, ValidatorNodes of
 * both, and the Argo CD Application of `validator-alpha`.
 */
export function fleetObjects(): KubeObject[] {
  return [
    controlPlane('cp-1', true),
    controlPlane('cp-2', true),
    controlPlane('cp-3', false),
    fixtureAs('nodes/is-healthy__node-gke-ready.yaml', { name: 'pool-a' }),
    fixtureAs('nodes/is-healthy__node-gke-memorypressure-EDITED.yaml', {
      name: 'pool-b',
    }),
    fixtureAs('pods/gitops-engine__pod-crashloopbackoff-restart3.yaml', {
      name: 'validator-alpha-0',
      namespace: 'validators',
      labels: ALPHA_LABELS,
      nodeName: 'pool-a',
    }),
    fixtureAs('pods/is-healthy__pod-coredns-running.yaml', {
      name: 'validator-alpha-1',
      namespace: 'validators',
      labels: ALPHA_LABELS,
      nodeName: 'pool-b',
    }),
    fixtureAs('pods/gitops-engine__pod-imagepullbackoff.yaml', {
      name: 'validator-beta-0',
      namespace: 'validators',
      labels: { 'backstage.io/kubernetes-id': 'validator-beta' },
      nodeName: 'cp-1',
    }),
    validatorNodeObject({ name: 'alpha-0', labels: ALPHA_LABELS }),
    validatorNodeObject({
      name: 'alpha-1',
      labels: ALPHA_LABELS,
      status: {
        phase: 'Degraded',
        blockLag: 40,
        currentBlock: 21_450_080,
        highestBlock: 21_450_120,
        peers: 2,
        restartCount: 2,
      },
    }),
    validatorNodeObject({
      name: 'beta-0',
      labels: { 'backstage.io/kubernetes-id': 'validator-beta' },
    }),
    fixtureAs('argocd/argo-cd__application-synced-healthy.yaml', {
      name: 'validator-alpha',
      namespace: 'argocd',
    }),
  ];
}

/** Root config listing clusters the way the Kubernetes plugin does. */
export function clustersConfig(
  clusters: Array<{ name: string; url: string; token?: string }>,
  extra: object = {},
) {
  return new ConfigReader({
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: clusters.map(c => ({
            name: c.name,
            url: c.url,
            authProvider: 'serviceAccount',
            serviceAccountToken: c.token ?? 'fake-token',
            skipTLSVerify: true,
          })),
        },
      ],
    },
    ...extra,
  });
}

export async function waitFor<T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs)
      throw new Error('timed out waiting for condition');
    await new Promise(r => setTimeout(r, 20));
  }
}
