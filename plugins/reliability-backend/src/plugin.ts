import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { reliabilityPermissions } from '@goldenpath/plugin-reliability-common';
import { createRouter } from './router';
import { costServiceRef } from './services/Cost';
import { doraServiceRef } from './services/Dora';
import { driftServiceRef } from './services/Drift';
import { nodeHealthServiceRef } from './services/NodeHealth';
import { riskServiceRef } from './services/RiskService';
import { telemetryWriterServiceRef } from './services/Telemetry';
import { githubWebhookServiceRef } from './services/Webhooks';

/**
 * The reliability backend plugin (`pluginId: reliability`): telemetry
 * ingestion, ClickHouse store, risk scores, node health, DORA, cost and drift
 * routes under `/api/reliability`.
 *
 * @public
 */
export const reliabilityPlugin = createBackendPlugin({
  pluginId: 'reliability',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
        catalog: catalogServiceRef,
        riskService: riskServiceRef,
        telemetryWriter: telemetryWriterServiceRef,
        nodeHealth: nodeHealthServiceRef,
        doraService: doraServiceRef,
        costService: costServiceRef,
        driftService: driftServiceRef,
        githubWebhooks: githubWebhookServiceRef,
      },
      async init({
        config,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        scheduler,
        logger,
        catalog,
        riskService,
        telemetryWriter,
        nodeHealth,
        doraService,
        costService,
        driftService,
        githubWebhooks,
      }) {
        permissionsRegistry.addPermissions(reliabilityPermissions);
        await scheduler.scheduleTask({
          id: 'reliability:risk-refresh',
          frequency: { seconds: riskService.config.refreshIntervalSeconds },
          timeout: { minutes: 10 },
          initialDelay: { seconds: 10 },
          fn: async () => {
            const { since, rows } = await riskService.refresh();
            logger.debug('Refreshed risk scores', { since: since.toISOString(), rows });
          },
        });
        // GitHub calls this route; the HMAC signature is the authentication.
        httpRouter.addAuthPolicy({ path: '/webhooks/github', allow: 'unauthenticated' });
        httpRouter.use(
          await createRouter({
            config,
            httpAuth,
            permissions,
            catalog,
            riskService,
            telemetryWriter,
            nodeHealth,
            doraService,
            costService,
            driftService,
            githubWebhooks,
          }),
        );
      },
    });
  },
});
