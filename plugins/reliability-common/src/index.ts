/**
 * Shared types, zod schemas of every API response, annotations, permissions
 * and DORA band tables of the Goldenpath reliability plugins.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './permissions';
export * from './dora/bands';
export * from './schemas/dora';
export * from './schemas/cost';
export * from './schemas/drift';
export * from './validatorNode';
export * from './schemas/telemetry';
export * from './schemas/risk';
export * from './schemas/health';
export * from './kubernetes/labelSelector';
