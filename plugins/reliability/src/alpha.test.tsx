import { screen } from '@testing-library/react';
import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import reliabilityPlugin from './alpha';
import { reliabilityPlugin as legacyPlugin } from './plugin';
import { reliabilityApiRef } from './api';
import { riskResponse, validatorEntity } from './__testUtils__/responses';

describe('reliability plugin (new frontend system)', () => {
  beforeEach(() => jest.resetAllMocks());

  it('should provide the API, five cards and the tab under stable extension ids', () => {
    for (const id of [
      'api:reliability',
      'entity-card:reliability/node-health',
      'entity-card:reliability/risk-score',
      'entity-card:reliability/drift',
      'entity-card:reliability/cost-delta',
      'entity-card:reliability/dora-metrics',
      'entity-content:reliability/reliability',
    ]) {
      expect((reliabilityPlugin as any).getExtension(id)).toBeDefined();
    }
  });

  it('should fetch through the real api:reliability extension with the app discovery and fetch APIs', async () => {
    const fetch = jest.fn(async (_input: RequestInfo | URL) =>
      new Response(JSON.stringify(riskResponse), { status: 200, headers: { 'Content-Type': 'application/json' } }),
    );
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: validatorEntity }),
        (reliabilityPlugin as any).getExtension('api:reliability'),
        (reliabilityPlugin as any).getExtension('entity-card:reliability/risk-score'),
      ],
      apis: [
        mockApis.discovery({ baseUrl: 'http://backend.test' }),
        mockApis.fetch({ baseImplementation: fetch as typeof globalThis.fetch }),
      ],
    });
    expect(await screen.findByLabelText('Composite risk 82 of 100')).toBeInTheDocument();
    expect(String(fetch.mock.calls[0][0])).toBe(
      'http://backend.test/api/reliability/entities/component/default/validator-alpha/risk',
    );
  });
});

describe('reliabilityPlugin (legacy frontend system)', () => {
  it('should register the ReliabilityClient factory for reliabilityApiRef', () => {
    const apis = Array.from(legacyPlugin.getApis());
    expect(apis.map(f => f.api.id)).toEqual([reliabilityApiRef.id]);
  });
});
