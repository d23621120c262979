import { createHash } from 'node:crypto';
import {
  VALIDATOR_NODE_API_VERSION,
  VALIDATOR_NODE_KIND,
  ValidatorNode,
} from '@goldenpath/plugin-reliability-common';

/** Labels, annotations and names the operator stamps on what it owns. @public */
export const OPERATOR = {
  managedBy: 'goldenpath-validator-operator',
  finalizer: 'validators.goldenpath.dev/finalizer',
  nodeLabel: 'validators.goldenpath.dev/node',
  configHash: 'validators.goldenpath.dev/config-hash',
  objectHash: 'validators.goldenpath.dev/object-hash',
  dataClaim: 'validators.goldenpath.dev/data-claim',
  retry: 'validators.goldenpath.dev/retry',
  componentLabel: 'backstage.io/kubernetes-id',
} as const;

/** A Kubernetes object as plain JSON. @public */
export type KubeJson = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: unknown[];
    [k: string]: unknown;
  };
  [k: string]: unknown;
};

const P2P_PORT = 30333;
const KEYSTORE_PATH = '/keystore';

/**
 * Stable SHA-256 (first 16 hex digits) of a JSON value with sorted keys.
 * @public
 */
export function stableHash(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('hex').slice(0, 16);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Name of the PersistentVolumeClaim holding the node's chain data: the
 * `validators.goldenpath.dev/data-claim` annotation (set by `snapshot-restore`) or `<name>-data`.
 * @public
 */
export function dataClaimName(node: ValidatorNode): string {
  return node.metadata.annotations?.[OPERATOR.dataClaim] ?? `${node.metadata.name}-data`;
}

/**
 * The Backstage component the node belongs to: its `backstage.io/kubernetes-id` label, else its name.
 * @public
 */
export function componentOf(node: ValidatorNode): string {
  return node.metadata.labels?.[OPERATOR.componentLabel] ?? node.metadata.name;
}

/**
 * Hash of everything that shapes the pod: the spec fields the pod uses and the data claim.
 * Stamped on the pod template as `validators.goldenpath.dev/config-hash`; a change rolls the pod.
 * @public
 */
export function configHash(node: ValidatorNode): string {
  const { chain, role, image, hotKeySecretRef, storage } = node.spec;
  return stableHash({ chain, role, image, hotKeySecretRef, storage, claim: dataClaimName(node) });
}

function selectorLabels(node: ValidatorNode): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'substrate-node',
    'app.kubernetes.io/instance': node.metadata.name,
    [OPERATOR.nodeLabel]: node.metadata.name,
  };
}

function labelsOf(node: ValidatorNode): Record<string, string> {
  return {
    ...selectorLabels(node),
    'app.kubernetes.io/managed-by': OPERATOR.managedBy,
    'app.kubernetes.io/component': node.spec.role ?? 'full',
    [OPERATOR.componentLabel]: componentOf(node),
  };
}

function ownerReference(node: ValidatorNode) {
  return {
    apiVersion: VALIDATOR_NODE_API_VERSION,
    kind: VALIDATOR_NODE_KIND,
    name: node.metadata.name,
    uid: String(node.metadata.uid ?? ''),
    controller: true,
    blockOwnerDeletion: true,
  };
}

function withObjectHash(obj: KubeJson): KubeJson {
  const hash = stableHash({ ...obj, metadata: { ...obj.metadata, annotations: undefined } });
  obj.metadata.annotations = { ...obj.metadata.annotations, [OPERATOR.objectHash]: hash };
  return obj;
}

/**
 * Whether the node holds a signing key (`validator`, `miner`).
 * @public
 */
export function needsHotKey(role: string | undefined): boolean {
  return role === 'validator' || role === 'miner';
}

/**
 * The headless Service (`clusterIP: None`) giving the pod a stable DNS name
 * (`<name>-0.<name>.<namespace>.svc`) for RPC and p2p. Annotated with
 * `validators.goldenpath.dev/object-hash` so an unchanged Service is never rewritten.
 * @public
 */
export function buildHeadlessService(node: ValidatorNode): KubeJson {
  const rpcPort = node.spec.chain.rpcPort ?? 9944;
  return withObjectHash({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: node.metadata.name,
      namespace: node.metadata.namespace,
      labels: labelsOf(node),
      ownerReferences: [ownerReference(node)],
    },
    spec: {
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: selectorLabels(node),
      ports: [
        { name: 'rpc', port: rpcPort, targetPort: 'rpc', protocol: 'TCP' },
        { name: 'p2p', port: P2P_PORT, targetPort: 'p2p', protocol: 'TCP' },
      ],
    },
  });
}

/**
 * The chain-data PersistentVolumeClaim (`<name>-data`) with the spec's size and class.
 * No owner reference: chain data outlives the ValidatorNode; removing it is a human decision.
 * @public
 */
export function buildDataClaim(node: ValidatorNode, name = dataClaimName(node)): KubeJson {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name,
      namespace: node.metadata.namespace,
      labels: { ...labelsOf(node), 'app.kubernetes.io/component': 'chain-data' },
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(node.spec.storage?.storageClassName
        ? { storageClassName: node.spec.storage.storageClassName }
        : {}),
      resources: { requests: { storage: node.spec.storage?.size ?? '500Gi' } },
    },
  };
}

/**
 * The StatefulSet running the node (one replica).
 *
 * - The keystore lives on a 1Mi memory-backed `emptyDir`, filled by the `keystore-init`
 *   init container from the hot-key Secret (mounted with mode 0400 in that container only;
 *   files copied with mode 0400).
 * - The main container runs as non-root (uid 1000) with a read-only root filesystem, no
 *   privilege escalation and all capabilities dropped; `/tmp` is an emptyDir.
 * - `validator` and `miner` use `updateStrategy: OnDelete` so two pods never sign at once;
 *   the operator deletes the old pod itself when `config-hash` changes.
 * - Chain data is the claim named by {@link dataClaimName}.
 * @public
 */
export function buildStatefulSet(node: ValidatorNode): KubeJson {
  const { spec } = node;
  const name = node.metadata.name;
  const rpcPort = spec.chain.rpcPort ?? 9944;
  const role = spec.role ?? 'full';
  const hotKey = needsHotKey(role) ? spec.hotKeySecretRef : undefined;
  const args = [
    `--chain=${spec.chain.network}`,
    '--base-path=/data',
    `--name=${name}`,
    `--rpc-port=${rpcPort}`,
    '--rpc-external',
    '--rpc-methods=safe',
    '--rpc-cors=all',
    `--port=${P2P_PORT}`,
    '--prometheus-external',
  ];
  if (role === 'validator') args.push('--validator');
  if (role === 'archive') args.push('--pruning=archive');
  if (hotKey) args.push(`--keystore-path=${KEYSTORE_PATH}`);

  const hardened = {
    runAsNonRoot: true,
    runAsUser: 1000,
    runAsGroup: 1000,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
  };
  const volumes: unknown[] = [
    { name: 'data', persistentVolumeClaim: { claimName: dataClaimName(node) } },
    { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
  ];
  const initContainers: unknown[] = [];
  const mainMounts: unknown[] = [
    { name: 'data', mountPath: '/data' },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  if (hotKey) {
    volumes.push(
      { name: 'keystore', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
      {
        name: 'hot-key',
        secret: {
          secretName: hotKey.name,
          defaultMode: 0o400,
          items: [{ key: hotKey.key ?? 'keystore', path: 'keystore', mode: 0o400 }],
        },
      },
    );
    initContainers.push({
      name: 'keystore-init',
      image: spec.image,
      command: ['/bin/sh', '-c'],
      args: [
        'set -eu; umask 0377; cp /hot-key/keystore /keystore/keystore; chmod 0400 /keystore/keystore',
      ],
      securityContext: hardened,
      volumeMounts: [
        { name: 'hot-key', mountPath: '/hot-key', readOnly: true },
        { name: 'keystore', mountPath: KEYSTORE_PATH },
      ],
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
    });
    mainMounts.push({ name: 'keystore', mountPath: KEYSTORE_PATH, readOnly: true });
  }

  return withObjectHash({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name,
      namespace: node.metadata.namespace,
      labels: labelsOf(node),
      ownerReferences: [ownerReference(node)],
    },
    spec: {
      replicas: 1,
      serviceName: name,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: needsHotKey(role) ? { type: 'OnDelete' } : { type: 'RollingUpdate' },
      selector: { matchLabels: selectorLabels(node) },
      template: {
        metadata: {
          labels: labelsOf(node),
          annotations: { [OPERATOR.configHash]: configHash(node) },
        },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 120,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          initContainers,
          containers: [
            {
              name: 'node',
              image: spec.image,
              args,
              ports: [
                { name: 'rpc', containerPort: rpcPort, protocol: 'TCP' },
                { name: 'p2p', containerPort: P2P_PORT, protocol: 'TCP' },
                { name: 'metrics', containerPort: 9615, protocol: 'TCP' },
              ],
              readinessProbe: { tcpSocket: { port: 'rpc' }, periodSeconds: 10 },
              securityContext: hardened,
              volumeMounts: mainMounts,
            },
          ],
          volumes,
        },
      },
    },
  });
}
