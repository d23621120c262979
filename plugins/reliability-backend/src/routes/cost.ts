import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATIONS,
  CostResponse,
  reliabilityCostReadPermission,
} from '@goldenpath/plugin-reliability-common';
import { getEntityOrThrow, parseEntityRouteParams } from '../lib/entities';
import { requirePermission } from '../lib/requirePermission';
import { CostService, costReportRequestSchema } from '../services/Cost';

/**
 * Largest accepted report body (Infracost JSON of a large monorepo), in bytes.
 * @public
 */
export const REPORT_MAX_BYTES = 25 * 1024 * 1024;

/**
 * Options of {@link createCostRoutes}.
 * @public
 */
export interface CostRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  costService: CostService;
}

/**
 * Cost deltas from Infracost.
 *
 * - `POST /reports/cost` (service principals, i.e. external-access tokens from CI): body
 *   `{ entityRef?, repository?, pullRequest?, environment, budget?, labels?, reportedAt?, infracost }`
 *   where `infracost` is the JSON of `infracost diff|breakdown --format json` (format 0.2) and
 *   `budget` the environment's thresholds from `.platform/budgets.yaml`. Answers 201 with the
 *   summary and the budget status; 400 naming the invalid field; 401 for user callers.
 * - `GET /entities/:kind/:namespace/:name/cost`: {@link CostResponse}; needs `reliability.cost.read`.
 *
 * @public
 */
export function createCostRoutes(options: CostRoutesOptions): express.Router {
  const { httpAuth, permissions, catalog, costService } = options;
  const router = Router();

  router.post(
    '/reports/cost',
    express.json({ limit: REPORT_MAX_BYTES }),
    async (req, res) => {
      await httpAuth.credentials(req, { allow: ['service'] });
      const parsed = costReportRequestSchema.safeParse(req.body);
      if (!parsed.success) {
        throw new InputError(parsed.error.toString());
      }
      const result = await costService.ingestReport(parsed.data);
      res.status(201).json({ ...result, generatedAt: new Date().toISOString(), errors: [] });
    },
  );

  router.get('/entities/:kind/:namespace/:name/cost', async (req, res) => {
    const ref = parseEntityRouteParams(req.params);
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const entityRef = stringifyEntityRef(ref);
    await requirePermission({
      permissions,
      credentials,
      permission: reliabilityCostReadPermission,
      resourceRef: entityRef,
    });
    const entity = await getEntityOrThrow(catalog, ref, credentials);
    const cost = await costService.getEntityCost({
      entityRef: stringifyEntityRef(entity),
      repository: entity.metadata.annotations?.[ANNOTATIONS.GITHUB_PROJECT_SLUG]?.trim() || null,
    });
    const body: CostResponse = {
      ...cost,
      costCenter: entity.metadata.annotations?.[ANNOTATIONS.COST_CENTER]?.trim() || null,
      generatedAt: new Date().toISOString(),
      errors: [],
    };
    res.json(body);
  });

  return router;
}
