import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';
import { CliError } from './errors';

/**
 * A file of the template folder as the scaffolder's dry-run endpoint takes it.
 * @public
 */
export interface DirectoryContent {
  /** POSIX path relative to the folder that holds `template.yaml`. */
  path: string;
  /** File content, base64-encoded. */
  base64Content: string;
}

/**
 * A Software Template loaded from disk, ready for `POST /api/scaffolder/v2/dry-run`.
 * @public
 */
export interface TemplateSource {
  /** Absolute path of the `template.yaml` file. */
  templatePath: string;
  /** The parsed Template entity (`scaffolder.backstage.io/v1beta3`). */
  template: Record<string, unknown> & {
    metadata: { name: string };
    spec: { parameters?: unknown; steps: Array<{ id?: string; name?: string; action: string }> };
  };
  /** Every file of the template folder (skeletons included), paths relative to it. */
  directoryContents: DirectoryContent[];
}

const SKIPPED_DIRS = new Set(['.git', 'node_modules']);
/** The dry-run endpoint accepts large bodies, but a template folder this big is a mistake. */
const MAX_TOTAL_BYTES = 20 * 1024 * 1024;

async function collectFiles(root: string): Promise<DirectoryContent[]> {
  const out: DirectoryContent[] = [];
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      const rel = path.relative(root, full).split(path.sep).join('/');
      if (entry.isSymbolicLink()) {
        throw new CliError(
          `Refusing to upload the symbolic link '${rel}' of the template folder; replace it with a regular file`,
          2,
        );
      }
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) await walk(full);
      } else if (entry.isFile()) {
        const content = await fs.readFile(full);
        total += content.length;
        if (total > MAX_TOTAL_BYTES) {
          throw new CliError(
            `The template folder ${root} holds more than ${MAX_TOTAL_BYTES / 1024 / 1024} MiB of files`,
            2,
          );
        }
        out.push({ path: rel, base64Content: content.toString('base64') });
      }
    }
  };
  await walk(root);
  return out;
}

/**
 * Loads a Software Template and its folder.
 *
 * @param target - a `template.yaml` file, or a folder that holds one
 * @returns the parsed template and every file of its folder, base64-encoded
 * @throws CliError (exit code 2) when the file is missing, is not YAML, or is not a
 *   `scaffolder.backstage.io/v1beta3` Template with `spec.steps`
 * @public
 */
export async function loadTemplateSource(target: string): Promise<TemplateSource> {
  let templatePath = path.resolve(target);
  const stat = await fs.stat(templatePath).catch(() => undefined);
  if (!stat) {
    throw new CliError(`Template not found: ${target}`, 2);
  }
  if (stat.isDirectory()) {
    templatePath = path.join(templatePath, 'template.yaml');
  }
  const text = await fs.readFile(templatePath, 'utf8').catch(() => {
    throw new CliError(`Template not found: ${templatePath}`, 2);
  });
  let template: unknown;
  try {
    template = yaml.parse(text);
  } catch (e) {
    throw new CliError(`${templatePath} is not valid YAML: ${(e as Error).message}`, 2);
  }
  const t = template as Record<string, any> | null;
  if (
    !t ||
    t.apiVersion !== 'scaffolder.backstage.io/v1beta3' ||
    t.kind !== 'Template' ||
    typeof t.metadata?.name !== 'string' ||
    !Array.isArray(t.spec?.steps)
  ) {
    throw new CliError(
      `${templatePath} is not a Software Template (expected apiVersion scaffolder.backstage.io/v1beta3, kind Template, metadata.name and spec.steps)`,
      2,
    );
  }
  const directoryContents = await collectFiles(path.dirname(templatePath));
  return { templatePath, template: t as TemplateSource['template'], directoryContents };
}

/**
 * Reads the template's parameter values from a YAML or JSON file.
 *
 * @param file - path of the values file; its top level must be a mapping
 * @throws CliError (exit code 2) when the file is missing, not YAML, or not a mapping
 * @public
 */
export async function loadValues(file: string): Promise<Record<string, unknown>> {
  const text = await fs.readFile(file, 'utf8').catch(() => {
    throw new CliError(`Values file not found: ${file}`, 2);
  });
  let values: unknown;
  try {
    values = yaml.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not valid YAML: ${(e as Error).message}`, 2);
  }
  if (!values || typeof values !== 'object' || Array.isArray(values)) {
    throw new CliError(`${file} must hold a mapping of parameter names to values`, 2);
  }
  return values as Record<string, unknown>;
}
