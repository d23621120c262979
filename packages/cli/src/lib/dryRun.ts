import type { ManifestValidationReport } from '@goldenpath/plugin-scaffolder-backend-module-golden-path';
import fs from 'node:fs/promises';
import { CliError } from './errors';
import type { GeneratedFile } from './generatedFiles';
import type { InProcessScaffolder } from './inProcessBackend';
import { applyParameterDefaults } from './parameterDefaults';
import { formatFileTree, formatSteps, StepReport, summarizeSteps } from './report';
import { DryRunResponse, ParameterValidationError, ScaffolderDryRunClient } from './ScaffolderDryRunClient';
import { loadTemplateSource, loadValues } from './templateSource';

/**
 * Options of {@link runDryRun}; the CLI flags of `goldenpath dry-run`.
 * @public
 */
export interface DryRunOptions {
  /** A `template.yaml` file or the folder holding it. */
  template: string;
  /** YAML/JSON file with the parameter values. */
  values: string;
  /** Folder to write the generated repository into. */
  out?: string;
  /** Replace files in a non-empty `out` folder. */
  force?: boolean;
  /** Base URL of a running Backstage backend; without it an in-process scaffolder is started. */
  backend?: string;
  /** Bearer token for `backend`. */
  token?: string;
  /** Print every line of multi-line step logs. */
  verbose?: boolean;
}

/**
 * Where {@link runDryRun} prints: `out` for results, `err` for progress and errors.
 * @public
 */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/**
 * What a dry run produced.
 * @public
 */
export interface DryRunOutcome {
  /** Process exit code: 0 when every step passed and every file validated, else 1. */
  exitCode: number;
  steps: StepReport[];
  files: GeneratedFile[];
  validation?: ManifestValidationReport;
  output?: Record<string, unknown>;
  /** Time of the dry-run request alone, in milliseconds (backend start-up excluded). */
  dryRunMs?: number;
  /** Absolute folder the files were written to, when `out` was given. */
  writtenTo?: string;
}

/**
 * Runs a Software Template through the real scaffolder dry run (`POST
 * /api/scaffolder/v2/dry-run`), prints the per-step result with its log, the file tree and the
 * validation result, and writes the files when `out` is set.
 *
 * @throws CliError for bad usage or input (exit code 2) and unreachable backends (1); a failed
 *   step, refused values or an invalid file are reported through `exitCode` 1 instead
 * @public
 */
export async function runDryRun(options: DryRunOptions, io: CliIo): Promise<DryRunOutcome> {
  if (options.token && !options.backend) {
    throw new CliError('--token needs --backend (the in-process scaffolder makes its own token)', 2);
  }
  if (options.out && !options.force) {
    const existing = await fs.readdir(options.out).catch(() => [] as string[]);
    if (existing.length > 0) {
      throw new CliError(`--out ${options.out} is not empty; choose a new folder or pass --force`, 2);
    }
  }
  const source = await loadTemplateSource(options.template);
  const given = await loadValues(options.values);
  const { values, defaulted } = applyParameterDefaults(source.template, given);
  const name = source.template.metadata.name;
  io.err(`Template ${name} (${source.templatePath}), ${source.template.spec.steps.length} steps, ${source.directoryContents.length} files`);
  if (defaulted.length > 0) {
    io.err(`Parameter defaults applied: ${defaulted.join(', ')}`);
  }

  // The backend and validator libraries take seconds to load; `--help` and bad input should not wait.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { formatValidationErrors, validateGeneratedFiles, writeGeneratedFiles } =
    require('./generatedFiles') as typeof import('./generatedFiles');
  const { startInProcessScaffolder } = require('./inProcessBackend') as typeof import('./inProcessBackend');
  /* eslint-enable @typescript-eslint/no-require-imports */

  let backend: InProcessScaffolder | undefined;
  let client: ScaffolderDryRunClient;
  if (options.backend) {
    client = ScaffolderDryRunClient.create({ baseUrl: options.backend, token: options.token });
    io.err(`Scaffolder: ${options.backend}`);
  } else {
    const started = Date.now();
    io.err('Starting an in-process scaffolder (scaffolder-backend + golden-path module)…');
    backend = await startInProcessScaffolder();
    io.err(`Scaffolder ready at ${backend.baseUrl} in ${Date.now() - started} ms`);
    client = ScaffolderDryRunClient.create({ baseUrl: backend.baseUrl, token: backend.token });
  }

  let response: DryRunResponse;
  const started = Date.now();
  try {
    io.err(`Dry run: ${source.template.spec.steps.map(s => s.id ?? s.action).join(' → ')}`);
    response = await client.dryRun({
      template: source.template,
      values,
      directoryContents: source.directoryContents,
    });
  } catch (e) {
    if (e instanceof ParameterValidationError) {
      io.err(`✖ ${e.message}`);
      return { exitCode: 1, steps: [], files: [] };
    }
    if (e instanceof CliError) {
      io.err(`✖ ${e.message}`);
      if (backend && backend.logs.length > 0) {
        io.err('Scaffolder log:');
        for (const line of backend.logs) io.err(`    ${line}`);
      }
      return { exitCode: 1, steps: [], files: [] };
    }
    throw e;
  } finally {
    await backend?.stop();
  }
  const dryRunMs = Date.now() - started;

  const steps = summarizeSteps(response);
  for (const line of formatSteps(steps, options.verbose)) io.out(line);

  const files: GeneratedFile[] = response.directoryContents.map(f => ({
    path: f.path,
    content: Buffer.from(f.base64Content, 'base64'),
    executable: Boolean(f.executable),
  }));
  io.out('');
  io.out(`Files (${files.length}):`);
  for (const line of formatFileTree(files.map(f => f.path), String(values.name ?? name))) io.out(line);

  const validation = await validateGeneratedFiles(files);
  io.out('');
  const unknown = validation.skipped.filter(s => s.category === 'no-schema');
  io.out(
    `Validation: ${validation.validated} objects checked in ${validation.files} YAML/JSON files, ${validation.errors.length} errors, ${unknown.length} without a known schema`,
  );
  for (const s of unknown) io.out(`    not checked: ${s.file}#${s.document} ${s.object ?? ''}`.trimEnd());
  for (const line of formatValidationErrors(validation)) io.out(`  ✖ ${line}`);

  const failedSteps = steps.filter(s => s.state === 'failed');
  const exitCode = failedSteps.length === 0 && validation.errors.length === 0 ? 0 : 1;

  let writtenTo: string | undefined;
  if (options.out) {
    writtenTo = await writeGeneratedFiles(options.out, files, options.force);
    io.out(`Wrote ${files.length} files to ${writtenTo}`);
  }
  io.err(`${exitCode === 0 ? '✔ Dry run passed' : '✖ Dry run failed'} in ${dryRunMs} ms`);
  return { exitCode, steps, files, validation, output: response.output, dryRunMs, writtenTo };
}
