import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import git from 'isomorphic-git';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createTempDir, listFiles } from '../../__testUtils__';
import { createPublishLocalAction } from './local';

describe('goldenpath:publish:local', () => {
  let workspacePath: string;
  let baseDir: string;
  beforeEach(() => {
    jest.resetAllMocks();
    workspacePath = createTempDir();
    baseDir = path.join(createTempDir(), 'repos');
    fs.writeFileSync(path.join(workspacePath, 'catalog-info.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Component\n');
    fs.mkdirSync(path.join(workspacePath, 'deploy'));
    fs.writeFileSync(path.join(workspacePath, 'deploy/app.yaml'), 'kind: Deployment\n');
  });
  afterEach(() => {
    fs.rmSync(workspacePath, { recursive: true, force: true });
    fs.rmSync(path.dirname(baseDir), { recursive: true, force: true });
  });

  const action = () =>
    createPublishLocalAction({
      config: mockServices.rootConfig({ data: { goldenpath: { localPublish: { baseDir } } } }),
    });

  it('should create a git repository with one commit of the workspace and output file URLs', async () => {
    const ctx = createMockActionContext({ input: { repoName: 'payments' } as any, workspacePath });
    await action().handler(ctx);
    const repoDir = path.join(baseDir, 'payments');
    expect(listFiles(repoDir).filter(f => !f.startsWith('.git/'))).toEqual(['catalog-info.yaml', 'deploy/app.yaml']);
    const log = await git.log({ fs, dir: repoDir });
    expect(log).toHaveLength(1);
    expect(log[0].commit.message).toBe('Initial commit from Goldenpath\n');
    expect(await git.listFiles({ fs, dir: repoDir })).toEqual(['catalog-info.yaml', 'deploy/app.yaml']);
    expect(await git.currentBranch({ fs, dir: repoDir })).toBe('main');
    expect(ctx.output).toHaveBeenCalledWith('repoContentsUrl', `${pathToFileURL(repoDir).href}/`);
    expect(ctx.output).toHaveBeenCalledWith('catalogInfoUrl', `${pathToFileURL(repoDir).href}/catalog-info.yaml`);
    expect(ctx.output).toHaveBeenCalledWith('commitHash', log[0].oid);
  });

  it('should refuse to overwrite an existing repository', async () => {
    fs.mkdirSync(path.join(baseDir, 'payments'), { recursive: true });
    fs.writeFileSync(path.join(baseDir, 'payments', 'keep.txt'), 'x');
    const ctx = createMockActionContext({ input: { repoName: 'payments' } as any, workspacePath });
    await expect(action().handler(ctx)).rejects.toThrow(/already exists.*refusing to overwrite/);
    expect(fs.readdirSync(path.join(baseDir, 'payments'))).toEqual(['keep.txt']);
  });

  it('should create nothing in a dry run but report the URLs', async () => {
    const ctx = { ...createMockActionContext({ input: { repoName: 'payments' } as any, workspacePath }), isDryRun: true };
    await action().handler(ctx);
    expect(fs.existsSync(path.join(baseDir, 'payments'))).toBe(false);
    expect(ctx.output).toHaveBeenCalledWith('catalogInfoUrl', expect.stringMatching(/^file:\/\/.+\/payments\/catalog-info\.yaml$/));
    expect(ctx.output).toHaveBeenCalledWith('commitHash', '');
  });

  it('should refuse symlinks in the workspace and clean up the half-made repository', async () => {
    const outside = createTempDir();
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'top secret');
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(workspacePath, 'deploy/leak.txt'));
    const ctx = createMockActionContext({ input: { repoName: 'payments' } as any, workspacePath });
    await expect(action().handler(ctx)).rejects.toThrow("Refusing to publish the symbolic link 'deploy/leak.txt'");
    expect(fs.existsSync(path.join(baseDir, 'payments'))).toBe(false);
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('should refuse a sourcePath outside the workspace', async () => {
    const ctx = createMockActionContext({ input: { repoName: 'payments', sourcePath: '/etc' } as any, workspacePath });
    await expect(action().handler(ctx)).rejects.toThrow("sourcePath must be relative to the workspace, got absolute path '/etc'");
  });
});
