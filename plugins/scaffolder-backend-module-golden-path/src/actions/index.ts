export { createManifestsValidateAction, formatManifestError } from './manifests/validate';
export { createPipelinesGenerateAction } from './pipelines/generate';
export { createPoliciesGenerateAction } from './policies/generate';
export { createOperatorGenerateAction } from './operator/generate';
export { createPublishLocalAction } from './publish/local';
