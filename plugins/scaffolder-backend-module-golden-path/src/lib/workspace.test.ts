import fs from 'node:fs';
import path from 'node:path';
import { createTempDir } from '../__testUtils__';
import { resolveWorkspacePath, writeGeneratedFiles } from './workspace';

describe('workspace paths', () => {
  let root: string;
  beforeEach(() => {
    root = createTempDir();
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('should resolve relative paths inside the workspace', async () => {
    await expect(resolveWorkspacePath(root, 'a/b.yaml', 'path')).resolves.toBe(path.join(root, 'a/b.yaml'));
    await expect(resolveWorkspacePath(root, '.', 'path')).resolves.toBe(root);
  });

  it('should refuse traversal, absolute paths and empty paths with the field name', async () => {
    await expect(resolveWorkspacePath(root, '../outside', 'targetPath')).rejects.toThrow(
      "targetPath must not contain '..' segments",
    );
    await expect(resolveWorkspacePath(root, 'a/../../b', 'targetPath')).rejects.toThrow(/'\.\.' segments/);
    await expect(resolveWorkspacePath(root, '/etc/passwd', 'targetPath')).rejects.toThrow(
      "targetPath must be relative to the workspace, got absolute path '/etc/passwd'",
    );
    await expect(resolveWorkspacePath(root, '', 'path')).rejects.toThrow('path must be a non-empty relative path');
  });

  it('should refuse a symlink planted in the workspace, even one pointing inside', async () => {
    const outside = createTempDir();
    fs.symlinkSync(outside, path.join(root, 'escape'));
    fs.mkdirSync(path.join(root, 'real'));
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'inner-link'));
    await expect(resolveWorkspacePath(root, 'escape/x.yaml', 'targetPath')).rejects.toThrow(
      /symbolic link 'escape'/,
    );
    await expect(resolveWorkspacePath(root, 'inner-link/x.yaml', 'targetPath')).rejects.toThrow(
      /symbolic link 'inner-link'/,
    );
    await expect(
      writeGeneratedFiles(root, 'escape', [{ path: 'x.yaml', content: 'a: 1' }]),
    ).rejects.toThrow(/symbolic link/);
    expect(fs.readdirSync(outside)).toEqual([]);
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('should write generated files under the base directory and report their paths', async () => {
    const written = await writeGeneratedFiles(root, 'svc', [
      { path: '.github/workflows/ci.yml', content: 'name: CI\n' },
      { path: 'deploy/a.yaml', content: 'kind: A\n' },
    ]);
    expect(written).toEqual(['svc/.github/workflows/ci.yml', 'svc/deploy/a.yaml']);
    expect(fs.readFileSync(path.join(root, 'svc/deploy/a.yaml'), 'utf8')).toBe('kind: A\n');
  });

  it('should refuse generated file paths that escape the base directory', async () => {
    await expect(
      writeGeneratedFiles(root, '.', [{ path: '../evil.yaml', content: 'x' }]),
    ).rejects.toThrow(/'\.\.' segments/);
    expect(fs.existsSync(path.join(root, '..', 'evil.yaml'))).toBe(false);
  });
});
