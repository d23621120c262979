import type { ReactElement } from 'react';
import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { ReliabilityApi, reliabilityApiRef } from '../api';
import reliabilityPlugin from '../alpha';
import { validatorEntity } from './responses';

/** A ReliabilityApi whose unlisted methods reject, so a card calling the wrong route fails loudly. */
export function mockReliabilityApi(overrides: Partial<ReliabilityApi>): jest.Mocked<ReliabilityApi> {
  const unexpected = (name: string) =>
    jest.fn(() => Promise.reject(new Error(`unexpected call to ${name}`)));
  return {
    getEntityHealth: unexpected('getEntityHealth'),
    getEntityRisk: unexpected('getEntityRisk'),
    getEntityDrift: unexpected('getEntityDrift'),
    getEntityCost: unexpected('getEntityCost'),
    getEntityDora: unexpected('getEntityDora'),
    getFleetRisk: unexpected('getFleetRisk'),
    ...overrides,
  } as jest.Mocked<ReliabilityApi>;
}

/** A never-settling promise: the loading state. */
export function pending<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

/** The ResponseError that fetchApi + ResponseError.fromResponse produce for a 503. */
export async function serviceUnavailable(message: string): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({ error: { name: 'ServiceUnavailableError', message }, response: { statusCode: 503 } }),
      { status: 503, statusText: 'Service Unavailable', headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

/** Renders a card the legacy way: TestApiProvider + EntityProvider inside renderInTestApp. */
export async function renderLegacyCard(
  element: ReactElement,
  api: ReliabilityApi,
  options: { entity?: Entity; extraApis?: Array<readonly [any, any]> } = {},
) {
  return renderInTestApp(
    <TestApiProvider apis={[[reliabilityApiRef, api], ...(options.extraApis ?? [])] as any}>
      <EntityProvider entity={options.entity ?? validatorEntity}>{element}</EntityProvider>
    </TestApiProvider>,
  );
}

/**
 * Renders the plugin's extensions `ids` (e.g. `entity-card:reliability/risk-score`) on a test
 * entity page of the new frontend system, with the API replaced by `api`. `config` is keyed by
 * extension id, as under `app.extensions` in app-config.
 */
export function renderNfsExtension(
  ids: string | string[],
  api: ReliabilityApi,
  options: { entity?: Entity; config?: Record<string, Record<string, unknown>> } = {},
) {
  const extensions = [ids].flat().map(id => (reliabilityPlugin as any).getExtension(id));
  return renderTestApp({
    extensions: [createTestEntityPage({ entity: options.entity ?? validatorEntity }), ...extensions],
    apis: [[reliabilityApiRef, api]],
    config: options.config
      ? ({
          app: {
            extensions: Object.entries(options.config).map(([id, config]) => ({ [id]: { config } })),
          },
        } as any)
      : undefined,
  });
}
