import { mockServices } from '@backstage/backend-test-utils';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createTempDir } from '../__testUtils__';
import { createPublishLocalAction } from '../actions/publish/local';
import { LocalRepositoryUrlReader } from './LocalRepositoryUrlReader';

describe('LocalRepositoryUrlReader', () => {
  let baseDir: string;
  let workspacePath: string;
  beforeEach(() => {
    baseDir = createTempDir();
    workspacePath = createTempDir();
  });
  afterEach(() => {
    fs.rmSync(baseDir, { recursive: true, force: true });
    fs.rmSync(workspacePath, { recursive: true, force: true });
  });

  function reader() {
    const config = mockServices.rootConfig({ data: { goldenpath: { localPublish: { baseDir } } } });
    return UrlReaders.create({
      config,
      logger: mockServices.logger.mock(),
      factories: [LocalRepositoryUrlReader.factory],
    });
  }

  it('should read the catalogInfoUrl output by goldenpath:publish:local', async () => {
    fs.writeFileSync(path.join(workspacePath, 'catalog-info.yaml'), 'kind: Component\n');
    const ctx = createMockActionContext({ input: { repoName: 'payments' } as any, workspacePath });
    await createPublishLocalAction({
      config: mockServices.rootConfig({ data: { goldenpath: { localPublish: { baseDir } } } }),
    }).handler(ctx);
    const url = (ctx.output as jest.Mock).mock.calls.find(c => c[0] === 'catalogInfoUrl')[1];
    const res = await reader().readUrl(url);
    expect((await res.buffer()).toString()).toBe('kind: Component\n');
    await expect(reader().readUrl(url, { etag: res.etag })).rejects.toThrow(expect.objectContaining({ name: 'NotModifiedError' }));
    const tree = await reader().readTree(url.replace(/catalog-info\.yaml$/, ''));
    expect((await tree.files()).map(f => f.path)).toEqual(['catalog-info.yaml']);
  });

  it('should refuse files outside the base directory, including through symlinks', async () => {
    const outside = createTempDir();
    fs.writeFileSync(path.join(outside, 'secret.yaml'), 'x');
    fs.mkdirSync(path.join(baseDir, 'repo'));
    fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(baseDir, 'repo', 'link.yaml'));
    await expect(reader().readUrl(pathToFileURL(path.join(outside, 'secret.yaml')).href)).rejects.toThrow(
      /not allowed|No reader|outside/i,
    );
    await expect(reader().readUrl(pathToFileURL(path.join(baseDir, 'repo', 'link.yaml')).href)).rejects.toThrow(
      /outside of the local repositories folder/,
    );
    fs.rmSync(outside, { recursive: true, force: true });
  });
});
