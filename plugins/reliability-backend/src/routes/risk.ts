import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATIONS,
  EntityRiskResponse,
  FleetRiskResponse,
  getKubernetesId,
  reliabilityFleetReadPermission,
  reliabilityRiskReadPermission,
} from '@goldenpath/plugin-reliability-common';
import { z } from 'zod';
import { getEntityOrThrow, parseEntityRouteParams } from '../lib/entities';
import { requirePermission } from '../lib/requirePermission';
import { RiskService } from '../services/RiskService';

/**
 * Options of {@link createRiskRoutes}.
 *
 * @public
 */
export interface RiskRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  riskService: RiskService;
}

const fleetQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(20),
});

/**
 * Risk routes:
 *
 * - `GET /entities/:kind/:namespace/:name/risk` → {@link EntityRiskResponse}: per node the
 *   detector scores, composite, reasons and a 24-hour trend in 5-minute buckets. Needs
 *   `reliability.risk.read` on the entity. An entity without `backstage.io/kubernetes-id`
 *   answers 200 with no nodes and an `errors` entry of type `MissingAnnotation`.
 * - `GET /risk?limit=N` (1–1000, default 20) → {@link FleetRiskResponse}: the fleet's riskiest
 *   nodes. Needs `reliability.fleet.read`.
 *
 * Both answer 503 with the reason when ClickHouse is unreachable.
 *
 * @public
 */
export function createRiskRoutes(options: RiskRoutesOptions): express.Router {
  const { httpAuth, permissions, catalog, riskService } = options;
  const router = Router();

  router.get('/entities/:kind/:namespace/:name/risk', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const ref = parseEntityRouteParams(req.params);
    const entityRef = stringifyEntityRef(ref);
    await requirePermission({
      permissions,
      credentials,
      permission: reliabilityRiskReadPermission,
      resourceRef: entityRef,
    });
    const entity = await getEntityOrThrow(catalog, ref, credentials);
    const component = getKubernetesId(entity);
    const generatedAt = new Date().toISOString();
    if (!component) {
      const body: EntityRiskResponse = {
        entityRef,
        component: null,
        generatedAt,
        bucketMinutes: 5,
        trendHours: 24,
        bands: riskService.config.bands,
        nodes: [],
        errors: [
          {
            source: 'catalog',
            errorType: 'MissingAnnotation',
            message: `Entity ${entityRef} has no ${ANNOTATIONS.KUBERNETES_ID} annotation, so no telemetry can be linked to it`,
          },
        ],
      };
      res.json(body);
      return;
    }
    const result = await riskService.getComponentRisk({
      component,
      namespace: entity.metadata.annotations?.[ANNOTATIONS.KUBERNETES_NAMESPACE],
    });
    const body: EntityRiskResponse = { entityRef, component, generatedAt, ...result };
    res.json(body);
  });

  router.get('/risk', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const parsed = fleetQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      throw new InputError(parsed.error.toString());
    }
    await requirePermission({
      permissions,
      credentials,
      permission: reliabilityFleetReadPermission,
    });
    const generatedAt = new Date().toISOString();
    const result = await riskService.getFleetRisk({ limit: parsed.data.limit });
    const body: FleetRiskResponse = { generatedAt, ...result };
    res.json(body);
  });

  return router;
}
