import { z } from 'zod';

/**
 * Severity of a health finding, worst last.
 * @public
 */
export const healthSeveritySchema = z.enum(['ok', 'warning', 'critical']);

/** @public */
export type HealthSeverity = z.infer<typeof healthSeveritySchema>;

/**
 * One rule that fired on one object: which rule, how bad, why, and what to do.
 * @public
 */
export const healthFindingSchema = z.object({
  /** Stable rule id, e.g. `pod-crash-loop`; the rules are listed in docs/node-health.md. */
  rule: z.string(),
  severity: healthSeveritySchema,
  reason: z.string(),
  suggestedAction: z.string(),
});

/** @public */
export type HealthFinding = z.infer<typeof healthFindingSchema>;

/**
 * Summary of one object: the worst finding's severity, reason and suggested action
 * (`ok` with an empty `findings` list when no rule fired).
 * @public
 */
export const healthSummarySchema = z.object({
  severity: healthSeveritySchema,
  reason: z.string(),
  suggestedAction: z.string().nullable(),
  findings: z.array(healthFindingSchema),
});

/** @public */
export type HealthSummary = z.infer<typeof healthSummarySchema>;

/**
 * A per-source error next to the data; one failing cluster never empties the response.
 * `errorType` follows the Kubernetes plugin's names (`UNAUTHORIZED_ERROR`, `FORBIDDEN`,
 * `NOT_FOUND`, `TIMEOUT`, `UNREACHABLE`, `SYSTEM_ERROR`, `UNKNOWN_ERROR`, `CONFIG_ERROR`).
 * @public
 */
export const healthErrorSchema = z.object({
  source: z.string(),
  message: z.string(),
  errorType: z.string().optional(),
  cluster: z.string().optional(),
});

/** @public */
export type HealthError = z.infer<typeof healthErrorSchema>;

/**
 * A `ValidatorNode` (`validators.goldenpath.dev/v1alpha1`) as the health card shows it.
 * Heights and lag are in blocks; `maxBlockLag` and `maxRestartAttempts` are the node's
 * `spec.syncPolicy` values (CRD defaults 10 and 3 when unset).
 * @public
 */
export const validatorNodeHealthSchema = z.object({
  cluster: z.string(),
  namespace: z.string(),
  name: z.string(),
  phase: z.string().nullable(),
  currentBlock: z.number().nullable(),
  highestBlock: z.number().nullable(),
  blockLag: z.number().nullable(),
  maxBlockLag: z.number(),
  peers: z.number().nullable(),
  restartCount: z.number(),
  maxRestartAttempts: z.number(),
  riskScore: z.number().nullable(),
  /** RFC 3339 time of the operator's last JSON-RPC probe. */
  lastProbeTime: z.string().nullable(),
  conditions: z.array(
    z.object({
      type: z.string(),
      status: z.string(),
      reason: z.string().nullable(),
      message: z.string().nullable(),
      lastTransitionTime: z.string().nullable(),
    }),
  ),
  summary: healthSummarySchema,
});

/** @public */
export type ValidatorNodeHealth = z.infer<typeof validatorNodeHealthSchema>;

/**
 * A container of a pod: readiness, restarts, current waiting reason
 * (`CrashLoopBackOff`, `ImagePullBackOff`…) and last termination reason (`OOMKilled`, `Error`…).
 * @public
 */
export const containerHealthSchema = z.object({
  name: z.string(),
  init: z.boolean(),
  ready: z.boolean(),
  restartCount: z.number(),
  state: z.enum(['running', 'waiting', 'terminated', 'unknown']),
  waitingReason: z.string().nullable(),
  lastTerminationReason: z.string().nullable(),
  lastTerminationExitCode: z.number().nullable(),
});

/** @public */
export type ContainerHealth = z.infer<typeof containerHealthSchema>;

/**
 * A pod of the entity.
 * @public
 */
export const podHealthSchema = z.object({
  cluster: z.string(),
  namespace: z.string(),
  name: z.string(),
  nodeName: z.string().nullable(),
  phase: z.string().nullable(),
  ready: z.boolean(),
  restarts: z.number(),
  waitingReason: z.string().nullable(),
  lastTerminationReason: z.string().nullable(),
  containers: z.array(containerHealthSchema),
  summary: healthSummarySchema,
});

/** @public */
export type PodHealth = z.infer<typeof podHealthSchema>;

/**
 * A Kubernetes Node that runs one of the entity's pods. `ready` is the `Ready`
 * condition's status (`Unknown` when the kubelet stopped posting status).
 * @public
 */
export const kubeNodeHealthSchema = z.object({
  cluster: z.string(),
  name: z.string(),
  ready: z.enum(['True', 'False', 'Unknown']),
  memoryPressure: z.boolean(),
  diskPressure: z.boolean(),
  pidPressure: z.boolean(),
  networkUnavailable: z.boolean(),
  cordoned: z.boolean(),
  controlPlane: z.boolean(),
  kubeletVersion: z.string().nullable(),
  summary: healthSummarySchema,
});

/** @public */
export type KubeNodeHealth = z.infer<typeof kubeNodeHealthSchema>;

/**
 * Control-plane quorum of a cluster: `majority = floor(n/2) + 1` of the `n`
 * control-plane nodes must be Ready (etcd/Raft quorum); `toleratedFailures =
 * max(0, ready - majority)` more nodes may fail before quorum is lost.
 * `n = 0` means the control plane is not visible (managed clusters such as GKE/EKS).
 * @public
 */
export const controlPlaneQuorumSchema = z.object({
  controlPlaneNodes: z.number(),
  readyControlPlaneNodes: z.number(),
  majority: z.number(),
  toleratedFailures: z.number(),
  hasQuorum: z.boolean().nullable(),
  summary: healthSummarySchema,
});

/** @public */
export type ControlPlaneQuorum = z.infer<typeof controlPlaneQuorumSchema>;

/**
 * One configured cluster: `ok` when all its informers are synced, `error` when one
 * failed (see `errors`), `pending` while the first sync is still running.
 * @public
 */
export const clusterHealthSchema = z.object({
  name: z.string(),
  status: z.enum(['ok', 'error', 'pending']),
  quorum: controlPlaneQuorumSchema.nullable(),
});

/** @public */
export type ClusterHealth = z.infer<typeof clusterHealthSchema>;

/**
 * Why a response has no data: `no-clusters-configured` (no `kubernetes.clusterLocatorMethods`),
 * `no-kubernetes-annotation` (the entity has neither `backstage.io/kubernetes-id` nor
 * `backstage.io/kubernetes-label-selector`), `ok` otherwise.
 * @public
 */
export const healthStateSchema = z.enum([
  'ok',
  'no-clusters-configured',
  'no-kubernetes-annotation',
]);

/** @public */
export type HealthState = z.infer<typeof healthStateSchema>;

/**
 * Response of `GET /api/reliability/entities/:kind/:namespace/:name/health`.
 * @public
 */
export const entityHealthResponseSchema = z.object({
  entityRef: z.string(),
  /** RFC 3339 time the response was computed. */
  generatedAt: z.string(),
  state: healthStateSchema,
  /** Human explanation for a state other than `ok` (names the config or annotation to add). */
  message: z.string().nullable(),
  summary: z.object({
    severity: z.enum(['ok', 'warning', 'critical', 'unknown']),
    reason: z.string(),
    counts: z.object({
      ok: z.number(),
      warning: z.number(),
      critical: z.number(),
    }),
  }),
  clusters: z.array(clusterHealthSchema),
  validatorNodes: z.array(validatorNodeHealthSchema),
  pods: z.array(podHealthSchema),
  nodes: z.array(kubeNodeHealthSchema),
  errors: z.array(healthErrorSchema),
});

/** @public */
export type EntityHealthResponse = z.infer<typeof entityHealthResponseSchema>;

/**
 * Status of one Argo CD `Application` (`argoproj.io/v1alpha1`): `status.sync.status`
 * (`Synced`, `OutOfSync`, `Unknown`), `status.health.status` (`Healthy`, `Progressing`,
 * `Degraded`, `Suspended`, `Missing`, `Unknown`), synced revision and last operation.
 * @public
 */
export const argoApplicationStatusSchema = z.object({
  cluster: z.string(),
  namespace: z.string(),
  name: z.string(),
  syncStatus: z.string(),
  healthStatus: z.string(),
  healthMessage: z.string().nullable(),
  revision: z.string().nullable(),
  targetRevision: z.string().nullable(),
  repoURL: z.string().nullable(),
  operationPhase: z.string().nullable(),
  operationMessage: z.string().nullable(),
  operationStartedAt: z.string().nullable(),
  operationFinishedAt: z.string().nullable(),
  reconciledAt: z.string().nullable(),
});

/** @public */
export type ArgoApplicationStatus = z.infer<typeof argoApplicationStatusSchema>;

/**
 * Result of `NodeHealthService.getArgoApplications(entity)`.
 * @public
 */
export const argoApplicationsResultSchema = z.object({
  generatedAt: z.string(),
  items: z.array(argoApplicationStatusSchema),
  errors: z.array(healthErrorSchema),
});

/** @public */
export type ArgoApplicationsResult = z.infer<
  typeof argoApplicationsResultSchema
>;

/**
 * Message published on the Signals channel {@link healthSignalChannel} when an
 * entity's health changed; the frontend then refetches the health route.
 * @public
 */
export const healthSignalSchema = z.object({
  type: z.literal('health-changed'),
  entityRef: z.string(),
  generatedAt: z.string(),
});

/** @public */
export type HealthSignal = z.infer<typeof healthSignalSchema>;

/**
 * Signals channel of an entity's health: `reliability:health:<entity ref>`,
 * e.g. `reliability:health:component:default/validator-alpha`.
 * @public
 */
export function healthSignalChannel(entityRef: string): string {
  return `reliability:health:${entityRef}`;
}
