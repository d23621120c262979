import { mockServices } from '@backstage/backend-test-utils';
import examples from '@octokit/webhooks-examples';
import { sign } from '@octokit/webhooks-methods';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClickHouseStore } from '../ClickHouseStore';
import { GithubWebhookService } from './GithubWebhookService';

const SECRET = 'inbox-secret';

type Example = { name: string; examples: Array<Record<string, any>> };
const deployment = (examples as unknown as Example[]).find(d => d.name === 'deployment')!.examples[0];

// The embedded engine (ClickHouseStore.forTesting, isEmbedded true): the path through
// delivery_inbox. GithubWebhookService.test.ts covers a client without it (server path).
describe('GithubWebhookService on the embedded engine', () => {
  let dir: string;
  let store: ClickHouseStore;
  const services: GithubWebhookService[] = [];

  const create = (options: { inboxMoveIntervalMs?: number } = {}) => {
    const service = GithubWebhookService.create({
      target: store,
      secrets: [SECRET],
      logger: mockServices.logger.mock(),
      inboxMoveIntervalMs: options.inboxMoveIntervalMs ?? 3_600_000,
    });
    services.push(service);
    return service;
  };

  const deliver = async (service: GithubWebhookService, id: number, deliveryId = `inbox-${id}`) => {
    const body = JSON.stringify({ ...deployment, deployment: { ...deployment.deployment, id } });
    return service.receive({
      eventName: 'deployment',
      deliveryId,
      signature: await sign(SECRET, body),
      contentType: 'application/json',
      rawBody: Buffer.from(body),
    });
  };

  const count = async (table: string, where = '1') => {
    const result = await store.client.query({
      query: `SELECT count() AS n FROM ${store.database}.${table}${table === 'delivery_events' ? ' FINAL' : ''} WHERE ${where}`,
      format: 'JSONEachRow',
    });
    const [{ n }] = await result.json<{ n: number | string }>();
    return Number(n);
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webhooks-inbox-'));
    store = ClickHouseStore.forTesting({ path: dir, logger: mockServices.logger.mock() });
    await store.migrate();
  });

  afterEach(async () => {
    await Promise.all(services.splice(0).map(s => s.close()));
  });

  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('should acknowledge a delivery once it is in the inbox and move it to delivery_events on moveInbox', async () => {
    const service = create();
    expect(store.isEmbedded).toBe(true);
    const receipts = await Promise.all([1, 2, 3].map(i => deliver(service, 910_000 + i)));
    expect(receipts.map(r => r.status)).toEqual(['stored', 'stored', 'stored']);
    expect(await count('delivery_inbox', "delivery_id LIKE 'inbox-%'")).toBe(3);
    expect(await count('delivery_events', "delivery_id LIKE 'inbox-%'")).toBe(0);

    await service.moveInbox();
    expect(await count('delivery_inbox')).toBe(0);
    expect(await count('delivery_events', "delivery_id LIKE 'inbox-%'")).toBe(3);
    const [row] = await (
      await store.client.query({
        query: `SELECT event_id, kind, toUnixTimestamp64Milli(received_at) AS received FROM ${store.database}.delivery_events FINAL WHERE delivery_id = 'inbox-910001'`,
        format: 'JSONEachRow',
      })
    ).json<{ event_id: string; kind: string; received: number | string }>();
    expect(row).toMatchObject({ event_id: 'deployment:910001', kind: 'deployment' });
    expect(Math.abs(Number(row.received) - Date.now())).toBeLessThan(60_000);
    expect((await deliver(service, 910_001)).status).toBe('duplicate');
  });

  it('should move the inbox periodically, and what a previous process left at start', async () => {
    const first = create();
    expect((await deliver(first, 920_001)).status).toBe('stored');
    await first.close();
    expect(await count('delivery_inbox')).toBe(1);

    const restarted = create({ inboxMoveIntervalMs: 50 });
    const deadline = Date.now() + 5000;
    while ((await count('delivery_inbox')) > 0 && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 25));
    }
    expect(await count('delivery_inbox')).toBe(0);
    expect(await count('delivery_events', "event_id = 'deployment:920001'")).toBe(1);
    expect((await deliver(restarted, 920_002)).status).toBe('stored');
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(await count('delivery_events', "event_id = 'deployment:920002'")).toBe(1);
  });

  it('should keep rows in the inbox when emptying it fails, and count them once after the next move', async () => {
    const service = create();
    expect((await deliver(service, 930_001)).status).toBe('stored');
    const background = store.backgroundClient;
    expect(background).not.toBe(store.client);
    const command = background.command.bind(background);
    const spy = jest.spyOn(background, 'command').mockImplementation(async params => {
      if (params.query.startsWith('DELETE')) {
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      }
      return command(params);
    });
    try {
      await expect(service.moveInbox()).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      spy.mockRestore();
    }
    // inserted into delivery_events, still in the inbox: the next move writes it a second time
    expect(await count('delivery_inbox')).toBe(1);
    await service.moveInbox();
    expect(await count('delivery_inbox')).toBe(0);
    expect(await count('delivery_events', "event_id = 'deployment:930001'")).toBe(1);
    // deliveries queued after a failed move are still stored
    expect((await deliver(service, 930_002)).status).toBe('stored');
  });

  it('should neither hold up nor lose deliveries acknowledged while a move runs', async () => {
    const service = create();
    expect((await deliver(service, 950_001)).status).toBe('stored');
    const background = store.backgroundClient;
    const command = background.command.bind(background);
    let release: () => void = () => {};
    const gate = new Promise<void>(resolve => {
      release = resolve;
    });
    let reachedDelete: () => void = () => {};
    const atDelete = new Promise<void>(resolve => {
      reachedDelete = resolve;
    });
    const spy = jest.spyOn(background, 'command').mockImplementation(async params => {
      if (params.query.startsWith('DELETE')) {
        reachedDelete();
        await gate;
      }
      return command(params);
    });
    try {
      const move = service.moveInbox();
      await atDelete;
      // the move has copied 950001 and not deleted it yet: new deliveries are stored meanwhile
      const receipts = await Promise.all([950_002, 950_003].map(id => deliver(service, id)));
      expect(receipts.map(r => r.status)).toEqual(['stored', 'stored']);
      release();
      await move;
    } finally {
      spy.mockRestore();
    }
    const ids = "('deployment:950001', 'deployment:950002', 'deployment:950003')";
    expect(await count('delivery_inbox', `event_id IN ${ids}`)).toBe(2);
    await service.moveInbox();
    expect(await count('delivery_inbox')).toBe(0);
    expect(await count('delivery_events', `event_id IN ${ids}`)).toBe(3);
  });

  it('should insert into delivery_events directly when the store is not embedded', async () => {
    const direct = GithubWebhookService.create({
      target: ClickHouseStore.fromClient({
        client: store.client,
        database: store.database,
        logger: mockServices.logger.mock(),
      }),
      secrets: [SECRET],
      logger: mockServices.logger.mock(),
    });
    services.push(direct);
    expect((await deliver(direct, 940_001)).status).toBe('stored');
    expect(await count('delivery_inbox', "event_id = 'deployment:940001'")).toBe(0);
    expect(await count('delivery_events', "event_id = 'deployment:940001'")).toBe(1);
  });
});
