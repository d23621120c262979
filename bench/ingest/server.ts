/**
 * Minimal standalone backend for the ingest bench: `createBackend()` with the core services and a
 * plugin (pluginId `reliability`) that mounts only the GitHub webhook route on the real
 * `GithubWebhookService` and ClickHouse store. Run with `--config <app-config.yaml>`.
 */
import { createBackend } from '@backstage/backend-defaults';
import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { createWebhookRoutes } from '../../plugins/reliability-backend/src/routes/webhooks';
import { githubWebhookServiceRef } from '../../plugins/reliability-backend/src/services/Webhooks';

const benchWebhookPlugin = createBackendPlugin({
  pluginId: 'reliability',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        githubWebhooks: githubWebhookServiceRef,
      },
      async init({ httpRouter, githubWebhooks }) {
        httpRouter.addAuthPolicy({ path: '/webhooks/github', allow: 'unauthenticated' });
        httpRouter.use(createWebhookRoutes({ githubWebhooks }));
      },
    });
  },
});

const backend = createBackend();
backend.add(benchWebhookPlugin);
backend.start().catch(error => {
  console.error(error);
  process.exit(1);
});
