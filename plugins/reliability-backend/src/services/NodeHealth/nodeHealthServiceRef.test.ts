import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FakeKubeApiServer } from '@goldenpath/fake-kube-apiserver';
import request from 'supertest';
import { createHealthRoutes } from '../../routes/health';
import { nodeHealthServiceRef } from './NodeHealthService';
import { ALPHA, fleetObjects, waitFor } from './__testUtils__/fakeCluster';

describe('nodeHealthServiceRef', () => {
  let server: FakeKubeApiServer;

  beforeEach(async () => {
    server = await FakeKubeApiServer.start({
      objects: fleetObjects(),
      token: 't0ken',
    });
  });

  afterEach(async () => {
    await server.close();
  });

  it('should build the service from root config in a backend and serve the health route', async () => {
    const testPlugin = createBackendPlugin({
      pluginId: 'reliability',
      register(env) {
        env.registerInit({
          deps: {
            httpRouter: coreServices.httpRouter,
            httpAuth: coreServices.httpAuth,
            permissions: coreServices.permissions,
            catalog: catalogServiceRef,
            nodeHealth: nodeHealthServiceRef,
          },
          async init({
            httpRouter,
            httpAuth,
            permissions,
            catalog,
            nodeHealth,
          }) {
            httpRouter.use(
              createHealthRoutes({
                httpAuth,
                permissions,
                catalog,
                nodeHealth,
              }),
            );
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        testPlugin,
        catalogServiceMock.factory({ entities: [ALPHA] }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'fake',
                      url: server.url,
                      authProvider: 'serviceAccount',
                      serviceAccountToken: 't0ken',
                      skipTLSVerify: true,
                    },
                  ],
                },
              ],
            },
          },
        }),
      ],
    });
    try {
      const res = await request(backend.server).get(
        '/api/reliability/entities/component/default/validator-alpha/health',
      );
      expect(res.status).toBe(200);
      expect(res.body.clusters).toEqual([
        expect.objectContaining({ name: 'fake', status: 'ok' }),
      ]);
      expect(res.body.validatorNodes).toHaveLength(2);
    } finally {
      await backend.stop();
    }
    await waitFor(() => server.activeWatchCount === 0, 3000);
  });
});
