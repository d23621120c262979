import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * A file produced by a generator, with a path relative to the directory it is written into.
 * @public
 */
export interface GeneratedFile {
  /** POSIX path relative to the target directory, e.g. `.github/workflows/ci.yml`. */
  path: string;
  /** UTF-8 text content. */
  content: string;
}

async function lstatOrUndefined(p: string) {
  try {
    return await fs.lstat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Resolves `relativePath` inside `root` and refuses anything that could escape it.
 *
 * Refused, with an `InputError` naming `field`: empty paths, absolute paths, `..` segments,
 * NUL bytes, and any existing path component under `root` that is a symbolic link (a link
 * planted in the workspace could point anywhere, even if the final target looks inside).
 *
 * @param root - absolute directory the path must stay inside (e.g. `ctx.workspacePath`)
 * @param relativePath - user-supplied relative path (`.` for the root itself)
 * @param field - input field name used in error messages
 * @returns the absolute resolved path
 * @throws InputError when the path is unsafe
 * @public
 */
export async function resolveWorkspacePath(
  root: string,
  relativePath: string,
  field: string,
): Promise<string> {
  if (typeof relativePath !== 'string' || relativePath.length === 0) {
    throw new InputError(`${field} must be a non-empty relative path`);
  }
  if (relativePath.includes('\0')) {
    throw new InputError(`${field} must not contain NUL bytes`);
  }
  if (path.isAbsolute(relativePath) || path.win32.isAbsolute(relativePath)) {
    throw new InputError(
      `${field} must be relative to the workspace, got absolute path '${relativePath}'`,
    );
  }
  if (relativePath.split(/[\\/]+/).includes('..')) {
    throw new InputError(
      `${field} must not contain '..' segments, got '${relativePath}'`,
    );
  }
  const rootResolved = path.resolve(root);
  const candidate = path.resolve(rootResolved, relativePath);
  let current = rootResolved;
  for (const segment of path.relative(rootResolved, candidate).split(path.sep)) {
    if (!segment) continue;
    current = path.join(current, segment);
    const stat = await lstatOrUndefined(current);
    if (!stat) break;
    if (stat.isSymbolicLink()) {
      throw new InputError(
        `${field} '${relativePath}' goes through the symbolic link '${path.relative(
          rootResolved,
          current,
        )}' in the workspace; refusing to follow it`,
      );
    }
  }
  let resolved: string;
  try {
    resolved = resolveSafeChildPath(root, relativePath);
  } catch {
    throw new InputError(
      `${field} '${relativePath}' resolves outside of the workspace`,
    );
  }
  return resolved;
}

/**
 * Writes generated files under `root/baseDir` after checking every path with
 * {@link resolveWorkspacePath}. Parent directories are created; existing files are replaced.
 *
 * @returns the written paths relative to `root`, POSIX separators, in input order
 * @throws InputError for an unsafe `baseDir` or file path
 * @public
 */
export async function writeGeneratedFiles(
  root: string,
  baseDir: string,
  files: GeneratedFile[],
): Promise<string[]> {
  const dir = await resolveWorkspacePath(root, baseDir || '.', 'targetPath');
  const written: string[] = [];
  const relDir = path.relative(path.resolve(root), dir);
  for (const file of files) {
    const rel = relDir ? path.join(relDir, file.path) : file.path;
    const target = await resolveWorkspacePath(root, rel, 'targetPath');
    await fs.mkdir(path.dirname(target), { recursive: true });
    // Re-check after mkdir: a directory created concurrently could be a link.
    await resolveWorkspacePath(root, rel, 'targetPath');
    await fs.writeFile(target, file.content, 'utf8');
    written.push(rel.split(path.sep).join('/'));
  }
  return written;
}
