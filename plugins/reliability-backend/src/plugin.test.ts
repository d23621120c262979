import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { entityRiskResponseSchema } from '@goldenpath/plugin-reliability-common';
import { reliabilityPlugin } from './plugin';

// The embedded engine shares two cores with the rest of the suite.
jest.setTimeout(60_000);

describe('reliabilityPlugin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reliability-plugin-'));

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should migrate the embedded store at start-up, ingest telemetry, serve the risk of an entity and mount every route module', async () => {
    const backend = await startTestBackend({
      features: [
        reliabilityPlugin,
        mockServices.rootConfig.factory({
          data: { reliability: { clickhouse: { embedded: { path: dir } } } },
        }),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'validator-alpha',
                namespace: 'default',
                annotations: { 'backstage.io/kubernetes-id': 'validator-alpha' },
              },
              spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
            },
          ],
        }),
      ],
    });
    try {
      const now = Date.now();
      const rows = Array.from({ length: 30 }, (_, i) => ({
        ts: now - (30 - i) * 60_000,
        cluster: 'kind-local',
        namespace: 'validators',
        node: 'alpha-0',
        component: 'validator-alpha',
        metric: 'peers',
        value: 20,
      }));
      const ingest = await request(backend.server)
        .post('/api/reliability/telemetry')
        .set('Authorization', mockCredentials.service.header())
        .send(rows);
      expect(ingest.status).toBe(200);
      expect(ingest.body.rows).toBe(30);

      const risk = await request(backend.server)
        .get('/api/reliability/entities/component/default/validator-alpha/risk')
        .set('Authorization', mockCredentials.user.header());
      expect(risk.status).toBe(200);
      const body = entityRiskResponseSchema.parse(risk.body);
      expect(body.nodes.map(n => n.node)).toEqual(['alpha-0']);
      const p2p = body.nodes[0].detectors.find(d => d.detector === 'p2p')!;
      expect(p2p).toMatchObject({ metric: 'peers', value: 20 });

      const fleet = await request(backend.server)
        .get('/api/reliability/risk?limit=3')
        .set('Authorization', mockCredentials.user.header());
      expect(fleet.status).toBe(200);
      expect(fleet.body.nodes).toHaveLength(1);

      for (const area of ['health', 'dora', 'cost', 'drift']) {
        const res = await request(backend.server)
          .get(`/api/reliability/entities/component/default/validator-alpha/${area}`)
          .set('Authorization', mockCredentials.user.header());
        expect({ area, status: res.status }).toEqual({ area, status: 200 });
        expect(Date.parse(res.body.generatedAt)).not.toBeNaN();
      }

      const webhook = await request(backend.server)
        .post('/api/reliability/webhooks/github')
        .set('X-GitHub-Event', 'ping')
        .set('X-GitHub-Delivery', '00000000-0000-0000-0000-000000000001')
        .set('Content-Type', 'application/json')
        .send('{}');
      expect(webhook.status).toBe(401);
      expect(webhook.body.error.message).toMatch(/signature|secret/i);
    } finally {
      await backend.stop();
    }
  });

  it('should start without a reachable ClickHouse and answer 503 with the reason', async () => {
    const backend = await startTestBackend({
      features: [
        reliabilityPlugin,
        mockServices.rootConfig.factory({
          data: {
            reliability: {
              clickhouse: { url: 'http://127.0.0.1:1', requestTimeoutMs: 2000 },
            },
          },
        }),
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    try {
      const fleet = await request(backend.server)
        .get('/api/reliability/risk')
        .set('Authorization', mockCredentials.user.header());
      expect(fleet.status).toBe(503);
      expect(fleet.body.error.name).toBe('ServiceUnavailableError');
      expect(fleet.body.error.message).toMatch(/^ClickHouse unavailable: .*ECONNREFUSED/);

      const ingest = await request(backend.server)
        .post('/api/reliability/telemetry')
        .set('Authorization', mockCredentials.service.header())
        .send([
          {
            ts: Date.now(),
            cluster: 'c',
            namespace: 'n',
            node: 'x',
            component: 'y',
            metric: 'peers',
            value: 1,
          },
        ]);
      expect(ingest.status).toBe(503);
    } finally {
      await backend.stop();
    }
  });
});
