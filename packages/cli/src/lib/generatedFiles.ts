import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import {
  formatManifestError,
  ManifestValidationReport,
  ManifestValidator,
} from '@goldenpath/plugin-scaffolder-backend-module-golden-path';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './errors';

/**
 * A file the dry run produced.
 * @public
 */
export interface GeneratedFile {
  /** POSIX path relative to the repository root. */
  path: string;
  content: Buffer;
  executable: boolean;
}

/**
 * Validates every YAML and JSON file of the generated repository with the same validator as the
 * `goldenpath:manifests:validate` action: Kubernetes objects and custom resources (Kyverno,
 * Argo CD, Argo Rollouts, External Secrets, `ValidatorNode`) against their schemas, GitHub
 * workflows with GitHub's workflow parser, `catalog-info.yaml` with the catalog validators.
 * JSON files must also parse.
 *
 * @returns the validator's report; `errors` is empty when every file is valid
 * @public
 */
export async function validateGeneratedFiles(files: GeneratedFile[]): Promise<ManifestValidationReport> {
  const manifests = files
    .filter(f => /\.(ya?ml|json)$/i.test(f.path))
    .map(f => ({ path: f.path, content: f.content.toString('utf8') }));
  const report = await ManifestValidator.create({ strict: true }).validateFiles(manifests);
  return report;
}

/**
 * One line per validation error: `file#document Kind/name /path: message`.
 * @public
 */
export function formatValidationErrors(report: ManifestValidationReport): string[] {
  return report.errors.map(formatManifestError);
}

/**
 * Writes the generated files under `outDir`, refusing any path that would leave it.
 *
 * @param force - write into a folder that already holds files (existing files are replaced)
 * @throws CliError (exit code 2) when `outDir` is not empty and `force` is not set, or a path
 *   escapes `outDir`
 * @public
 */
export async function writeGeneratedFiles(outDir: string, files: GeneratedFile[], force = false): Promise<string> {
  const root = path.resolve(outDir);
  const existing = await fs.readdir(root).catch(() => undefined);
  if (existing && existing.length > 0 && !force) {
    throw new CliError(`--out ${outDir} is not empty; choose a new folder or pass --force`, 2);
  }
  await fs.mkdir(root, { recursive: true });
  for (const file of files) {
    let target: string;
    try {
      target = resolveSafeChildPath(root, file.path);
    } catch {
      throw new CliError(`Refusing to write '${file.path}': it resolves outside of ${root}`, 2);
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, file.content, { mode: file.executable ? 0o755 : 0o644 });
  }
  return root;
}
