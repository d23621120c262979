import { readFixture } from './fixtures';
import { KubeObject } from './store';

/**
 * Options of {@link validatorNodeObject}.
 *
 * @public
 */
export interface ValidatorNodeObjectOptions {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  spec?: Record<string, unknown>;
  syncPolicy?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/**
 * A `ValidatorNode` (`validators.goldenpath.dev/v1alpha1`) shaped as the
 * operator writes it. Synthetic: no recorded ValidatorNode exists; fields
 * follow the CRD in `@goldenpath/plugin-reliability-common`. By default the
 * node is Synced, 2 blocks behind, with 25 peers, probed just now.
 *
 * @public
 */
export function validatorNodeObject(
  options: ValidatorNodeObjectOptions,
): KubeObject {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    apiVersion: 'validators.goldenpath.dev/v1alpha1',
    kind: 'ValidatorNode',
    metadata: {
      name: options.name,
      namespace: options.namespace ?? 'validators',
      labels: options.labels ?? {},
      generation: 1,
    },
    spec: {
      chain: { type: 'substrate', network: 'westend', rpcPort: 9944 },
      role: 'validator',
      image: `docker.io/parity/polkadot@sha256:${'a'.repeat(64)}`,
      hotKeySecretRef: { name: `${options.name}-keys`, key: 'keystore' },
      storage: { size: '500Gi' },
      syncPolicy: {
        maxBlockLag: 10,
        recoveryStrategy: 'restart',
        maxRestartAttempts: 3,
        probeIntervalSeconds: 30,
        syncTimeoutMinutes: 720,
        ...options.syncPolicy,
      },
      ...options.spec,
    },
    status: {
      phase: 'Synced',
      currentBlock: 21_450_118,
      highestBlock: 21_450_120,
      blockLag: 2,
      peers: 25,
      restartCount: 0,
      lastProbeTime: now,
      observedGeneration: 1,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          lastTransitionTime: now,
          reason: 'Synced',
          message: 'Node is within maxBlockLag of the network head',
          observedGeneration: 1,
        },
      ],
      ...options.status,
    },
  };
}

/**
 * A recorded object from `fixtures/` re-homed under a new name, namespace,
 * labels and (for pods) node, so a test can place real captures where it needs
 * them. `uid`, `resourceVersion` and `managedFields` are dropped so the store
 * assigns fresh ones.
 *
 * @public
 */
export function fixtureAs(
  relativePath: string,
  meta: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    nodeName?: string;
  },
): KubeObject {
  const obj = readFixture(relativePath);
  const {
    uid: _uid,
    resourceVersion: _rv,
    managedFields: _mf,
    selfLink: _sl,
    ...metadata
  } = obj.metadata as Record<string, any>;
  const next: KubeObject = {
    ...obj,
    metadata: {
      ...metadata,
      name: meta.name,
      ...(meta.namespace !== undefined ? { namespace: meta.namespace } : {}),
      ...(meta.labels !== undefined ? { labels: meta.labels } : {}),
    },
  };
  if (meta.nodeName !== undefined && next.kind === 'Pod') {
    next.spec = { ...(next.spec as object), nodeName: meta.nodeName };
  }
  return next;
}
