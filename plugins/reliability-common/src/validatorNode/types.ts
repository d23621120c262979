/**
 * API group of the `ValidatorNode` custom resource.
 * @public
 */
export const VALIDATOR_NODE_GROUP = 'validators.goldenpath.dev';

/**
 * Served and stored version of the `ValidatorNode` custom resource.
 * @public
 */
export const VALIDATOR_NODE_VERSION = 'v1alpha1';

/**
 * Plural resource name of `ValidatorNode` (used in REST paths and RBAC rules).
 * @public
 */
export const VALIDATOR_NODE_PLURAL = 'validatornodes';

/**
 * Kind of the `ValidatorNode` custom resource.
 * @public
 */
export const VALIDATOR_NODE_KIND = 'ValidatorNode';

/**
 * `apiVersion` string of a `ValidatorNode` object, `validators.goldenpath.dev/v1alpha1`.
 * @public
 */
export const VALIDATOR_NODE_API_VERSION = `${VALIDATOR_NODE_GROUP}/${VALIDATOR_NODE_VERSION}` as const;

/**
 * Substrate node roles the operator knows how to run.
 *
 * - `validator`: authors and finalises blocks; needs a hot key.
 * - `full`: follows the chain with a pruned state.
 * - `archive`: keeps the full state history (`--pruning archive`).
 * - `miner`: a block producer on proof-of-work Substrate chains; needs a hot key like `validator`.
 * @public
 */
export type ValidatorNodeRole = 'validator' | 'full' | 'archive' | 'miner';

/**
 * What the operator does when a node stays further behind than `maxBlockLag`.
 *
 * - `restart`: delete the pod (up to `maxRestartAttempts`).
 * - `snapshot-restore`: restore the volume from the latest snapshot, then restart.
 * - `cordon-and-alert`: leave the node running, mark it Degraded and alert a human.
 * @public
 */
export type ValidatorNodeRecoveryStrategy =
  | 'restart'
  | 'snapshot-restore'
  | 'cordon-and-alert';

/**
 * Lifecycle phase reported in `status.phase`.
 * @public
 */
export type ValidatorNodePhase =
  | 'Pending'
  | 'Syncing'
  | 'Synced'
  | 'Degraded'
  | 'Recovering'
  | 'Failed';

/**
 * Every value of {@link ValidatorNodePhase}, in lifecycle order.
 * @public
 */
export const VALIDATOR_NODE_PHASES: readonly ValidatorNodePhase[] = [
  'Pending',
  'Syncing',
  'Synced',
  'Degraded',
  'Recovering',
  'Failed',
];

/**
 * Every value of {@link ValidatorNodeRole}.
 * @public
 */
export const VALIDATOR_NODE_ROLES: readonly ValidatorNodeRole[] = [
  'validator',
  'full',
  'archive',
  'miner',
];

/**
 * Every value of {@link ValidatorNodeRecoveryStrategy}.
 * @public
 */
export const VALIDATOR_NODE_RECOVERY_STRATEGIES: readonly ValidatorNodeRecoveryStrategy[] =
  ['restart', 'snapshot-restore', 'cordon-and-alert'];

/**
 * Desired state of a validator node (`spec`). Defaults are those the CRD schema applies.
 * @public
 */
export interface ValidatorNodeSpec {
  /** The chain the node joins. */
  chain: {
    /** Chain family; only `substrate` today. Default `substrate`. */
    type: 'substrate';
    /** Network name passed as `--chain`, e.g. `polkadot`, `kusama`, `westend`. */
    network: string;
    /** JSON-RPC port the operator probes (`system_health`, `system_syncState`). 1–65535, default 9944. */
    rpcPort?: number;
  };
  /** Node role. Default `full`. `validator` and `miner` require `hotKeySecretRef`. */
  role?: ValidatorNodeRole;
  /** Container image pinned by digest: `<repository>@sha256:<64 hex>`. Tags are rejected. */
  image: string;
  /** Secret holding the session keystore; mounted read-only (0400) into a memory-backed volume. */
  hotKeySecretRef?: {
    /** Secret name in the ValidatorNode's namespace. */
    name: string;
    /** Key inside the Secret. Default `keystore`. */
    key?: string;
  };
  /** Chain database volume. */
  storage?: {
    /** PersistentVolumeClaim size as a Kubernetes quantity. Default `500Gi`. */
    size?: string;
    /** StorageClass of the claim; the cluster default when omitted. */
    storageClassName?: string;
  };
  /** When a node counts as out of sync and how it is recovered. */
  syncPolicy?: {
    /** Blocks behind the network head before the node is Degraded. 1–100000, default 10. */
    maxBlockLag?: number;
    /** Recovery action. Default `restart`. */
    recoveryStrategy?: ValidatorNodeRecoveryStrategy;
    /** Restarts before the node is marked Failed. 0–20, default 3. */
    maxRestartAttempts?: number;
    /** Seconds between JSON-RPC probes. 5–3600, default 30. */
    probeIntervalSeconds?: number;
    /** Minutes an initial sync may take before recovery starts. 1–10080 (one week), default 720. */
    syncTimeoutMinutes?: number;
  };
  /** ClickHouse HTTP endpoint the operator writes telemetry to, e.g. `http://clickhouse.analytics:8123`. */
  analyticsEndpoint?: string;
}

/**
 * A standard Kubernetes condition (`metav1.Condition`).
 * @public
 */
export interface ValidatorNodeCondition {
  /** CamelCase condition type, e.g. `Ready`, `Synced`, `KeystoreMounted`. */
  type: string;
  /** `True`, `False` or `Unknown`. */
  status: 'True' | 'False' | 'Unknown';
  /** RFC 3339 time of the last status change. */
  lastTransitionTime: string;
  /** CamelCase machine-readable reason. */
  reason: string;
  /** Human-readable message. */
  message: string;
  /** `metadata.generation` the condition was computed from. */
  observedGeneration?: number;
}

/**
 * Observed state of a validator node (`status`), written by the operator through the status subresource.
 * @public
 */
export interface ValidatorNodeStatus {
  /** Lifecycle phase. */
  phase?: ValidatorNodePhase;
  /** Best block height of this node (`system_syncState.currentBlock`). */
  currentBlock?: number;
  /** Network head height as seen by this node (`system_syncState.highestBlock`). */
  highestBlock?: number;
  /** `highestBlock - currentBlock`, in blocks (never negative). */
  blockLag?: number;
  /** Connected peers (`system_health.peers`). */
  peers?: number;
  /** Restarts performed by the operator since the last Synced phase. */
  restartCount?: number;
  /** Composite validator risk, 0–100, read from ClickHouse. */
  riskScore?: number;
  /** RFC 3339 time of the last JSON-RPC probe. */
  lastProbeTime?: string;
  /** Standard conditions. */
  conditions?: ValidatorNodeCondition[];
  /** `metadata.generation` last reconciled. */
  observedGeneration?: number;
}

/**
 * A `ValidatorNode` object (`validators.goldenpath.dev/v1alpha1`).
 * @public
 */
export interface ValidatorNode {
  apiVersion: typeof VALIDATOR_NODE_API_VERSION;
  kind: typeof VALIDATOR_NODE_KIND;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    generation?: number;
    resourceVersion?: string;
    uid?: string;
    [key: string]: unknown;
  };
  spec: ValidatorNodeSpec;
  status?: ValidatorNodeStatus;
}
