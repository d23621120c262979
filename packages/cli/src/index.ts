/**
 * The `goldenpath` CLI: dry-run Software Templates through the real Backstage scaffolder, print
 * the step log, the file tree and the validation result, and write the generated repository.
 *
 * @packageDocumentation
 */
export { runCli, createProgram } from './cli';
export { runDryRun } from './lib/dryRun';
export type { CliIo, DryRunOptions, DryRunOutcome } from './lib/dryRun';
export { CliError } from './lib/errors';
export {
  ScaffolderDryRunClient,
  ParameterValidationError,
  DryRunFailedError,
} from './lib/ScaffolderDryRunClient';
export type { DryRunLogEntry, DryRunResponse, ParameterError } from './lib/ScaffolderDryRunClient';
export { startInProcessScaffolder } from './lib/inProcessBackend';
export type { InProcessScaffolder } from './lib/inProcessBackend';
export { loadTemplateSource, loadValues } from './lib/templateSource';
export type { DirectoryContent, TemplateSource } from './lib/templateSource';
export { applyParameterDefaults } from './lib/parameterDefaults';
export { summarizeSteps, formatSteps, formatFileTree } from './lib/report';
export type { StepReport, StepState } from './lib/report';
export { validateGeneratedFiles, writeGeneratedFiles, formatValidationErrors } from './lib/generatedFiles';
export type { GeneratedFile } from './lib/generatedFiles';
