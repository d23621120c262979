import { createApiRef } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  CostResponse,
  DoraResponse,
  DoraWindowDays,
  DriftResponse,
  EntityHealthResponse,
  EntityRiskResponse,
  FleetRiskResponse,
} from '@goldenpath/plugin-reliability-common';

/**
 * Reads the reliability data of catalog entities from the `reliability` backend
 * plugin (`/api/reliability`). Every response carries `generatedAt` (ISO time)
 * and per-source `errors` next to the data that is still valid.
 *
 * @public
 */
export interface ReliabilityApi {
  /** Live node health: `GET /entities/:kind/:namespace/:name/health`. */
  getEntityHealth(entityRef: CompoundEntityRef): Promise<EntityHealthResponse>;
  /** Composite risk per node with a 24-hour trend: `GET /entities/:kind/:namespace/:name/risk`. */
  getEntityRisk(entityRef: CompoundEntityRef): Promise<EntityRiskResponse>;
  /** Infrastructure, GitOps and data drift: `GET /entities/:kind/:namespace/:name/drift`. */
  getEntityDrift(entityRef: CompoundEntityRef): Promise<DriftResponse>;
  /** Cost deltas against budgets: `GET /entities/:kind/:namespace/:name/cost`. */
  getEntityCost(entityRef: CompoundEntityRef): Promise<CostResponse>;
  /**
   * DORA metrics over a window of `windowDays` days (7, 30, 90 or 365; the backend defaults to 30)
   * ending at `to` (ISO time, default now): `GET /entities/:kind/:namespace/:name/dora?window=N&to=T`.
   * Check `window.to` of the answer: a backend without `to` support answers the window ending now.
   */
  getEntityDora(
    entityRef: CompoundEntityRef,
    options?: { windowDays?: DoraWindowDays; to?: string },
  ): Promise<DoraResponse>;
  /** The fleet's riskiest nodes, highest composite first: `GET /risk?limit=N` (1–1000). */
  getFleetRisk(options?: { limit?: number }): Promise<FleetRiskResponse>;
}

/**
 * API reference of {@link ReliabilityApi}, shared by the legacy and the new frontend system.
 *
 * @public
 */
export const reliabilityApiRef = createApiRef<ReliabilityApi>({
  id: 'plugin.reliability.service',
});
