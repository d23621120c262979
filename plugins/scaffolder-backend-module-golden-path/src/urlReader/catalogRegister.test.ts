import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import request from 'supertest';
import { createTempDir } from '../__testUtils__';
import { localRepositoryUrlReaderFactory } from './LocalRepositoryUrlReader';

describe('catalog registration of a locally published repository', () => {
  it('should let the catalog read a file: catalogInfoUrl inside goldenpath.localPublish.baseDir', async () => {
    const baseDir = createTempDir();
    fs.mkdirSync(path.join(baseDir, 'payments'));
    fs.writeFileSync(
      path.join(baseDir, 'payments', 'catalog-info.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/payments\n',
    );
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        localRepositoryUrlReaderFactory,
        mockServices.rootConfig.factory({ data: { goldenpath: { localPublish: { baseDir } } } }),
      ],
    });
    const target = pathToFileURL(path.join(baseDir, 'payments', 'catalog-info.yaml')).href;
    const res = await request(server)
      .post('/api/catalog/locations?dryRun=true')
      .set('Authorization', mockCredentials.user.header())
      .send({ type: 'url', target });
    expect(res.status).toBe(201);
    expect(res.body.entities.map((e: any) => `${e.kind}:${e.metadata.name}`)).toContain('Component:payments');

    const outside = await request(server)
      .post('/api/catalog/locations?dryRun=true')
      .set('Authorization', mockCredentials.user.header())
      .send({ type: 'url', target: pathToFileURL('/etc/hostname').href });
    expect(outside.status).toBeGreaterThanOrEqual(400);
    fs.rmSync(baseDir, { recursive: true, force: true });
  }, 60_000);
});
