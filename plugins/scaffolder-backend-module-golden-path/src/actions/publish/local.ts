import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { resolveSafeChildPath, RootConfigService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import git from 'isomorphic-git';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveWorkspacePath } from '../../lib/workspace';
import { examples } from './local.examples';

/** Default of `goldenpath.localPublish.baseDir`, relative to the backend's working directory. */
export const DEFAULT_LOCAL_PUBLISH_BASE_DIR = '.data/local-repos';

/**
 * Reads `goldenpath.localPublish.baseDir` and resolves it against the working directory.
 * @public
 */
export function getLocalPublishBaseDir(config: RootConfigService): string {
  return path.resolve(
    config.getOptionalString('goldenpath.localPublish.baseDir') ?? DEFAULT_LOCAL_PUBLISH_BASE_DIR,
  );
}

async function copyTree(from: string, to: string, root: string): Promise<string[]> {
  const copied: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.promises.readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name === '.git') continue;
      const src = path.join(dir, entry.name);
      const rel = path.relative(from, src);
      if (entry.isSymbolicLink()) {
        throw new InputError(
          `Refusing to publish the symbolic link '${path.relative(root, src)}' in the workspace`,
        );
      }
      const dest = path.join(to, rel);
      if (entry.isDirectory()) {
        await fs.promises.mkdir(dest, { recursive: true });
        await walk(src);
      } else if (entry.isFile()) {
        await fs.promises.copyFile(src, dest);
        copied.push(rel.split(path.sep).join('/'));
      }
    }
  };
  await walk(from);
  return copied.sort();
}

/**
 * Creates `goldenpath:publish:local`: for air-gapped use and demos, makes a git repository of
 * the workspace under `goldenpath.localPublish.baseDir/<repoName>`, commits every file, and
 * outputs `remoteUrl`, `repoContentsUrl` and `catalogInfoUrl` (`file:` URLs that
 * `catalog:register` can read once the local-repository URL reader from this package is
 * installed). Refuses to overwrite an existing repository. A dry run creates nothing outside
 * the workspace and only reports the URLs it would produce.
 * @public
 */
export function createPublishLocalAction(options: { config: RootConfigService }) {
  return createTemplateAction({
    id: 'goldenpath:publish:local',
    description:
      'Publishes the workspace as a new local git repository (air-gapped/demo) and outputs URLs for catalog:register.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repoName: z =>
          z
            .string()
            .regex(/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/, 'expected a lowercase name (letters, digits, -, _, .)')
            .max(100)
            .describe('Repository folder name under goldenpath.localPublish.baseDir.'),
        sourcePath: z => z.string().default('.').describe('Workspace folder to publish.'),
        defaultBranch: z => z.string().regex(/^[A-Za-z0-9._-]+$/).default('main').describe('Initial branch.'),
        commitMessage: z => z.string().min(1).default('Initial commit from Goldenpath').describe('Commit message.'),
        authorName: z => z.string().min(1).default('Goldenpath Scaffolder').describe('Commit author name.'),
        authorEmail: z => z.string().email().default('scaffolder@goldenpath.dev').describe('Commit author e-mail.'),
        catalogInfoPath: z => z.string().default('catalog-info.yaml').describe('Path of the catalog file in the repository.'),
      },
      output: {
        remoteUrl: z => z.string().describe('file: URL of the repository folder.'),
        repoContentsUrl: z => z.string().describe('file: URL of the repository contents (ends with /).'),
        catalogInfoUrl: z => z.string().describe('file: URL of catalog-info.yaml, for catalog:register.'),
        commitHash: z => z.string().describe('Commit SHA-1 (empty in a dry run).'),
      },
    },
    async handler(ctx) {
      const i = ctx.input;
      const baseDir = getLocalPublishBaseDir(options.config);
      const repoDir = resolveSafeChildPath(baseDir, i.repoName);
      const source = await resolveWorkspacePath(ctx.workspacePath, i.sourcePath ?? '.', 'sourcePath');
      const catalogInfoPath = (i.catalogInfoPath ?? 'catalog-info.yaml').replace(/^\/+/, '');
      if (catalogInfoPath.split('/').includes('..')) {
        throw new InputError(`catalogInfoPath must not contain '..' segments`);
      }
      const repoContentsUrl = `${pathToFileURL(repoDir).href}/`;
      const catalogInfoUrl = new URL(catalogInfoPath, repoContentsUrl).href;
      if (fs.existsSync(repoDir)) {
        throw new ConflictError(
          `A repository named '${i.repoName}' already exists under ${baseDir}; refusing to overwrite it`,
        );
      }
      ctx.output('remoteUrl', pathToFileURL(repoDir).href);
      ctx.output('repoContentsUrl', repoContentsUrl);
      ctx.output('catalogInfoUrl', catalogInfoUrl);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would publish ${i.sourcePath ?? '.'} to ${repoDir}`);
        ctx.output('commitHash', '');
        return;
      }

      await fs.promises.mkdir(baseDir, { recursive: true });
      // mkdir without recursive fails if another task created the folder in the meantime.
      await fs.promises.mkdir(repoDir);
      try {
        const files = await copyTree(source, repoDir, ctx.workspacePath);
        await git.init({ fs, dir: repoDir, defaultBranch: i.defaultBranch ?? 'main' });
        if (files.length > 0) {
          await git.add({ fs, dir: repoDir, filepath: files });
        }
        const author = {
          name: i.authorName ?? 'Goldenpath Scaffolder',
          email: i.authorEmail ?? 'scaffolder@goldenpath.dev',
        };
        const commitHash = await git.commit({
          fs,
          dir: repoDir,
          message: i.commitMessage ?? 'Initial commit from Goldenpath',
          author,
          committer: author,
        });
        ctx.logger.info(`Published ${files.length} files to ${repoDir} at ${commitHash}`);
        ctx.output('commitHash', commitHash);
      } catch (e) {
        await fs.promises.rm(repoDir, { recursive: true, force: true });
        throw e;
      }
    },
  });
}
