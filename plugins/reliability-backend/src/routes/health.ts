import express from 'express';
import Router from 'express-promise-router';
import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  EntityHealthResponse,
  reliabilityHealthReadPermission,
} from '@goldenpath/plugin-reliability-common';
import { getEntityOrThrow, parseEntityRouteParams } from '../lib/entities';
import { requirePermission } from '../lib/requirePermission';
import type { NodeHealthService } from '../services/NodeHealth';

/**
 * Options of {@link createHealthRoutes}.
 * @public
 */
export interface HealthRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  nodeHealth: Pick<NodeHealthService, 'getEntityHealth'>;
}

/**
 * `GET /entities/:kind/:namespace/:name/health`: live node health of the entity
 * from Kubernetes ({@link EntityHealthResponse}). Needs `reliability.health.read`
 * on the entity. 200 also when clusters fail (they are listed in `errors`) or
 * none is configured (`state: 'no-clusters-configured'`); 400 for bad route
 * parameters, 401 without credentials, 403 when denied, 404 for an unknown entity.
 * @public
 */
export function createHealthRoutes(
  options: HealthRoutesOptions,
): express.Router {
  const { httpAuth, permissions, catalog, nodeHealth } = options;
  const router = Router();
  router.get('/entities/:kind/:namespace/:name/health', async (req, res) => {
    const ref = parseEntityRouteParams(req.params);
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await requirePermission({
      permissions,
      credentials,
      permission: reliabilityHealthReadPermission,
      resourceRef: stringifyEntityRef(ref),
    });
    const entity = await getEntityOrThrow(catalog, ref, credentials);
    const body: EntityHealthResponse = await nodeHealth.getEntityHealth(entity);
    res.json(body);
  });
  return router;
}
