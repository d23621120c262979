import express from 'express';
import request from 'supertest';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  entityRiskResponseSchema,
  fleetRiskResponseSchema,
  NodeRisk,
} from '@goldenpath/plugin-reliability-common';
import { RiskService } from '../services/RiskService';
import { DEFAULT_RISK_CONFIG } from '../services/RiskService/riskConfig';
import { createRiskRoutes } from './risk';

const node: NodeRisk = {
  cluster: 'kind-local',
  namespace: 'validators',
  node: 'alpha-1',
  component: 'validator-alpha',
  lastSeen: '2026-11-21T12:00:00.000Z',
  stale: false,
  detectors: [
    {
      detector: 'p2p',
      score: 1,
      metric: 'peers',
      value: 0,
      baseline: 24,
      unit: 'peers',
      reason: 'No peers: the node is isolated from the network',
    },
  ],
  composite: {
    score: 80,
    band: 'critical',
    contributions: [{ detector: 'p2p', weight: 0.8, score: 1, contribution: 80 }],
  },
};

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'validator-alpha',
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': 'validator-alpha',
        'backstage.io/kubernetes-namespace': 'validators',
      },
    },
    spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'no-annotation', namespace: 'default' },
    spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
  },
];

describe('createRiskRoutes', () => {
  const getComponentRisk = jest.fn();
  const getFleetRisk = jest.fn();
  const riskService = {
    config: DEFAULT_RISK_CONFIG,
    getComponentRisk,
    getFleetRisk,
  } as unknown as RiskService;

  const makeApp = (permissions = mockServices.permissions()) =>
    express()
      .use(
        createRiskRoutes({
          httpAuth: mockServices.httpAuth(),
          permissions,
          catalog: catalogServiceMock({ entities }),
          riskService,
        }),
      )
      .use(mockErrorHandler());

  beforeEach(() => jest.resetAllMocks());

  it('should answer the risk of an annotated entity, filtered by its namespace annotation', async () => {
    getComponentRisk.mockResolvedValue({
      nodes: [{ ...node, trend: [] }],
      errors: [],
      bands: DEFAULT_RISK_CONFIG.bands,
      bucketMinutes: 5,
      trendHours: 24,
    });
    const res = await request(makeApp()).get(
      '/entities/Component/default/validator-alpha/risk',
    );
    expect(res.status).toBe(200);
    const body = entityRiskResponseSchema.parse(res.body);
    expect(body).toMatchObject({
      entityRef: 'component:default/validator-alpha',
      component: 'validator-alpha',
      errors: [],
    });
    expect(body.nodes[0].composite.band).toBe('critical');
    expect(Date.parse(body.generatedAt)).not.toBeNaN();
    expect(getComponentRisk).toHaveBeenCalledWith({
      component: 'validator-alpha',
      namespace: 'validators',
    });
  });

  it('should answer 200 with a MissingAnnotation error for an entity without kubernetes-id', async () => {
    const res = await request(makeApp()).get('/entities/component/default/no-annotation/risk');
    expect(res.status).toBe(200);
    const body = entityRiskResponseSchema.parse(res.body);
    expect(body.nodes).toEqual([]);
    expect(body.component).toBeNull();
    expect(body.errors).toEqual([
      expect.objectContaining({
        source: 'catalog',
        errorType: 'MissingAnnotation',
        message: expect.stringContaining('backstage.io/kubernetes-id'),
      }),
    ]);
    expect(getComponentRisk).not.toHaveBeenCalled();
  });

  it('should answer 404, 400, 401 and 403 for unknown entities, bad input, no credentials and denied permission', async () => {
    const missing = await request(makeApp()).get('/entities/component/default/nope/risk');
    expect(missing.status).toBe(404);
    expect(missing.body.error.name).toBe('NotFoundError');

    const bad = await request(makeApp()).get("/entities/component/default/x'y/risk");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/Invalid entity name/);

    const unauthenticated = await request(makeApp())
      .get('/entities/component/default/validator-alpha/risk')
      .set('Authorization', mockCredentials.none.header());
    expect(unauthenticated.status).toBe(401);

    const deny = mockServices.permissions.mock({
      authorize: async () => [{ result: AuthorizeResult.DENY }],
    });
    const denied = await request(makeApp(deny)).get(
      '/entities/component/default/validator-alpha/risk',
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('reliability.risk.read');
    expect(getComponentRisk).not.toHaveBeenCalled();
  });

  it('should rank the fleet with a validated limit', async () => {
    getFleetRisk.mockResolvedValue({
      limit: 5,
      bands: DEFAULT_RISK_CONFIG.bands,
      nodes: [node],
      errors: [],
    });
    const res = await request(makeApp()).get('/risk?limit=5');
    expect(res.status).toBe(200);
    expect(fleetRiskResponseSchema.parse(res.body).nodes).toHaveLength(1);
    expect(getFleetRisk).toHaveBeenCalledWith({ limit: 5 });

    for (const limit of ['0', '1001', 'ten', '2.5']) {
      const bad = await request(makeApp()).get(`/risk?limit=${limit}`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('limit');
    }
    await request(makeApp()).get('/risk');
    expect(getFleetRisk).toHaveBeenLastCalledWith({ limit: 20 });
  });

  it('should answer 503 with the reason when ClickHouse is unreachable', async () => {
    getFleetRisk.mockRejectedValue(
      new ServiceUnavailableError('ClickHouse unavailable: connect ECONNREFUSED 127.0.0.1:8123'),
    );
    getComponentRisk.mockRejectedValue(
      new ServiceUnavailableError('ClickHouse unavailable: connect ECONNREFUSED 127.0.0.1:8123'),
    );
    const fleet = await request(makeApp()).get('/risk');
    expect(fleet.status).toBe(503);
    expect(fleet.body.error.message).toContain('ECONNREFUSED');
    const entity = await request(makeApp()).get(
      '/entities/component/default/validator-alpha/risk',
    );
    expect(entity.status).toBe(503);
  });
});
