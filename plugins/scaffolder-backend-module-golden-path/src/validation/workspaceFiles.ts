import { InputError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ManifestFile } from './ManifestValidator';

const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

/**
 * Reads every `.yaml`, `.yml` and `.json` file under `dir`, skipping `.git` and `node_modules`.
 *
 * @param root - workspace root; returned paths are relative to it (POSIX separators)
 * @param dir - absolute directory inside `root` to read (already checked by the caller)
 * @throws InputError when a symbolic link is found: a link planted in the workspace could
 *   make the step read files outside of it
 * @public
 */
export async function readManifestFiles(root: string, dir: string): Promise<ManifestFile[]> {
  const out: ManifestFile[] = [];
  const walk = async (current: string): Promise<void> => {
    const entries = await fs.readdir(current, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      const rel = path.relative(root, full).split(path.sep).join('/');
      if (entry.isSymbolicLink()) {
        throw new InputError(
          `Refusing to read the symbolic link '${rel}' in the workspace; remove it or replace it with a regular file`,
        );
      }
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) await walk(full);
      } else if (entry.isFile() && /\.(ya?ml|json)$/i.test(entry.name)) {
        out.push({ path: rel, content: await fs.readFile(full, 'utf8') });
      }
    }
  };
  await walk(dir);
  return out;
}
