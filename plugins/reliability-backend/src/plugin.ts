import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { reliabilityPermissions } from '@goldenpath/plugin-reliability-common';
import { createRouter } from './router';
import { riskServiceRef } from './services/RiskService';
import { telemetryWriterServiceRef } from './services/Telemetry';

/**
 * The reliability backend plugin (`pluginId: reliability`): telemetry
 * ingestion, ClickHouse store and the risk routes under `/api/reliability`.
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
        httpRouter.use(
          await createRouter({
            config,
            httpAuth,
            permissions,
            catalog,
            riskService,
            telemetryWriter,
          }),
        );
      },
    });
  },
});
