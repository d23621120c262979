import {
  createServiceFactory,
  UrlReaderService,
  UrlReaderServiceReadTreeOptions,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchResponse,
} from '@backstage/backend-plugin-api';
import {
  ReaderFactory,
  ReadTreeResponseFactory,
  urlReaderFactoriesServiceRef,
} from '@backstage/backend-defaults/urlReader';
import { InputError, NotFoundError, NotModifiedError } from '@backstage/errors';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { getLocalPublishBaseDir } from '../actions/publish/local';

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Reads `file:` URLs inside the repositories made by `goldenpath:publish:local`, so that
 * `catalog:register` (which always registers a `url` location) can ingest a locally published
 * `catalog-info.yaml`. Every other path is refused: the reader resolves symbolic links and
 * requires the real path to stay inside `goldenpath.localPublish.baseDir`.
 * @public
 */
export class LocalRepositoryUrlReader implements UrlReaderService {
  readonly #baseDir: string;
  readonly #treeResponseFactory: ReadTreeResponseFactory;

  /** Reader factory for `urlReaderFactoriesServiceRef`. */
  static factory: ReaderFactory = ({ config, treeResponseFactory }) => {
    const reader = new LocalRepositoryUrlReader(getLocalPublishBaseDir(config), treeResponseFactory);
    return [{ reader, predicate: (url: URL) => reader.handles(url) }];
  };

  constructor(baseDir: string, treeResponseFactory: ReadTreeResponseFactory) {
    this.#baseDir = path.resolve(baseDir);
    this.#treeResponseFactory = treeResponseFactory;
  }

  /** Whether `url` is a `file:` URL under the base directory (lexically; reads also check real paths). */
  handles(url: URL): boolean {
    if (url.protocol !== 'file:') return false;
    try {
      return isInside(this.#baseDir, fileURLToPath(url));
    } catch {
      return false;
    }
  }

  async #realPath(url: string): Promise<string> {
    let target: string;
    try {
      target = fileURLToPath(url);
    } catch {
      throw new InputError(`Not a file URL: ${url}`);
    }
    let real: string;
    let base: string;
    try {
      real = await fs.promises.realpath(target);
      base = await fs.promises.realpath(this.#baseDir);
    } catch {
      throw new NotFoundError(`${url} does not exist`);
    }
    if (!isInside(base, real)) {
      throw new InputError(`${url} is outside of the local repositories folder`);
    }
    return real;
  }

  async readUrl(url: string, options?: UrlReaderServiceReadUrlOptions): Promise<UrlReaderServiceReadUrlResponse> {
    const file = await this.#realPath(url);
    const stat = await fs.promises.stat(file);
    if (!stat.isFile()) throw new NotFoundError(`${url} is not a file`);
    const etag = `${stat.size}-${stat.mtimeMs}`;
    if (options?.etag === etag) throw new NotModifiedError();
    if (options?.lastModifiedAfter && stat.mtime <= options.lastModifiedAfter) throw new NotModifiedError();
    const content = await fs.promises.readFile(file);
    return {
      buffer: async () => content,
      stream: () => Readable.from(content),
      etag,
      lastModifiedAt: stat.mtime,
    };
  }

  async readTree(url: string, options?: UrlReaderServiceReadTreeOptions): Promise<UrlReaderServiceReadTreeResponse> {
    const dir = await this.#realPath(url);
    const files: Array<{ path: string; data: Readable; lastModifiedAt: Date }> = [];
    const walk = async (current: string) => {
      for (const entry of await fs.promises.readdir(current, { withFileTypes: true })) {
        if (entry.name === '.git' || entry.isSymbolicLink()) continue;
        const full = path.join(current, entry.name);
        const rel = path.relative(dir, full).split(path.sep).join('/');
        if (entry.isDirectory()) {
          await walk(full);
        } else if (entry.isFile() && (!options?.filter || options.filter(rel))) {
          const stat = await fs.promises.stat(full);
          files.push({ path: rel, data: Readable.from(await fs.promises.readFile(full)), lastModifiedAt: stat.mtime });
        }
      }
    };
    await walk(dir);
    return this.#treeResponseFactory.fromReadableArray(files);
  }

  async search(url: string): Promise<UrlReaderServiceSearchResponse> {
    if (/[*?[\]{}]/.test(decodeURIComponent(new URL(url).pathname))) {
      throw new InputError('Glob patterns are not supported for local repositories');
    }
    try {
      const res = await this.readUrl(url);
      return {
        files: [{ url, content: res.buffer, lastModifiedAt: res.lastModifiedAt }],
        etag: res.etag ?? '',
      };
    } catch (e) {
      if ((e as Error).name === 'NotFoundError') return { files: [], etag: '' };
      throw e;
    }
  }

  toString() {
    return `goldenpath-local-repositories{baseDir=${this.#baseDir}}`;
  }
}

/**
 * Adds {@link LocalRepositoryUrlReader} to every plugin's UrlReader, so `catalog:register`
 * accepts the `catalogInfoUrl` of `goldenpath:publish:local`.
 * Install with `backend.add(localRepositoryUrlReaderFactory)`.
 * @public
 */
export const localRepositoryUrlReaderFactory = createServiceFactory({
  service: urlReaderFactoriesServiceRef,
  deps: {},
  async factory() {
    return LocalRepositoryUrlReader.factory;
  },
});
