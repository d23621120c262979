import { mockServices } from '@backstage/backend-test-utils';
import examples from '@octokit/webhooks-examples';
import { sign } from '@octokit/webhooks-methods';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClickHouseStore } from '../ClickHouseStore';
import { DELIVERY_JOURNAL_DIRECTORY, GithubWebhookService } from './GithubWebhookService';

const SECRET = 'journal-secret';

type Example = { name: string; examples: Array<Record<string, any>> };
const deployment = (examples as unknown as Example[]).find(d => d.name === 'deployment')!.examples[0];

// The embedded engine (ClickHouseStore.forTesting, isEmbedded true): acknowledged from the delivery
// journal, copied to delivery_events. GithubWebhookService.test.ts covers a client without it
// (server path).
describe('GithubWebhookService on the embedded engine', () => {
  let dir: string;
  let store: ClickHouseStore;
  const services: GithubWebhookService[] = [];

  const create = (options: { inboxMoveIntervalMs?: number; journalDirectory?: string } = {}) => {
    const service = GithubWebhookService.create({
      target: store,
      secrets: [SECRET],
      logger: mockServices.logger.mock(),
      inboxMoveIntervalMs: options.inboxMoveIntervalMs ?? 3_600_000,
      journalDirectory: options.journalDirectory,
    });
    services.push(service);
    return service;
  };

  const deliver = async (service: GithubWebhookService, id: number, deliveryId = `journal-${id}`) => {
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

  const journalDir = () => path.join(dir, DELIVERY_JOURNAL_DIRECTORY);
  /** Journal lines not yet copied: complete lines of every segment file. */
  const journalLines = () =>
    fs.existsSync(journalDir())
      ? fs
          .readdirSync(journalDir())
          .flatMap(name => fs.readFileSync(path.join(journalDir(), name), 'utf8').split('\n'))
          .filter(line => line.startsWith('{'))
      : [];
  const waitFor = async (check: () => Promise<boolean>) => {
    const deadline = Date.now() + 5000;
    while (!(await check()) && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 25));
    }
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webhooks-journal-'));
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

  it('should acknowledge a delivery once it is in the journal and copy it to delivery_events on moveInbox', async () => {
    const service = create();
    expect(store.isEmbedded).toBe(true);
    const receipts = await Promise.all([1, 2, 3].map(i => deliver(service, 910_000 + i)));
    expect(receipts.map(r => r.status)).toEqual(['stored', 'stored', 'stored']);
    const lines = journalLines().map(line => JSON.parse(line));
    expect(lines.map(l => l.delivery_id).sort()).toEqual([
      'journal-910001',
      'journal-910002',
      'journal-910003',
    ]);
    expect(lines[0]).toMatchObject({ kind: 'deployment', repository: expect.any(String) });
    expect(await count('delivery_events', "delivery_id LIKE 'journal-%'")).toBe(0);
    expect(await count('delivery_inbox')).toBe(0);

    await service.moveInbox();
    expect(journalLines()).toEqual([]);
    expect(await count('delivery_events', "delivery_id LIKE 'journal-%'")).toBe(3);
    const [row] = await (
      await store.client.query({
        query: `SELECT event_id, kind, toUnixTimestamp64Milli(received_at) AS received FROM ${store.database}.delivery_events FINAL WHERE delivery_id = 'journal-910001'`,
        format: 'JSONEachRow',
      })
    ).json<{ event_id: string; kind: string; received: number | string }>();
    expect(row).toMatchObject({ event_id: 'deployment:910001', kind: 'deployment' });
    expect(Math.abs(Number(row.received) - Date.now())).toBeLessThan(60_000);
    expect((await deliver(service, 910_001)).status).toBe('duplicate');
  });

  it('should copy the journal periodically, and what a previous process left at start', async () => {
    const first = create();
    expect((await deliver(first, 920_001)).status).toBe('stored');
    await first.close();
    expect(journalLines()).toHaveLength(1);

    const restarted = create({ inboxMoveIntervalMs: 50 });
    await waitFor(async () => journalLines().length === 0);
    expect(journalLines()).toEqual([]);
    expect(await count('delivery_events', "event_id = 'deployment:920001'")).toBe(1);
    expect((await deliver(restarted, 920_002)).status).toBe('stored');
    await waitFor(async () => (await count('delivery_events', "event_id = 'deployment:920002'")) === 1);
    expect(await count('delivery_events', "event_id = 'deployment:920002'")).toBe(1);
  });

  it('should keep a segment whose insert failed, and count its rows once after the next copy', async () => {
    const service = create();
    expect((await deliver(service, 930_001)).status).toBe('stored');
    const insertRaw = store.insertRaw.bind(store);
    const spy = jest.spyOn(store, 'insertRaw').mockImplementationOnce(async options => {
      // the rows reach ClickHouse, then the connection fails: the segment must stay
      await insertRaw(options);
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    try {
      await expect(service.moveInbox()).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      spy.mockRestore();
    }
    expect(journalLines()).toHaveLength(1);
    // deliveries acknowledged after a failed copy are stored too
    expect((await deliver(service, 930_002)).status).toBe('stored');
    await service.moveInbox();
    expect(journalLines()).toEqual([]);
    const ids = "('deployment:930001', 'deployment:930002')";
    expect(await count('delivery_events', `event_id IN ${ids}`)).toBe(2);
  });

  it('should neither hold up nor lose deliveries acknowledged while a copy runs', async () => {
    const service = create();
    expect((await deliver(service, 950_001)).status).toBe('stored');
    const insertRaw = store.insertRaw.bind(store);
    let release: () => void = () => {};
    const gate = new Promise<void>(resolve => {
      release = resolve;
    });
    let reachedInsert: () => void = () => {};
    const atInsert = new Promise<void>(resolve => {
      reachedInsert = resolve;
    });
    const spy = jest.spyOn(store, 'insertRaw').mockImplementation(async options => {
      reachedInsert();
      await gate;
      return insertRaw(options);
    });
    try {
      const move = service.moveInbox();
      await atInsert;
      // the copy has sealed the segment of 950001 and not inserted it yet
      const receipts = await Promise.all([950_002, 950_003].map(id => deliver(service, id)));
      expect(receipts.map(r => r.status)).toEqual(['stored', 'stored']);
      release();
      await move;
    } finally {
      spy.mockRestore();
    }
    const ids = "('deployment:950001', 'deployment:950002', 'deployment:950003')";
    expect(await count('delivery_events', `event_id IN ${ids}`)).toBe(1);
    expect(journalLines()).toHaveLength(2);
    await service.moveInbox();
    expect(journalLines()).toEqual([]);
    expect(await count('delivery_events', `event_id IN ${ids}`)).toBe(3);
  });

  it('should copy only the complete lines of a segment torn by a killed process', async () => {
    const first = create();
    expect((await deliver(first, 960_001)).status).toBe('stored');
    await first.close();
    const [name] = fs.readdirSync(journalDir());
    // a process killed in the middle of its next write: that delivery was never acknowledged
    fs.appendFileSync(path.join(journalDir(), name), '{"delivery_id":"journal-960002","event_id":"depl');
    const restarted = create();
    await restarted.moveInbox();
    expect(fs.readdirSync(journalDir())).toEqual([]);
    expect(await count('delivery_events', "event_id = 'deployment:960001'")).toBe(1);
    expect(await count('delivery_events', "delivery_id = 'journal-960002'")).toBe(0);
  });

  it('should answer 503 naming the journal when it cannot be written, and store nothing', async () => {
    const file = path.join(dir, 'not-a-directory');
    fs.writeFileSync(file, '');
    const service = create({ journalDirectory: path.join(file, 'journal') });
    await expect(deliver(service, 970_001)).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(/^Delivery journal unavailable: .*ENOTDIR/),
    });
    // not remembered: a redelivery is tried again, not answered `duplicate`
    await expect(deliver(service, 970_001)).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
    });
    expect(await count('delivery_events', "event_id = 'deployment:970001'")).toBe(0);
  });

  it('should move rows an earlier version left in the delivery_inbox table at start', async () => {
    await store.client.insert({
      table: `${store.database}.delivery_inbox`,
      values: [
        {
          delivery_id: 'legacy-980001',
          event_id: 'deployment:980001',
          kind: 'deployment',
          repository: 'octo-org/legacy',
          ts: '2026-11-20 10:00:00.000',
          environment: 'production',
        },
      ],
      format: 'JSONEachRow',
    });
    expect(await count('delivery_inbox')).toBe(1);
    create({ inboxMoveIntervalMs: 50 });
    await waitFor(async () => (await count('delivery_inbox')) === 0);
    expect(await count('delivery_inbox')).toBe(0);
    expect(await count('delivery_events', "event_id = 'deployment:980001'")).toBe(1);
  });

  it('should set aside a segment whose rows ClickHouse refuses, keep it on disk and copy the others', async () => {
    const logger = mockServices.logger.mock();
    const service = GithubWebhookService.create({
      target: store,
      secrets: [SECRET],
      logger,
      inboxMoveIntervalMs: 3_600_000,
    });
    services.push(service);
    expect((await deliver(service, 995_001)).status).toBe('stored');
    // e.g. written before a schema change: not a row delivery_events accepts
    const bad = '{"delivery_id":"bad-1","event_id":"deployment:995002","ts":"not a time"}\n';
    fs.writeFileSync(path.join(journalDir(), 'segment-000000000900.jsonl'), bad);

    await service.moveInbox();
    expect(fs.readdirSync(journalDir())).toEqual(['rejected-segment-000000000900.jsonl']);
    expect(fs.readFileSync(path.join(journalDir(), 'rejected-segment-000000000900.jsonl'), 'utf8')).toBe(bad);
    expect(await count('delivery_events', "event_id = 'deployment:995001'")).toBe(1);
    expect(await count('delivery_events', "delivery_id = 'bad-1'")).toBe(0);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('rejected-segment-000000000900.jsonl'),
      expect.objectContaining({ error: expect.any(String) }),
    );
    // the rejected file is never read again
    await service.moveInbox();
    expect(fs.readdirSync(journalDir())).toEqual(['rejected-segment-000000000900.jsonl']);
    fs.rmSync(path.join(journalDir(), 'rejected-segment-000000000900.jsonl'));
  });

  it('should still copy the journal when moving the legacy inbox fails', async () => {
    const service = create();
    expect((await deliver(service, 990_001)).status).toBe('stored');
    const background = store.backgroundClient;
    const spy = jest.spyOn(background, 'query').mockImplementationOnce(async () => {
      throw new Error('Table reliability.delivery_inbox does not exist');
    });
    try {
      await expect(service.moveInbox()).rejects.toThrow(/delivery_inbox does not exist/);
    } finally {
      spy.mockRestore();
    }
    expect(journalLines()).toEqual([]);
    expect(await count('delivery_events', "event_id = 'deployment:990001'")).toBe(1);
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
    expect(journalLines().some(line => line.includes('deployment:940001'))).toBe(false);
    expect(await count('delivery_events', "event_id = 'deployment:940001'")).toBe(1);
  });
});
