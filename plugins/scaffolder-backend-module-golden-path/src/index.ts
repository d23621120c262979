/**
 * Goldenpath scaffolder actions: signed GitHub Actions pipelines, Kyverno policies, the
 * validator operator's manifests, manifest validation and local publishing.
 *
 * @packageDocumentation
 */
export { scaffolderModuleGoldenPath as default } from './module';
export * from './actions';
export * from './validation';
export { resolveWorkspacePath, writeGeneratedFiles } from './lib/workspace';
export type { GeneratedFile } from './lib/workspace';
export { LocalRepositoryUrlReader, localRepositoryUrlReaderFactory } from './urlReader/LocalRepositoryUrlReader';
