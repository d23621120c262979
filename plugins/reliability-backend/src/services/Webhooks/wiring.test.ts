import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { sign } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import { createCostRoutes } from '../../routes/cost';
import { createDoraRoutes } from '../../routes/dora';
import { createDriftRoutes } from '../../routes/drift';
import { createWebhookRoutes } from '../../routes/webhooks';
import { costServiceRef } from '../Cost';
import { doraServiceRef } from '../Dora';
import { driftServiceRef } from '../Drift';
import { nodeHealthServiceRef } from '../NodeHealth';
import { githubWebhookServiceRef } from './GithubWebhookService';

type Example = { name: string; examples: Array<Record<string, any>> };
const status = (examples as unknown as Example[]).find(d => d.name === 'deployment_status')!.examples[0];

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'hello-world',
    namespace: 'default',
    annotations: { 'github.com/project-slug': status.repository.full_name, 'argocd/app-name': 'hello-world' },
  },
  spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
};

/** Mounts the delivery-signal routes the way the reliability plugin does (with a small body cap). */
const deliverySignalsPlugin = createBackendPlugin({
  pluginId: 'reliability',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        catalog: catalogServiceRef,
        githubWebhooks: githubWebhookServiceRef,
        doraService: doraServiceRef,
        costService: costServiceRef,
        driftService: driftServiceRef,
      },
      async init({ httpRouter, httpAuth, permissions, catalog, githubWebhooks, doraService, costService, driftService }) {
        httpRouter.addAuthPolicy({ path: '/webhooks/github', allow: 'unauthenticated' });
        httpRouter.use(createWebhookRoutes({ githubWebhooks, maxBodyBytes: 64 * 1024 }));
        httpRouter.use(createDoraRoutes({ httpAuth, permissions, catalog, doraService }));
        httpRouter.use(createCostRoutes({ httpAuth, permissions, catalog, costService }));
        httpRouter.use(createDriftRoutes({ httpAuth, permissions, catalog, driftService }));
      },
    });
  },
});

describe('delivery-signal service refs', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'delivery-wiring-'));
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('should serve the webhook unauthenticated and the entity routes with the default factories in a real backend', async () => {
    const { server } = await startTestBackend({
      features: [
        deliverySignalsPlugin,
        mockServices.rootConfig.factory({
          data: {
            reliability: {
              clickhouse: { embedded: { path: path.join(dir, 'clickhouse') } },
              github: { webhookSecrets: ['old-secret', 'wiring-secret'] },
              dora: { bandYear: 2022 },
            },
          },
        }),
        catalogServiceMock.factory({ entities: [entity] }),
        createServiceFactory({
          service: nodeHealthServiceRef,
          deps: {},
          factory: () =>
            ({
              getArgoApplications: async () => ({
                generatedAt: new Date().toISOString(),
                items: [{ cluster: 'c1', namespace: 'argocd', name: 'hello-world', syncStatus: 'OutOfSync', healthStatus: 'Healthy', revision: 'abc', operationPhase: null }],
                errors: [],
              }),
            }) as any,
        }),
      ],
    });

    const body = JSON.stringify(status);
    const hook = await request(server)
      .post('/api/reliability/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'deployment_status')
      .set('X-GitHub-Delivery', 'wiring-1')
      .set('X-Hub-Signature-256', await sign('wiring-secret', body))
      .send(body);
    expect(hook.status).toBe(200);
    expect(hook.body.status).toBe('stored');

    const unsigned = await request(server)
      .post('/api/reliability/webhooks/github')
      .set('Content-Type', 'application/json')
      .send(body);
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error.message).toBe('Missing X-Hub-Signature-256 header');

    const oversized = await request(server)
      .post('/api/reliability/webhooks/github')
      .set('Content-Type', 'application/json')
      .send(Buffer.alloc(64 * 1024 + 1, 0x61));
    expect(oversized.status).toBe(413);

    const badJson = await request(server)
      .post('/api/reliability/reports/cost')
      .set('Authorization', mockCredentials.service.header())
      .set('Content-Type', 'application/json')
      .send('{"environment": ');
    expect(badJson.status).toBe(400);

    const dora = await request(server)
      .get('/api/reliability/entities/component/default/hello-world/dora?window=365')
      .set('Authorization', mockCredentials.user.header());
    expect(dora.status).toBe(200);
    expect(dora.body.bands.year).toBe(2022);
    expect(dora.body.repository).toBe(status.repository.full_name.toLowerCase());

    const drift = await request(server)
      .get('/api/reliability/entities/component/default/hello-world/drift')
      .set('Authorization', mockCredentials.user.header());
    expect(drift.status).toBe(200);
    expect(drift.body.gitops).toMatchObject({ status: 'out-of-sync', applications: [expect.objectContaining({ cluster: 'c1' })] });

    const noToken = await request(server)
      .get('/api/reliability/entities/component/default/hello-world/cost')
      .set('Authorization', mockCredentials.none.header());
    expect(noToken.status).toBe(401);
  }, 120_000);
});
