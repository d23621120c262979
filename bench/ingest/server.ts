/**
 * Minimal standalone backend for the ingest bench: `createBackend()` with the core services and a
 * plugin (pluginId `reliability`) that mounts only the GitHub webhook route on the real
 * `GithubWebhookService` and ClickHouse store. Run with `--config <app-config.yaml>`.
 *
 * Bench-only additions: `GET /api/reliability/bench/inserts` answers ClickHouse's own counters
 * (`InsertQuery`, `InsertedRows` from `system.events`), so the bench can print rows per insert, and
 * the event-loop delay p99 and max (ms) since the previous call; and
 * `BENCH_MIN_FLUSH_MS=<ms>` replaces the service's default insert spacing and
 * `BENCH_PAYLOAD_WORKERS=<n>` its number of payload worker threads (0: on the main thread) and
 * `BENCH_INBOX_MOVE_MS=<ms>` the period of the journal copy to `delivery_events`, and
 * `BENCH_JOURNAL_SYNC=0` acknowledges without `fdatasync`, to compare settings.
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createWebhookRoutes } from '../../plugins/reliability-backend/src/routes/webhooks';
import { clickHouseStoreServiceRef } from '../../plugins/reliability-backend/src/services/ClickHouseStore';
import {
  firstCommitResolverFromConfig,
  GithubWebhookService,
  githubWebhookServiceRef,
} from '../../plugins/reliability-backend/src/services/Webhooks';

const benchWebhookPlugin = createBackendPlugin({
  pluginId: 'reliability',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        githubWebhooks: githubWebhookServiceRef,
        store: clickHouseStoreServiceRef,
      },
      async init({ httpRouter, githubWebhooks, store }) {
        httpRouter.addAuthPolicy({ path: '/webhooks/github', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({ path: '/bench/inserts', allow: 'unauthenticated' });
        httpRouter.use(createWebhookRoutes({ githubWebhooks }));
        const loopDelay = monitorEventLoopDelay({ resolution: 5 });
        loopDelay.enable();
        const bench = Router();
        bench.get('/bench/inserts', async (_req, res) => {
          const result = await store.client.query({
            query: `SELECT event, value FROM system.events WHERE event IN ('InsertQuery', 'InsertedRows')`,
            format: 'JSONEachRow',
          });
          const rows = await result.json<{ event: string; value: string | number }>();
          const get = (name: string) => Number(rows.find(r => r.event === name)?.value ?? 0);
          const loop = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
          loopDelay.reset();
          res.json({ inserts: get('InsertQuery'), rows: get('InsertedRows'), loopDelayMs: loop });
        });
        httpRouter.use(bench);
      },
    });
  },
});

const backend = createBackend();
backend.add(benchWebhookPlugin);
const minFlush = process.env.BENCH_MIN_FLUSH_MS;
const workers = process.env.BENCH_PAYLOAD_WORKERS;
const moveMs = process.env.BENCH_INBOX_MOVE_MS;
const journalSync = process.env.BENCH_JOURNAL_SYNC;
if (minFlush !== undefined || workers !== undefined || moveMs !== undefined || journalSync !== undefined) {
  const minFlushIntervalMs = minFlush === undefined ? undefined : Number(minFlush);
  const payloadWorkers = workers === undefined ? undefined : Number(workers);
  const inboxMoveIntervalMs = moveMs === undefined ? undefined : Number(moveMs);
  backend.add(
    createServiceFactory({
      service: githubWebhookServiceRef,
      deps: { config: coreServices.rootConfig, logger: coreServices.logger, store: clickHouseStoreServiceRef },
      factory: ({ config, logger, store }) =>
        GithubWebhookService.create({
          target: store,
          config,
          logger,
          resolveFirstCommit: firstCommitResolverFromConfig(config, logger),
          minFlushIntervalMs,
          payloadWorkers,
          inboxMoveIntervalMs,
          journalSync: journalSync === undefined ? undefined : journalSync !== '0',
        }),
    }),
  );
}
backend.start().catch(error => {
  console.error(error);
  process.exit(1);
});
