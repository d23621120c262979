/**
 * The Goldenpath validator operator: reconciles `ValidatorNode` resources
 * (`validators.goldenpath.dev/v1alpha1`) into a hardened StatefulSet and headless
 * Service, probes the Substrate node over JSON-RPC, writes telemetry to ClickHouse,
 * reads the composite risk and recovers; plus the preview-environment reaper and the
 * validating admission webhook.
 *
 * @packageDocumentation
 */
export * from './controller/WorkQueue';
export * from './controller/LeaderElector';
export * from './controller/ValidatorNodeController';
export * from './kube/KubeGateway';
export * from './reconcile/stateMachine';
export * from './reconcile/desired';
export * from './probe/SubstrateProbe';
export * from './recovery/RecoveryExecutor';
export * from './risk/RiskReader';
export * from './telemetry/TelemetrySink';
export * from './metrics';
export * from './logger';
export * from './reconcile/quantity';
export * from './reconcile/probeSchedule';
export * from './reaper/NamespaceReaper';
export * from './webhook/admission';
export * from './webhook/WebhookServer';
export { main } from './main';
export * from './Operator';
