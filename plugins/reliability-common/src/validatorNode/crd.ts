import {
  VALIDATOR_NODE_GROUP,
  VALIDATOR_NODE_KIND,
  VALIDATOR_NODE_PHASES,
  VALIDATOR_NODE_PLURAL,
  VALIDATOR_NODE_RECOVERY_STRATEGIES,
  VALIDATOR_NODE_ROLES,
  VALIDATOR_NODE_VERSION,
} from './types';

/**
 * A JSON value as it appears in a Kubernetes manifest.
 * @public
 */
export type CrdJsonValue =
  | string
  | number
  | boolean
  | null
  | CrdJsonValue[]
  | { [key: string]: CrdJsonValue };

/**
 * The shape of an `apiextensions.k8s.io/v1` `CustomResourceDefinition`, as far as
 * Goldenpath uses it. Kept structural so this common library needs no Kubernetes
 * model package.
 * @public
 */
export interface CustomResourceDefinitionObject {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    group: string;
    scope: 'Namespaced' | 'Cluster';
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
      categories?: string[];
    };
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      subresources?: { status?: Record<string, never> };
      additionalPrinterColumns?: Array<{
        name: string;
        type: string;
        jsonPath: string;
        description?: string;
        priority?: number;
      }>;
      schema: { openAPIV3Schema: { [key: string]: CrdJsonValue } };
    }>;
  };
}

/** Pattern of a digest-pinned image reference: anything without `@`, then `@sha256:` and 64 hex digits. */
const DIGEST_PINNED_IMAGE_PATTERN = '^[^@\\s]+@sha256:[a-f0-9]{64}$';

/**
 * The `ValidatorNode` CustomResourceDefinition (`validatornodes.validators.goldenpath.dev`,
 * version `v1alpha1`): the single source used by the validator operator, the reliability
 * backend and the `goldenpath:operator:generate` scaffolder action.
 *
 * The OpenAPI v3 schema applies defaults, enums and numeric bounds (see {@link ValidatorNodeSpec}
 * for their meaning), enforces a digest-pinned `image`, requires `hotKeySecretRef` for the
 * `validator` and `miner` roles and forbids it for the others, and keeps `chain` and
 * `storage.storageClassName` immutable (CEL rules and transition rules, Kubernetes 1.25+). It
 * exposes a status subresource and printer columns for `kubectl get validatornodes`.
 * @public
 */
export const validatorNodeCrd: CustomResourceDefinitionObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: {
    name: `${VALIDATOR_NODE_PLURAL}.${VALIDATOR_NODE_GROUP}`,
    labels: { 'app.kubernetes.io/part-of': 'goldenpath' },
  },
  spec: {
    group: VALIDATOR_NODE_GROUP,
    scope: 'Namespaced',
    names: {
      kind: VALIDATOR_NODE_KIND,
      listKind: `${VALIDATOR_NODE_KIND}List`,
      plural: VALIDATOR_NODE_PLURAL,
      singular: 'validatornode',
      shortNames: ['vn'],
      categories: ['goldenpath'],
    },
    versions: [
      {
        name: VALIDATOR_NODE_VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Role', type: 'string', jsonPath: '.spec.role' },
          { name: 'Network', type: 'string', jsonPath: '.spec.chain.network' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          {
            name: 'Lag',
            type: 'integer',
            jsonPath: '.status.blockLag',
            description: 'Blocks behind the network head',
          },
          { name: 'Peers', type: 'integer', jsonPath: '.status.peers' },
          {
            name: 'Risk',
            type: 'number',
            jsonPath: '.status.riskScore',
            description: 'Composite validator risk, 0-100',
          },
          {
            name: 'Restarts',
            type: 'integer',
            jsonPath: '.status.restartCount',
            priority: 1,
          },
          {
            name: 'Age',
            type: 'date',
            jsonPath: '.metadata.creationTimestamp',
          },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description:
              'A Substrate node (validator, full, archive or miner) run and recovered by the Goldenpath validator operator.',
            required: ['spec'],
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: {
                type: 'object',
                required: ['chain', 'image'],
                'x-kubernetes-validations': [
                  {
                    rule: "!(self.role in ['validator', 'miner']) || has(self.hotKeySecretRef)",
                    message: 'hotKeySecretRef is required for the validator and miner roles',
                  },
                  {
                    rule: "self.role in ['validator', 'miner'] || !has(self.hotKeySecretRef)",
                    message: 'hotKeySecretRef is only allowed for the validator and miner roles',
                  },
                ],
                properties: {
                  chain: {
                    type: 'object',
                    required: ['network'],
                    'x-kubernetes-validations': [
                      {
                        rule: 'self.type == oldSelf.type && self.network == oldSelf.network',
                        message: 'chain.type and chain.network are immutable',
                      },
                    ],
                    properties: {
                      type: {
                        type: 'string',
                        enum: ['substrate'],
                        default: 'substrate',
                      },
                      network: {
                        type: 'string',
                        description: 'Chain spec name passed as --chain.',
                        minLength: 1,
                        maxLength: 63,
                        pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
                      },
                      rpcPort: {
                        type: 'integer',
                        minimum: 1,
                        maximum: 65535,
                        default: 9944,
                      },
                    },
                  },
                  role: {
                    type: 'string',
                    enum: [...VALIDATOR_NODE_ROLES],
                    default: 'full',
                  },
                  image: {
                    type: 'string',
                    description: 'Image pinned by digest (repository@sha256:<64 hex>).',
                    pattern: DIGEST_PINNED_IMAGE_PATTERN,
                  },
                  hotKeySecretRef: {
                    type: 'object',
                    required: ['name'],
                    properties: {
                      name: {
                        type: 'string',
                        minLength: 1,
                        maxLength: 253,
                        pattern:
                          '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
                      },
                      key: { type: 'string', minLength: 1, default: 'keystore' },
                    },
                  },
                  storage: {
                    type: 'object',
                    default: {},
                    'x-kubernetes-validations': [
                      {
                        rule: '(has(self.storageClassName) ? self.storageClassName : "") == (has(oldSelf.storageClassName) ? oldSelf.storageClassName : "")',
                        message: 'storage.storageClassName is immutable',
                      },
                    ],
                    properties: {
                      size: {
                        type: 'string',
                        default: '500Gi',
                        pattern: '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$',
                      },
                      storageClassName: { type: 'string', minLength: 1 },
                    },
                  },
                  syncPolicy: {
                    type: 'object',
                    default: {},
                    properties: {
                      maxBlockLag: {
                        type: 'integer',
                        minimum: 1,
                        maximum: 100000,
                        default: 10,
                      },
                      recoveryStrategy: {
                        type: 'string',
                        enum: [...VALIDATOR_NODE_RECOVERY_STRATEGIES],
                        default: 'restart',
                      },
                      maxRestartAttempts: {
                        type: 'integer',
                        minimum: 0,
                        maximum: 20,
                        default: 3,
                      },
                      probeIntervalSeconds: {
                        type: 'integer',
                        minimum: 5,
                        maximum: 3600,
                        default: 30,
                      },
                      syncTimeoutMinutes: {
                        type: 'integer',
                        minimum: 1,
                        maximum: 10080,
                        default: 720,
                      },
                    },
                  },
                  analyticsEndpoint: {
                    type: 'string',
                    description: 'ClickHouse HTTP(S) endpoint for telemetry.',
                    pattern: '^https?://[^\\s]+$',
                  },
                },
              },
              status: {
                type: 'object',
                properties: {
                  phase: { type: 'string', enum: [...VALIDATOR_NODE_PHASES] },
                  currentBlock: { type: 'integer', format: 'int64', minimum: 0 },
                  highestBlock: { type: 'integer', format: 'int64', minimum: 0 },
                  blockLag: { type: 'integer', format: 'int64', minimum: 0 },
                  peers: { type: 'integer', minimum: 0 },
                  restartCount: { type: 'integer', minimum: 0 },
                  riskScore: { type: 'number', minimum: 0, maximum: 100 },
                  lastProbeTime: { type: 'string', format: 'date-time' },
                  observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
                  conditions: {
                    type: 'array',
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['type'],
                    items: {
                      type: 'object',
                      required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
                      properties: {
                        type: { type: 'string', maxLength: 316 },
                        status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
                        lastTransitionTime: { type: 'string', format: 'date-time' },
                        reason: { type: 'string', maxLength: 1024 },
                        message: { type: 'string', maxLength: 32768 },
                        observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
};
