import express from 'express';
import request from 'supertest';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FakeKubeApiServer } from '@goldenpath/fake-kube-apiserver';
import { entityHealthResponseSchema } from '@goldenpath/plugin-reliability-common';
import { NodeHealthService } from '../services/NodeHealth';
import {
  ALPHA,
  clustersConfig,
  fleetObjects,
  waitFor,
} from '../services/NodeHealth/__testUtils__/fakeCluster';
import { createHealthRoutes } from './health';

describe('createHealthRoutes', () => {
  let server: FakeKubeApiServer;
  let services: NodeHealthService[] = [];

  const app = (
    nodeHealth: NodeHealthService,
    permissions: any = mockServices.permissions(),
  ) =>
    express()
      .use(
        createHealthRoutes({
          httpAuth: mockServices.httpAuth(),
          permissions,
          catalog: catalogServiceMock({ entities: [ALPHA] }),
          nodeHealth,
        }),
      )
      .use(mockErrorHandler());

  const service = (config: ConfigReader, signals?: { publish: jest.Mock }) => {
    const s = NodeHealthService.create({
      config,
      logger: mockServices.logger.mock(),
      signals,
      options: { initialSyncTimeoutMs: 2000, signalDebounceMs: 50 },
    });
    services.push(s);
    return s;
  };

  beforeEach(async () => {
    server = await FakeKubeApiServer.start({
      objects: fleetObjects(),
      token: 'fake-token',
    });
  });

  afterEach(async () => {
    await Promise.all(services.map(s => s.stop()));
    services = [];
    await server.close();
  });

  it('should answer the live health of an entity from the fake cluster, then signal its change', async () => {
    const signals = { publish: jest.fn().mockResolvedValue(undefined) };
    const nodeHealth = service(
      clustersConfig([{ name: 'prod-eu', url: server.url }]),
      signals,
    );
    const res = await request(app(nodeHealth)).get(
      '/entities/component/default/validator-alpha/health',
    );
    expect(res.status).toBe(200);
    const body = entityHealthResponseSchema.parse(res.body);
    expect(body.entityRef).toBe('component:default/validator-alpha');
    expect(body.state).toBe('ok');
    expect(body.validatorNodes.map(v => v.name)).toEqual([
      'alpha-0',
      'alpha-1',
    ]);
    expect(body.pods).toHaveLength(2);
    expect(body.summary.severity).toBe('critical');
    expect(Date.parse(body.generatedAt)).not.toBeNaN();

    const vns = server.store.findType(
      'validators.goldenpath.dev',
      'v1alpha1',
      'validatornodes',
    )!;
    server.store.patch(
      vns,
      'validators',
      'alpha-0',
      'merge',
      { status: { phase: 'Failed', peers: 0 } },
      'status',
    );
    await waitFor(() => signals.publish.mock.calls.length === 1);
    expect(signals.publish.mock.calls[0][0].channel).toBe(
      'reliability:health:component:default/validator-alpha',
    );
    const again = await request(app(nodeHealth)).get(
      '/entities/component/default/validator-alpha/health',
    );
    expect(again.body.validatorNodes[0]).toMatchObject({
      phase: 'Failed',
      peers: 0,
    });
    expect(again.body.validatorNodes[0].summary.severity).toBe('critical');
  });

  it('should answer 200 with a clear state when no cluster is configured', async () => {
    const res = await request(app(service(new ConfigReader({})))).get(
      '/entities/component/default/validator-alpha/health',
    );
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('no-clusters-configured');
    expect(res.body.message).toContain('kubernetes.clusterLocatorMethods');
    expect(res.body.errors).toEqual([]);
  });

  it('should reject bad parameters, missing credentials, denied permission and unknown entities', async () => {
    const nodeHealth = service(
      clustersConfig([{ name: 'a', url: server.url }]),
    );
    const bad = await request(app(nodeHealth)).get(
      '/entities/component/default/bad%20name/health',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('Invalid entity name');

    const anonymous = await request(app(nodeHealth))
      .get('/entities/component/default/validator-alpha/health')
      .set('authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);

    const authorize = jest.fn(async () => [{ result: AuthorizeResult.DENY }]);
    const denied = await request(
      app(nodeHealth, mockServices.permissions.mock({ authorize } as any)),
    ).get('/entities/component/default/validator-alpha/health');
    expect(denied.status).toBe(403);
    expect(authorize).toHaveBeenCalledWith(
      [
        expect.objectContaining({
          permission: expect.objectContaining({
            name: 'reliability.health.read',
          }),
          resourceRef: 'component:default/validator-alpha',
        }),
      ],
      expect.anything(),
    );

    const missing = await request(app(nodeHealth)).get(
      '/entities/component/default/ghost/health',
    );
    expect(missing.status).toBe(404);
    expect(server.requests).toHaveLength(0);
  });
});
