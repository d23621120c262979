import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createServiceFactory,
  LoggerService,
  RootLoggerService,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import scaffolderGithubModule from '@backstage/plugin-scaffolder-backend-module-github';
import goldenPathModule from '@goldenpath/plugin-scaffolder-backend-module-golden-path';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A scaffolder backend running inside this process.
 * @public
 */
export interface InProcessScaffolder {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  baseUrl: string;
  /** Static external-access token the backend accepts for this run only. */
  token: string;
  /** Log lines the backend wrote (warnings and errors; step logs come back in the dry-run answer). */
  logs: string[];
  /** Stops the backend and removes its temporary folder. */
  stop(): Promise<void>;
}

type Meta = Record<string, unknown> | Error | undefined;

/** Keeps backend chatter off the terminal; the CLI prints what matters itself. */
class CapturingLogger implements RootLoggerService {
  readonly #sink: string[];
  readonly #prefix: string;

  constructor(sink: string[], prefix = '') {
    this.#sink = sink;
    this.#prefix = prefix;
  }

  error(message: string, meta?: Meta): void {
    this.#push('error', message, meta);
  }
  warn(message: string, meta?: Meta): void {
    this.#push('warn', message, meta);
  }
  info(_message: string, _meta?: Meta): void {}
  debug(_message: string, _meta?: Meta): void {}

  child(meta: Record<string, unknown>): LoggerService {
    const name = meta.plugin ?? meta.service ?? meta.module;
    return new CapturingLogger(this.#sink, name ? `${this.#prefix}${String(name)}: ` : this.#prefix);
  }

  #push(level: string, message: string, meta?: Meta): void {
    const detail = meta instanceof Error ? ` ${meta.message}` : '';
    this.#sink.push(`${level} ${this.#prefix}${message}${detail}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('Could not find a free port'));
      });
    });
  });
}

/**
 * Starts a minimal Backstage backend in this process with the real
 * `@backstage/plugin-scaffolder-backend`, the GitHub scaffolder module (so templates that
 * publish to GitHub resolve their actions; dry runs skip them) and the Goldenpath module.
 * SQLite in memory, listening on a free port of 127.0.0.1, one random static token.
 *
 * @returns the running backend; call `stop()` when done
 * @public
 */
export async function startInProcessScaffolder(): Promise<InProcessScaffolder> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const baseUrl = `http://127.0.0.1:${port}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'goldenpath-dry-run-'));
  const logs: string[] = [];
  const config = new ConfigReader({
    backend: {
      baseUrl,
      listen: { host: '127.0.0.1', port },
      database: { client: 'better-sqlite3', connection: ':memory:' },
      workingDirectory: tmp,
      auth: {
        externalAccess: [{ type: 'static', options: { token, subject: 'goldenpath-cli' } }],
      },
    },
    goldenpath: { localPublish: { baseDir: path.join(tmp, 'local-repos') } },
  });

  const backend = createBackend();
  backend.add(
    createServiceFactory({
      service: coreServices.rootConfig,
      deps: {},
      factory: () => config,
    }),
  );
  backend.add(
    createServiceFactory({
      service: coreServices.rootLogger,
      deps: {},
      factory: () => new CapturingLogger(logs),
    }),
  );
  backend.add(scaffolderPlugin);
  backend.add(scaffolderGithubModule);
  backend.add(goldenPathModule);
  try {
    await backend.start();
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return {
    baseUrl,
    token,
    logs,
    async stop() {
      await backend.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
