import express from 'express';
import request from 'supertest';
import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { sign } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import { createTestClickHouse } from '../services/Dora/testStore';
import { GithubWebhookService } from '../services/Webhooks';
import { createWebhookRoutes } from './webhooks';

const SECRET = 'route-secret';
type Example = { name: string; examples: Array<Record<string, any>> };
const defs = examples as unknown as Example[];
const deploymentStatus = defs.find(d => d.name === 'deployment_status')!.examples[0];

describe('createWebhookRoutes', () => {
  let db: Awaited<ReturnType<typeof createTestClickHouse>>;
  let app: express.Express;

  beforeAll(async () => {
    db = await createTestClickHouse('webhook-routes');
    const githubWebhooks = GithubWebhookService.create({
      target: db,
      secrets: [SECRET],
      logger: mockServices.logger.mock(),
    });
    app = express()
      .use(createWebhookRoutes({ githubWebhooks, maxBodyBytes: 256 * 1024 }))
      .use(mockErrorHandler());
  });

  afterAll(async () => {
    await db.cleanup();
  });

  async function post(body: string, headers: Record<string, string>) {
    return request(app)
      .post('/webhooks/github')
      .set('Content-Type', 'application/json')
      .set(headers)
      .send(body);
  }

  it('should store a signed delivery once and answer 200, 202 for non-DORA events', async () => {
    const body = JSON.stringify({
      ...deploymentStatus,
      deployment_status: { ...deploymentStatus.deployment_status, id: 31337 },
    });
    const headers = {
      'X-GitHub-Event': 'deployment_status',
      'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'X-Hub-Signature-256': await sign(SECRET, body),
    };
    const first = await post(body, headers);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'stored', kind: 'deployment_status', errors: [] });
    const again = await post(body, headers);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('duplicate');

    const ping = JSON.stringify(defs.find(d => d.name === 'ping')!.examples[0]);
    const pong = await post(ping, {
      'X-GitHub-Event': 'ping',
      'X-GitHub-Delivery': 'ping-1',
      'X-Hub-Signature-256': await sign(SECRET, ping),
    });
    expect(pong.status).toBe(202);
    expect(pong.body.status).toBe('ignored');
  });

  it('should answer every payload of @octokit/webhooks-examples (github.com and GHES 3.1-3.5) through the endpoint', async () => {
    const relevant = new Set(['pull_request', 'deployment', 'deployment_status', 'issues']);
    const results: Array<{ source: string; event: string; status: number; kind?: string }> = [];
    for (const source of ['api.github.com', 'ghes-31', 'ghes-32', 'ghes-33', 'ghes-34', 'ghes-35']) {
      const definitions: Example[] = require(`@octokit/webhooks-examples/${source}/index.json`);
      for (const def of definitions) {
        for (const [i, payload] of def.examples.entries()) {
          const body = JSON.stringify(payload);
          const res = await post(body, {
            'X-GitHub-Event': def.name,
            'X-GitHub-Delivery': `${source}-${def.name}-${i}`.replace(/[._]/g, '-'),
            'X-Hub-Signature-256': await sign(SECRET, body),
          });
          results.push({ source, event: def.name, status: res.status, kind: res.body.kind });
        }
      }
    }
    expect(results.length).toBeGreaterThan(700);
    const failures = results.filter(r => r.status !== 200 && r.status !== 202);
    expect(failures).toEqual([]);
    const irrelevantStored = results.filter(r => !relevant.has(r.event) && r.status !== 202);
    expect(irrelevantStored).toEqual([]);
    const stored = results.filter(r => r.status === 200);
    expect(new Set(stored.map(r => r.kind))).toEqual(new Set(['deployment', 'deployment_status']));
    expect(stored.every(r => r.kind === r.event)).toBe(true);
  }, 120_000);

  it('should answer 415 to a compressed body and 413 to one announced above the cap, and store neither', async () => {
    const body = JSON.stringify({
      ...deploymentStatus,
      deployment_status: { ...deploymentStatus.deployment_status, id: 41_501 },
    });
    const big = `{"pad":"${'x'.repeat(300 * 1024)}"}`;
    const send = async (deliveryId: string, payload: string, encoding?: string) =>
      post(payload, {
        'X-GitHub-Event': 'deployment_status',
        'X-GitHub-Delivery': deliveryId,
        'X-Hub-Signature-256': await sign(SECRET, payload),
        ...(encoding ? { 'Content-Encoding': encoding } : {}),
      });

    const compressed = await send('gzip-1', body, 'gzip');
    expect(compressed.status).toBe(415);
    expect(compressed.body.error.message).toBe('Unsupported Content-Encoding: gzip');
    const tooLarge = await send('big-announced-1', big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.message).toMatch(/too large/i);
    expect((await send('identity-1', body, 'identity')).status).toBe(200);

    const stored = await db.client.query({
      query: `SELECT delivery_id FROM ${db.database}.delivery_events WHERE delivery_id IN ('gzip-1', 'big-announced-1', 'identity-1')`,
      format: 'JSONEachRow',
    });
    expect(await stored.json()).toEqual([{ delivery_id: 'identity-1' }]);
  });

  it('should verify the signature over the exact raw bytes', async () => {
    const body = `{ "zen": "Keep it logically awesome.",\n  "hook_id": 1 }`;
    const ok = await post(body, {
      'X-GitHub-Event': 'ping',
      'X-GitHub-Delivery': 'raw-1',
      'X-Hub-Signature-256': await sign(SECRET, body),
    });
    expect(ok.status).toBe(202);
    const reformatted = await post(JSON.stringify(JSON.parse(body)), {
      'X-GitHub-Event': 'ping',
      'X-GitHub-Delivery': 'raw-2',
      'X-Hub-Signature-256': await sign(SECRET, body),
    });
    expect(reformatted.status).toBe(401);
    expect(reformatted.body.error).toMatchObject({ name: 'AuthenticationError' });
  });

  it('should answer 200 hostile requests with a 4xx and a message, never a 5xx', async () => {
    const valid = JSON.stringify(deploymentStatus);
    const sqlish = [
      "'; DROP TABLE delivery_events; --",
      "1' OR '1'='1",
      '{id:String}',
      'x\u0000y',
      '../../../../etc/passwd',
    ];
    const cases: Array<() => Promise<request.Response>> = [];
    for (let i = 0; i < 40; i++) {
      // bad signatures
      cases.push(async () =>
        post(valid, {
          'X-GitHub-Event': 'deployment_status',
          'X-GitHub-Delivery': `bad-sig-${i}`,
          'X-Hub-Signature-256': i % 2 ? `sha256=${'0'.repeat(64)}` : await sign(`wrong-${i}`, valid),
        }),
      );
      // truncated JSON, correctly signed
      cases.push(async () => {
        const truncated = valid.slice(0, Math.max(1, Math.floor((valid.length * i) / 40)));
        return post(truncated, {
          'X-GitHub-Event': 'deployment_status',
          'X-GitHub-Delivery': `trunc-${i}`,
          'X-Hub-Signature-256': await sign(SECRET, truncated),
        });
      });
      // oversized bodies
      cases.push(async () =>
        post(`{"pad":"${'x'.repeat(256 * 1024 + i)}"}`, {
          'X-GitHub-Event': 'deployment_status',
          'X-GitHub-Delivery': `big-${i}`,
          'X-Hub-Signature-256': `sha256=${'a'.repeat(64)}`,
        }),
      );
      // wrong types, correctly signed
      cases.push(async () => {
        const wrong = JSON.stringify({
          ...deploymentStatus,
          deployment_status: i % 2 ? 'success' : { ...deploymentStatus.deployment_status, created_at: i },
          repository: i % 3 ? deploymentStatus.repository : { full_name: 42 },
        });
        return post(wrong, {
          'X-GitHub-Event': 'deployment_status',
          'X-GitHub-Delivery': `types-${i}`,
          'X-Hub-Signature-256': await sign(SECRET, wrong),
        });
      });
      // SQL-looking strings in headers, correctly signed
      cases.push(async () => {
        const s = sqlish[i % sqlish.length];
        return post(valid, {
          'X-GitHub-Event': i % 2 ? s.split('\u0000').join('\\0') : 'deployment_status',
          'X-GitHub-Delivery': i % 2 ? `sql-${i}` : encodeURIComponent(s),
          'X-Hub-Signature-256': await sign(SECRET, valid),
        });
      });
    }
    expect(cases).toHaveLength(200);
    const statuses: number[] = [];
    for (const [index, run] of cases.entries()) {
      const res = await run();
      statuses.push(res.status);
      expect({ index, status: res.status >= 400 }).toEqual({ index, status: true });
      expect(res.status).toBeLessThan(500);
      expect(typeof res.body?.error?.message).toBe('string');
      expect(res.body.error.message.length).toBeGreaterThan(0);
    }
    expect(new Set(statuses)).toEqual(new Set([400, 401, 413]));
    const count = await db.client.query({
      query: `SELECT count() AS n FROM ${db.database}.delivery_events WHERE delivery_id LIKE 'trunc-%' OR delivery_id LIKE 'types-%' OR delivery_id LIKE 'sql-%'`,
      format: 'JSONEachRow',
    });
    expect(Number((await count.json<{ n: string }>())[0].n)).toBe(0);
  }, 120_000);
});
