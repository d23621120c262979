import express from 'express';
import request from 'supertest';
import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { doraResponseSchema } from '@goldenpath/plugin-reliability-common';
import { createTestClickHouse } from '../services/Dora/testStore';
import { DoraService } from '../services/Dora';
import { createDoraRoutes } from './dora';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', namespace: 'default', annotations: { 'github.com/project-slug': 'acme/payments' } },
  spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
};

describe('createDoraRoutes', () => {
  let db: Awaited<ReturnType<typeof createTestClickHouse>>;
  let doraService: DoraService;
  const app = (permissions = mockServices.permissions()) =>
    express()
      .use(
        createDoraRoutes({
          httpAuth: mockServices.httpAuth(),
          permissions,
          catalog: catalogServiceMock({ entities: [entity] }),
          doraService,
        }),
      )
      .use(mockErrorHandler());

  beforeAll(async () => {
    db = await createTestClickHouse('dora-routes');
    doraService = DoraService.create({ ...db, logger: mockServices.logger.mock() });
  });

  afterAll(async () => {
    await db.cleanup();
  });

  it('should answer the schema with the selected window and incomplete metrics flagged', async () => {
    const res = await request(app()).get('/entities/component/default/payments/dora?window=90');
    expect(res.status).toBe(200);
    const body = doraResponseSchema.parse(res.body);
    expect(body.window.days).toBe(90);
    expect(body.bands.year).toBe(2024);
    expect(body.metrics.deploymentFrequency).toMatchObject({ complete: false, value: null });
    const byDefault = await request(app()).get('/entities/component/default/payments/dora');
    expect(byDefault.body.window.days).toBe(30);
  });

  it('should answer the window ending at `to`, for the previous-window trend', async () => {
    const to = '2026-01-31T00:00:00.000Z';
    const res = await request(app()).get(`/entities/component/default/payments/dora?window=7&to=${to}`);
    expect(res.status).toBe(200);
    const body = doraResponseSchema.parse(res.body);
    expect(new Date(body.window.to).toISOString()).toBe(to);
    expect(new Date(body.window.from).toISOString()).toBe('2026-01-24T00:00:00.000Z');
    for (const bad of ['yesterday', '2999-01-01T00:00:00Z']) {
      const rejected = await request(app()).get(`/entities/component/default/payments/dora?to=${bad}`);
      expect(rejected.status).toBe(400);
      expect(rejected.body.error.message).toMatch(/to/);
    }
  });

  it('should reject an unsupported window, deny without permission and 404 unknown entities', async () => {
    const bad = await request(app()).get('/entities/component/default/payments/dora?window=14');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/window/);
    const denied = await request(
      app(mockServices.permissions.mock({ authorize: async () => [{ result: AuthorizeResult.DENY }] }) as any),
    ).get('/entities/component/default/payments/dora');
    expect(denied.status).toBe(403);
    const missing = await request(app()).get('/entities/component/default/ghost/dora');
    expect(missing.status).toBe(404);
  });
});
