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
        catalog,
        riskService,
        telemetryWriter,
      }) {
        permissionsRegistry.addPermissions(reliabilityPermissions);
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
