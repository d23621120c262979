import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DoraResponse,
  reliabilityDoraReadPermission,
} from '@goldenpath/plugin-reliability-common';
import { z } from 'zod';
import { getEntityOrThrow, parseEntityRouteParams } from '../lib/entities';
import { requirePermission } from '../lib/requirePermission';
import { DoraService } from '../services/Dora';

/**
 * Options of {@link createDoraRoutes}.
 * @public
 */
export interface DoraRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  doraService: DoraService;
}

const querySchema = z.object({
  window: z.enum(['7', '30', '90', '365']).default('30'),
  /** End of the window (ISO 8601); the card asks for the previous window to show a trend. */
  to: z.iso
    .datetime({ offset: true })
    .optional()
    .refine(value => !value || Date.parse(value) <= Date.now() + 60_000, {
      message: 'to must not be in the future',
    }),
});

/**
 * `GET /entities/:kind/:namespace/:name/dora?window=7|30|90|365[&to=ISO-8601]` (days, default 30,
 * window ending at `to`, default now): DORA metrics of the entity's repository
 * (`github.com/project-slug`). Needs `reliability.dora.read` on the
 * entity. Answers {@link DoraResponse}; 400 for a bad window, 403, 404 for an unknown entity.
 * @public
 */
export function createDoraRoutes(options: DoraRoutesOptions): express.Router {
  const { httpAuth, permissions, catalog, doraService } = options;
  const router = Router();
  router.get('/entities/:kind/:namespace/:name/dora', async (req, res) => {
    const ref = parseEntityRouteParams(req.params);
    const query = querySchema.safeParse(req.query);
    if (!query.success) {
      throw new InputError(query.error.toString());
    }
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    await requirePermission({
      permissions,
      credentials,
      permission: reliabilityDoraReadPermission,
      resourceRef: stringifyEntityRef(ref),
    });
    const entity = await getEntityOrThrow(catalog, ref, credentials);
    const dora = await doraService.getEntityDora(entity, {
      windowDays: Number(query.data.window),
      now: query.data.to ? new Date(query.data.to) : undefined,
    });
    const body: DoraResponse = { ...dora, generatedAt: new Date().toISOString(), errors: [] };
    res.json(body);
  });
  return router;
}
