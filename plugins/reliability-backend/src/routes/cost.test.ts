import express from 'express';
import request from 'supertest';
import fs from 'node:fs';
import path from 'node:path';
import { mockCredentials, mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { costResponseSchema } from '@goldenpath/plugin-reliability-common';
import { createTestClickHouse } from '../services/Dora/testStore';
import { CostService } from '../services/Cost';
import { createCostRoutes } from './cost';

const DATASET = path.resolve(__dirname, '../../../../../shared/datasets/infracost');
const index: Array<{ file: string; type: string; totalMonthlyCost: string | null }> = JSON.parse(
  fs.readFileSync(path.join(DATASET, 'index.json'), 'utf8'),
);
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(DATASET, file), 'utf8'));

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: { 'github.com/project-slug': 'acme/payments', 'goldenpath.dev/cost-center': 'cc-payments' },
  },
  spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
};

describe('createCostRoutes', () => {
  let db: Awaited<ReturnType<typeof createTestClickHouse>>;
  let costService: CostService;
  const app = (permissions = mockServices.permissions()) =>
    express()
      .use(
        createCostRoutes({
          httpAuth: mockServices.httpAuth(),
          permissions,
          catalog: catalogServiceMock({ entities: [entity] }),
          costService,
        }),
      )
      .use(mockErrorHandler());

  beforeAll(async () => {
    db = await createTestClickHouse('cost-routes');
    costService = CostService.create({ ...db, logger: mockServices.logger.mock() });
  });

  afterAll(async () => {
    await db.cleanup();
  });

  it('should accept every Infracost output of the dataset from a service principal', async () => {
    const outputs = index.filter(e => e.type === 'infracost-output');
    expect(outputs).toHaveLength(49);
    for (const [i, { file, totalMonthlyCost }] of outputs.entries()) {
      const res = await request(app())
        .post('/reports/cost')
        .set('Authorization', mockCredentials.service.header())
        .send({
          repository: 'acme/dataset',
          environment: `env-${i}`,
          pullRequest: i + 1,
          budget: { soft_fail_usd: 100, approval_usd: 500, pr_delta_usd: 2000 },
          infracost: read(file),
        });
      expect({ file, status: res.status }).toEqual({ file, status: 201 });
      expect(Number(res.body.summary.totalMonthlyCost)).toBeCloseTo(Number(totalMonthlyCost ?? 0), 6);
      expect(['within', 'soft-fail', 'needs-approval', 'over']).toContain(res.body.status);
    }
  });

  it('should answer 400 naming the field of a malformed report', async () => {
    const good = read('cmd/infracost/testdata/changes.json');
    const post = (body: unknown) =>
      request(app()).post('/reports/cost').set('Authorization', mockCredentials.service.header()).send(body as object);
    const badVersion = await post({ entityRef: 'component:default/payments', environment: 'prod', infracost: { ...good, version: '0.3' } });
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.error.message).toMatch(/infracost\.version/);
    const badProject = await post({
      entityRef: 'component:default/payments',
      environment: 'prod',
      infracost: { ...good, projects: [{ ...good.projects[0], breakdown: { totalMonthlyCost: 'lots' } }] },
    });
    expect(badProject.status).toBe(400);
    expect(badProject.body.error.message).toMatch(/infracost\.projects\[0\]\.breakdown\.totalMonthlyCost/);
    const noOwner = await post({ environment: 'prod', infracost: good });
    expect(noOwner.status).toBe(400);
    expect(noOwner.body.error.message).toMatch(/entityRef or repository is required/);
    const badEnv = await post({ repository: 'acme/payments', environment: "prod'; --", infracost: good });
    expect(badEnv.status).toBe(400);
    expect(badEnv.body.error.message).toMatch(/environment/);
    const badBudget = await post({ repository: 'acme/payments', environment: 'prod', budget: { pr_delta_usd: '10' }, infracost: good });
    expect(badBudget.status).toBe(400);
    expect(badBudget.body.error.message).toMatch(/budget/);
    const badJson = await request(app())
      .post('/reports/cost')
      .set('Authorization', mockCredentials.service.header())
      .set('Content-Type', 'application/json')
      .send('{"environment": "prod", "infracost": {');
    expect(badJson.status).toBe(400);
  });

  it('should refuse reports from users and callers without a token', async () => {
    const body = { repository: 'acme/payments', environment: 'prod', infracost: read('cmd/infracost/testdata/changes.json') };
    const user = await request(app()).post('/reports/cost').set('Authorization', mockCredentials.user.header()).send(body);
    expect(user.status).toBe(403);
    const none = await request(app()).post('/reports/cost').set('Authorization', mockCredentials.none.header()).send(body);
    expect(none.status).toBe(401);
  });

  it('should return the entity cost matching the shared schema, by repository slug', async () => {
    const post = await request(app())
      .post('/reports/cost')
      .set('Authorization', mockCredentials.service.header())
      .send({
        repository: 'acme/payments',
        environment: 'production',
        pullRequest: 7,
        budget: { soft_fail_usd: 50, approval_usd: 200, pr_delta_usd: 1000 },
        infracost: read('cmd/infracost/testdata/diff_with_policy_data_upload/diff_with_policy_data_upload.golden.json'),
      });
    expect(post.body).toMatchObject({ status: 'needs-approval' });
    const res = await request(app()).get('/entities/component/default/payments/cost');
    expect(res.status).toBe(200);
    const body = costResponseSchema.parse(res.body);
    expect(body.costCenter).toBe('cc-payments');
    expect(body.environments).toEqual([
      expect.objectContaining({ environment: 'production', pullRequest: 7, diffMonthlyCost: 420.48, status: 'needs-approval' }),
    ]);
    expect(body.errors).toEqual([]);
  });

  it('should answer 403 without reliability.cost.read and 404 for an unknown entity', async () => {
    const denied = await request(app(mockServices.permissions.mock({ authorize: async () => [{ result: AuthorizeResult.DENY }] }) as any)).get(
      '/entities/component/default/payments/cost',
    );
    expect(denied.status).toBe(403);
    const missing = await request(app()).get('/entities/component/default/nope/cost');
    expect(missing.status).toBe(404);
    const bad = await request(app()).get('/entities/component/default/bad%20name/cost');
    expect(bad.status).toBe(400);
  });
});
