export { NodeHealthService, nodeHealthServiceRef } from './NodeHealthService';
export type { NodeHealthServiceOptions } from './NodeHealthService';
export { readClusterConfig, kubeConfigFor } from './clusters';
export type { ClusterSpec, ClusterConfigResult } from './clusters';
export { entitySelector } from './entitySelector';
export type { EntitySelector } from './entitySelector';
export { classifyKubeError, statusCodeToErrorType } from './errors';
export type { KubeErrorType, ClassifiedKubeError } from './errors';
export {
  POD_RULES,
  NODE_RULES,
  VALIDATOR_NODE_RULES,
  controlPlaneQuorum,
  summarize,
} from './rules';
export type { HealthRule, RuleContext } from './rules';
