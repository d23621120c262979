import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATIONS,
  DriftResponse,
  reliabilityDriftReadPermission,
} from '@goldenpath/plugin-reliability-common';
import { getEntityOrThrow, parseEntityRouteParams } from '../lib/entities';
import { requirePermission } from '../lib/requirePermission';
import { DriftService, driftReportRequestSchema } from '../services/Drift';
import { REPORT_MAX_BYTES } from './cost';

/**
 * Options of {@link createDriftRoutes}.
 * @public
 */
export interface DriftRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  driftService: DriftService;
}

/**
 * Drift state.
 *
 * - `POST /reports/drift` (service principals): body
 *   `{ entityRef?, repository?, environment, exitCode: 0|1|2, checkedAt?, plan? }` with the exit code
 *   of `terraform plan -detailed-exitcode` and the plan as `terraform show -json`. Answers 201;
 *   400 naming the invalid field; 401 for user callers.
 * - `GET /entities/:kind/:namespace/:name/drift`: {@link DriftResponse} with infrastructure, GitOps
 *   and data drift side by side; needs `reliability.drift.read`. A failing source is listed in
 *   `errors` and the other kinds still answer.
 *
 * @public
 */
export function createDriftRoutes(options: DriftRoutesOptions): express.Router {
  const { httpAuth, permissions, catalog, driftService } = options;
  const router = Router();

  router.post(
    '/reports/drift',
    express.json({ limit: REPORT_MAX_BYTES }),
    async (req, res) => {
      await httpAuth.credentials(req, { allow: ['service'] });
      const parsed = driftReportRequestSchema.safeParse(req.body);
      if (!parsed.success) {
        throw new InputError(parsed.error.toString());
      }
      const result = await driftService.ingestReport(parsed.data);
      res.status(201).json({ ...result, generatedAt: new Date().toISOString(), errors: [] });
    },
  );

  router.get('/entities/:kind/:namespace/:name/drift', async (req, res) => {
    const ref = parseEntityRouteParams(req.params);
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    await requirePermission({
      permissions,
      credentials,
      permission: reliabilityDriftReadPermission,
      resourceRef: stringifyEntityRef(ref),
    });
    const entity = await getEntityOrThrow(catalog, ref, credentials);
    const drift = await driftService.getEntityDrift(entity, {
      entityRef: stringifyEntityRef(entity),
      repository: entity.metadata.annotations?.[ANNOTATIONS.GITHUB_PROJECT_SLUG]?.trim() || null,
    });
    const body: DriftResponse = { ...drift, generatedAt: new Date().toISOString() };
    res.json(body);
  });

  return router;
}
