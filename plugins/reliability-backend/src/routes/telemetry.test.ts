import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { telemetryIngestResponseSchema } from '@goldenpath/plugin-reliability-common';
import { ClickHouseStore } from '../services/ClickHouseStore';
import { TelemetryWriter } from '../services/Telemetry';
import { createTelemetryRoutes } from './telemetry';

const row = (i: number, component: string) => ({
  ts: new Date(Date.UTC(2026, 10, 21, 10, 0, i)).toISOString(),
  cluster: 'kind-local',
  namespace: 'validators',
  node: `${component}-0`,
  component,
  metric: 'block_lag',
  value: i,
});

// The embedded engine shares two cores with the rest of the suite.
jest.setTimeout(60_000);

describe('createTelemetryRoutes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reliability-telemetry-route-'));
  let store: ClickHouseStore;
  let app: express.Express;
  const service = mockCredentials.service.header();

  beforeAll(async () => {
    store = ClickHouseStore.forTesting({
      path: dir,
      logger: mockServices.logger.mock(),
    });
    await store.migrate();
    app = express()
      .use(
        createTelemetryRoutes({
          httpAuth: mockServices.httpAuth(),
          telemetryWriter: TelemetryWriter.create({ store }),
          maxBodyBytes: 64 * 1024,
          maxBatchRows: 100,
        }),
      )
      .use(mockErrorHandler());
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = async (component: string) => {
    const [r] = await (
      await store.client.query({
        query: 'SELECT count() AS n FROM reliability.telemetry WHERE component = {c:String}',
        query_params: { c: component },
        format: 'JSONEachRow',
      })
    ).json<{ n: number | string }>();
    return Number(r.n);
  };

  it('should ingest JSON arrays, JSON objects and NDJSON, and store a retried batch once', async () => {
    const array = await request(app)
      .post('/telemetry')
      .set('Authorization', service)
      .send([row(1, 'json'), row(2, 'json')]);
    expect(array.status).toBe(200);
    expect(telemetryIngestResponseSchema.parse(array.body)).toMatchObject({ rows: 2, errors: [] });

    const object = await request(app)
      .post('/telemetry')
      .set('Authorization', service)
      .send({ rows: [row(3, 'json')] });
    expect(object.status).toBe(200);
    expect(await count('json')).toBe(3);

    const ndjson = [row(1, 'nd'), row(2, 'nd'), row(3, 'nd')].map(r => JSON.stringify(r)).join('\n');
    const post = () =>
      request(app)
        .post('/telemetry')
        .set('Authorization', service)
        .set('Content-Type', 'application/x-ndjson')
        .send(`${ndjson}\n`);
    const first = await post();
    const retry = await post();
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body.deduplicationToken).toBe(first.body.deduplicationToken);
    expect(await count('nd')).toBe(3);

    const keyed = () =>
      request(app)
        .post('/telemetry')
        .set('Authorization', service)
        .set('Idempotency-Key', 'operator-batch-7')
        .send([row(9, 'keyed')]);
    expect((await keyed()).body.deduplicationToken).toBe('operator-batch-7');
    await keyed();
    expect(await count('keyed')).toBe(1);
  });

  it('should reject bad rows, bad NDJSON, unknown content types and oversized batches with 4xx naming the problem', async () => {
    const badMetric = await request(app)
      .post('/telemetry')
      .set('Authorization', service)
      .send([row(1, 'bad'), { ...row(2, 'bad'), metric: 'cpu' }]);
    expect(badMetric.status).toBe(400);
    expect(badMetric.body.error.message).toContain('metric');

    const extra = await request(app)
      .post('/telemetry')
      .set('Authorization', service)
      .send([{ ...row(1, 'bad'), sql: 'DROP TABLE telemetry' }]);
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toContain('sql');

    const brokenLine = await request(app)
      .post('/telemetry')
      .set('Authorization', service)
      .set('Content-Type', 'application/x-ndjson')
      .send(`${JSON.stringify(row(1, 'bad'))}\n{not json\n`);
    expect(brokenLine.status).toBe(400);
    expect(brokenLine.body.error.message).toMatch(/NDJSON line 2/);

    const text = await request(app)
      .post('/telemetry')
      .set('Authorization', service)
      .set('Content-Type', 'text/plain')
      .send('hello');
    expect(text.status).toBe(400);
    expect(text.body.error.message).toMatch(/Unsupported Content-Type/);

    const tooMany = await request(app)
      .post('/telemetry')
      .set('Authorization', service)
      .send(Array.from({ length: 101 }, (_, i) => row(i, 'bad')));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/101 rows; the limit is 100/);

    const huge = await request(app)
      .post('/telemetry')
      .set('Authorization', service)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify([{ ...row(1, 'bad'), node: 'x'.repeat(70 * 1024) }]));
    expect(huge.status).toBe(413);

    expect(await count('bad')).toBe(0);
  });

  it('should accept only service principals', async () => {
    const asUser = await request(app)
      .post('/telemetry')
      .set('Authorization', mockCredentials.user.header())
      .send([row(1, 'user')]);
    expect(asUser.status).toBeGreaterThanOrEqual(401);
    expect(asUser.status).toBeLessThanOrEqual(403);
    const anonymous = await request(app)
      .post('/telemetry')
      .set('Authorization', mockCredentials.none.header())
      .send([row(1, 'user')]);
    expect(anonymous.status).toBe(401);
    expect(await count('user')).toBe(0);
  });
});
