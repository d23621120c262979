import type { CompoundEntityRef } from '@backstage/catalog-model';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  CostResponse,
  costResponseSchema,
  DoraResponse,
  doraResponseSchema,
  DoraWindowDays,
  DriftResponse,
  driftResponseSchema,
  EntityHealthResponse,
  entityHealthResponseSchema,
  EntityRiskResponse,
  entityRiskResponseSchema,
  FleetRiskResponse,
  fleetRiskResponseSchema,
} from '@goldenpath/plugin-reliability-common';
import type { z } from 'zod';
import type { ReliabilityApi } from './ReliabilityApi';

/**
 * Thrown when the backend answers 2xx with a body that does not match the
 * response schema of `@goldenpath/plugin-reliability-common` (usually a frontend
 * and backend of different versions). The message names the route and the
 * first invalid fields.
 *
 * @public
 */
export class ReliabilityResponseError extends Error {
  name = 'ReliabilityResponseError';
}

/**
 * {@link ReliabilityApi} over HTTP with the app's `fetchApi` (which adds the
 * user's token) and `discoveryApi` (base URL of the `reliability` plugin).
 * Non-2xx answers become `ResponseError`; bodies are validated with the zod
 * schemas shared with the backend.
 *
 * @public
 */
export class ReliabilityClient implements ReliabilityApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getEntityHealth(entityRef: CompoundEntityRef): Promise<EntityHealthResponse> {
    return this.get(entityPath(entityRef, 'health'), entityHealthResponseSchema);
  }

  async getEntityRisk(entityRef: CompoundEntityRef): Promise<EntityRiskResponse> {
    return this.get(entityPath(entityRef, 'risk'), entityRiskResponseSchema);
  }

  async getEntityDrift(entityRef: CompoundEntityRef): Promise<DriftResponse> {
    return this.get(entityPath(entityRef, 'drift'), driftResponseSchema);
  }

  async getEntityCost(entityRef: CompoundEntityRef): Promise<CostResponse> {
    return this.get(entityPath(entityRef, 'cost'), costResponseSchema);
  }

  async getEntityDora(
    entityRef: CompoundEntityRef,
    options?: { windowDays?: DoraWindowDays; to?: string },
  ): Promise<DoraResponse> {
    const params = new URLSearchParams();
    if (options?.windowDays) params.set('window', String(options.windowDays));
    if (options?.to) params.set('to', options.to);
    const query = params.size ? `?${params}` : '';
    return this.get(`${entityPath(entityRef, 'dora')}${query}`, doraResponseSchema);
  }

  async getFleetRisk(options?: { limit?: number }): Promise<FleetRiskResponse> {
    const query = options?.limit
      ? `?${new URLSearchParams({ limit: String(options.limit) })}`
      : '';
    return this.get(`/risk${query}`, fleetRiskResponseSchema);
  }

  private async get<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('reliability');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map(issue => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
        .join('; ');
      throw new ReliabilityResponseError(
        `Unexpected response from GET ${path.split('?')[0]}: ${issues}`,
      );
    }
    return parsed.data;
  }
}

function entityPath(ref: CompoundEntityRef, area: string): string {
  const parts = [ref.kind.toLocaleLowerCase('en-US'), ref.namespace, ref.name].map(
    encodeURIComponent,
  );
  return `/entities/${parts.join('/')}/${area}`;
}
