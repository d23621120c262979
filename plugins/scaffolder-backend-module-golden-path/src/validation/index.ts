export * from './ManifestValidator';
export { validateWithSchema, formatValidationErrors } from './strict';
export type { SchemaViolation, ValidateWithSchemaOptions } from './strict';
export { validateWorkflow } from './workflowValidator';
export { validateCatalogEntity, isCatalogEntityDocument } from './catalogValidator';
export { readManifestFiles } from './workspaceFiles';
export { ModelRegistry } from './modelRegistry';
export type { CompiledValidateFunction } from './modelRegistry';
export { validateStructural } from './structuralSchema';
