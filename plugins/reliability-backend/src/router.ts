import express from 'express';
import Router from 'express-promise-router';
import {
  HttpAuthService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createRiskRoutes } from './routes/risk';
import { createTelemetryRoutes } from './routes/telemetry';
import { RiskService } from './services/RiskService';
import { TelemetryWriter } from './services/Telemetry';

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
  router.use(
    createRiskRoutes({ httpAuth, permissions, catalog, riskService: options.riskService }),
  );
  return router;
}
