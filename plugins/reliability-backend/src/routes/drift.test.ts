import express from 'express';
import request from 'supertest';
import fs from 'node:fs';
import path from 'node:path';
import { mockCredentials, mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { driftResponseSchema } from '@goldenpath/plugin-reliability-common';
import { createTestClickHouse } from '../services/Dora/testStore';
import { DriftService } from '../services/Drift';
import { createDriftRoutes } from './drift';

const DATASET = path.resolve(__dirname, '../../../../../shared/datasets/infracost');
const index: Array<{ file: string; type: string }> = JSON.parse(
  fs.readFileSync(path.join(DATASET, 'index.json'), 'utf8'),
);
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(DATASET, file), 'utf8'));

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'validator-alpha',
    namespace: 'default',
    annotations: {
      'github.com/project-slug': 'goldenpath/validator-alpha',
      'backstage.io/kubernetes-id': 'validator-alpha',
      'argocd/app-name': 'validator-alpha',
    },
  },
  spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
};

describe('createDriftRoutes', () => {
  let db: Awaited<ReturnType<typeof createTestClickHouse>>;
  let app: express.Express;
  const argo = { getArgoApplications: jest.fn() };

  beforeAll(async () => {
    db = await createTestClickHouse('drift-routes');
    const driftService = DriftService.create({ ...db, logger: mockServices.logger.mock(), argo });
    app = express()
      .use(
        createDriftRoutes({
          httpAuth: mockServices.httpAuth(),
          permissions: mockServices.permissions(),
          catalog: catalogServiceMock({ entities: [entity] }),
          driftService,
        }),
      )
      .use(mockErrorHandler());
  });

  afterAll(async () => {
    await db.cleanup();
  });

  it('should accept every Terraform plan of the dataset and refuse state files', async () => {
    for (const { file, type } of index.filter(e => e.type === 'terraform-plan' || e.type === 'terraform-state')) {
      const res = await request(app)
        .post('/reports/drift')
        .set('Authorization', mockCredentials.service.header())
        .send({ repository: 'goldenpath/dataset', environment: 'prod', exitCode: 2, plan: read(file) });
      expect({ file, status: res.status }).toEqual({ file, status: type === 'terraform-plan' ? 201 : 400 });
    }
  });

  it('should answer the three drift kinds side by side', async () => {
    argo.getArgoApplications.mockResolvedValue({
      items: [{ name: 'validator-alpha', namespace: 'argocd', syncStatus: 'Synced', healthStatus: 'Healthy', revision: 'r1' }],
      errors: [],
    });
    const post = await request(app)
      .post('/reports/drift')
      .set('Authorization', mockCredentials.service.header())
      .send({
        entityRef: 'component:default/validator-alpha',
        environment: 'production',
        exitCode: 2,
        checkedAt: '2026-11-20T06:00:00Z',
        plan: read('cmd/infracost/testdata/plan_with_target.json'),
      });
    expect(post.status).toBe(201);
    expect(post.body).toMatchObject({ status: 'drifted', driftedResources: 1, plannedChanges: 1 });
    const res = await request(app).get('/entities/component/default/validator-alpha/drift');
    expect(res.status).toBe(200);
    const body = driftResponseSchema.parse(res.body);
    expect(body.infrastructure.status).toBe('drifted');
    expect(body.infrastructure.environments[0].driftedResources[0].address).toBe('aws_instance.web_app_1');
    expect(body.gitops).toMatchObject({ status: 'synced', applications: [expect.objectContaining({ revision: 'r1' })] });
    expect(body.data.status).toBe('no-data');
  });

  it('should answer 400 naming the field of a bad report', async () => {
    const post = (body: object) =>
      request(app).post('/reports/drift').set('Authorization', mockCredentials.service.header()).send(body);
    const exit = await post({ repository: 'a/b', environment: 'prod', exitCode: 3 });
    expect(exit.status).toBe(400);
    expect(exit.body.error.message).toMatch(/exitCode/);
    const plan = await post({ repository: 'a/b', environment: 'prod', exitCode: 2, plan: { format_version: '1.0', resource_changes: [{ address: 'x' }] } });
    expect(plan.status).toBe(400);
    expect(plan.body.error.message).toMatch(/plan\.resource_changes\[0\]\.change/);
    const user = await request(app).post('/reports/drift').send({ repository: 'a/b', environment: 'prod', exitCode: 0 });
    expect(user.status).toBe(403);
  });
});
