import express from 'express';
import Router from 'express-promise-router';
import {
  HttpAuthService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createCostRoutes } from './routes/cost';
import { createDoraRoutes } from './routes/dora';
import { createDriftRoutes } from './routes/drift';
import { createHealthRoutes } from './routes/health';
import { createRiskRoutes } from './routes/risk';
import { createTelemetryRoutes } from './routes/telemetry';
import { createWebhookRoutes } from './routes/webhooks';
import { CostService } from './services/Cost';
import { DoraService } from './services/Dora';
import { DriftService } from './services/Drift';
import { NodeHealthService } from './services/NodeHealth';
import { RiskService } from './services/RiskService';
import { TelemetryWriter } from './services/Telemetry';
import { GithubWebhookService } from './services/Webhooks';

/**
 * Services the reliability router needs.
 *
 * @public
 */
export interface RouterOptions {
  config: RootConfigService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  riskService: RiskService;
  telemetryWriter: TelemetryWriter;
  nodeHealth: NodeHealthService;
  doraService: DoraService;
  costService: CostService;
  driftService: DriftService;
  githubWebhooks: GithubWebhookService;
}

/**
 * Composes every route module of the plugin; mounted at `/api/reliability`.
 *
 * No router-wide body parser: each route module parses its own body (the
 * telemetry route caps and reads text for NDJSON, the GitHub webhook needs the
 * raw bytes for its HMAC).
 *
 * @public
 */
export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { config, httpAuth, permissions, catalog } = options;
  const router = Router();
  router.use(
    createTelemetryRoutes({
      httpAuth,
      telemetryWriter: options.telemetryWriter,
      maxBodyBytes: config.getOptionalNumber('reliability.telemetry.maxBodyBytes'),
      maxBatchRows: config.getOptionalNumber('reliability.telemetry.maxBatchRows'),
    }),
  );
  router.use(createWebhookRoutes({ githubWebhooks: options.githubWebhooks }));
  router.use(
    createRiskRoutes({ httpAuth, permissions, catalog, riskService: options.riskService }),
  );
  router.use(
    createHealthRoutes({ httpAuth, permissions, catalog, nodeHealth: options.nodeHealth }),
  );
  router.use(
    createDoraRoutes({ httpAuth, permissions, catalog, doraService: options.doraService }),
  );
  router.use(
    createCostRoutes({ httpAuth, permissions, catalog, costService: options.costService }),
  );
  router.use(
    createDriftRoutes({ httpAuth, permissions, catalog, driftService: options.driftService }),
  );
  return router;
}
