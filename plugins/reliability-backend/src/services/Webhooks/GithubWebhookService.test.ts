import { mockServices } from '@backstage/backend-test-utils';
import { sign } from '@octokit/webhooks-methods';
import examples from '@octokit/webhooks-examples';
import { createTestClickHouse } from '../Dora/testStore';
import { GithubWebhookService } from './GithubWebhookService';

const SECRET = 'test-secret-current';
const OLD_SECRET = 'test-secret-previous';

type Example = { name: string; examples: Array<Record<string, any>> };
const definitions = examples as unknown as Example[];
const RELEVANT = ['pull_request', 'deployment', 'deployment_status', 'issues'];

function expectedKind(event: string, p: Record<string, any>): string | null {
  if (event === 'pull_request') {
    return p.action === 'closed' && p.pull_request.merged ? 'pull_request_merged' : null;
  }
  if (event === 'deployment') return p.action === 'created' ? 'deployment' : null;
  if (event === 'deployment_status') return 'deployment_status';
  if (event === 'issues') {
    const incident = (p.issue.labels ?? []).some((l: any) => l.name === 'incident');
    if (!incident) return null;
    if (['opened', 'reopened'].includes(p.action)) return 'incident_opened';
    if (p.action === 'labeled' && p.label?.name === 'incident') return 'incident_opened';
    if (p.action === 'closed') return 'incident_closed';
    return null;
  }
  return null;
}

function logicalId(event: string, p: Record<string, any>): string {
  const repo = p.repository.full_name.toLowerCase();
  if (event === 'pull_request') return `${repo}:pr:${p.pull_request.number}`;
  if (event === 'deployment') return `${repo}:deployment:${p.deployment.id}`;
  if (event === 'deployment_status') return `${repo}:status:${p.deployment_status.id}`;
  return `${repo}:incident:${p.issue.number}:${p.action === 'closed' ? 'closed' : 'opened'}`;
}

/** Real payloads plus variants of them that are DORA inputs (the examples have no merged PR or incident). */
function corpus(): Array<{ event: string; payload: Record<string, any> }> {
  const out: Array<{ event: string; payload: Record<string, any> }> = [];
  for (const def of definitions) {
    for (const payload of def.examples) out.push({ event: def.name, payload });
  }
  const closedPr = definitions
    .find(d => d.name === 'pull_request')!
    .examples.find(e => e.action === 'closed')!;
  out.push({
    event: 'pull_request',
    payload: {
      ...closedPr,
      pull_request: {
        ...closedPr.pull_request,
        number: 4242,
        merged: true,
        merged_at: '2019-05-15T16:00:00Z',
        merge_commit_sha: 'abc123',
      },
    },
  });
  out.push({
    event: 'pull_request',
    payload: {
      ...closedPr,
      pull_request: {
        ...closedPr.pull_request,
        number: 4243,
        merged: true,
        merged_at: '2019-05-15T17:00:00Z',
        user: { ...closedPr.pull_request.user, login: 'dependabot[bot]', type: 'Bot' },
      },
    },
  });
  const issues = definitions.find(d => d.name === 'issues')!.examples;
  const opened = issues.find(e => e.action === 'opened')!;
  const incidentLabel = { ...opened.issue.labels[0], name: 'incident' };
  out.push({
    event: 'issues',
    payload: { ...opened, issue: { ...opened.issue, number: 900, labels: [incidentLabel] } },
  });
  out.push({
    event: 'issues',
    payload: {
      ...opened,
      action: 'closed',
      issue: {
        ...opened.issue,
        number: 900,
        state: 'closed',
        closed_at: '2019-05-15T18:00:00Z',
        labels: [incidentLabel],
      },
    },
  });
  return out;
}

describe('GithubWebhookService', () => {
  let db: Awaited<ReturnType<typeof createTestClickHouse>>;
  let service: GithubWebhookService;

  beforeAll(async () => {
    db = await createTestClickHouse('webhooks');
    service = GithubWebhookService.create({
      target: db,
      secrets: [SECRET, OLD_SECRET],
      logger: mockServices.logger.mock(),
    });
  });

  afterAll(async () => {
    await db.cleanup();
  });

  async function deliver(event: string, payload: unknown, id: string, secret = SECRET) {
    const body = JSON.stringify(payload);
    return service.receive({
      eventName: event,
      deliveryId: id,
      signature: await sign(secret, body),
      contentType: 'application/json',
      rawBody: Buffer.from(body),
    });
  }

  it('should store every relevant example payload as the right delivery event and ignore the rest', async () => {
    const inputs = corpus();
    const expected = new Map<string, string>();
    const logical = new Set<string>();
    let ignored = 0;
    const receipts: unknown[] = [];
    const wanted: unknown[] = [];
    for (const [i, { event, payload }] of inputs.entries()) {
      const id = `example-${i}`;
      receipts.push(await deliver(event, payload, id));
      const kind = RELEVANT.includes(event) ? expectedKind(event, payload) : null;
      wanted.push(kind ? { status: 'stored', kind } : { status: 'ignored' });
      if (kind) {
        expected.set(id, kind);
        logical.add(logicalId(event, payload));
      } else {
        ignored += 1;
      }
    }
    expect(receipts).toMatchObject(wanted);
    expect(ignored).toBeGreaterThan(100);
    const result = await db.client.query({
      query: `SELECT delivery_id, kind, repository, environment, state, author_is_bot, first_commit_source FROM ${db.database}.delivery_events FINAL`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<Record<string, any>>();
    // several examples repeat the same deployment / status id: one row per logical event
    expect(expected.size).toBeGreaterThan(logical.size);
    expect(rows.length).toBe(logical.size);
    for (const row of rows) {
      expect(row.kind).toBe(expected.get(row.delivery_id));
      expect(row.repository).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
    }
    const kinds = new Set(rows.map(r => r.kind));
    expect([...kinds].sort()).toEqual([
      'deployment',
      'deployment_status',
      'incident_closed',
      'incident_opened',
      'pull_request_merged',
    ]);
    const bot = rows.filter(r => r.kind === 'pull_request_merged' && Number(r.author_is_bot) === 1);
    expect(bot).toHaveLength(1);
    expect(rows.filter(r => r.kind === 'pull_request_merged').every(r => r.first_commit_source === 'pr-created-at')).toBe(true);
    const statuses = rows.filter(r => r.kind === 'deployment_status').map(r => r.state);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every(state => ['success', 'in_progress'].includes(state))).toBe(true);
  });

  it('should accept a signature made with a previous secret during rotation', async () => {
    const payload = definitions.find(d => d.name === 'deployment')!.examples[0];
    const receipt = await deliver('deployment', { ...payload, deployment: { ...payload.deployment, id: 777001 } }, 'rotation-1', OLD_SECRET);
    expect(receipt.status).toBe('stored');
  });

  it('should reject missing, malformed and wrong signatures', async () => {
    const body = Buffer.from('{"zen":"x"}');
    const base = { eventName: 'ping', deliveryId: 'sig-1', contentType: 'application/json', rawBody: body };
    await expect(service.receive({ ...base, signature: undefined })).rejects.toMatchObject({
      name: 'AuthenticationError',
      message: 'Missing X-Hub-Signature-256 header',
    });
    await expect(service.receive({ ...base, signature: 'sha1=abc' })).rejects.toMatchObject({
      name: 'AuthenticationError',
    });
    await expect(
      service.receive({ ...base, signature: await sign('not-the-secret', body.toString()) }),
    ).rejects.toMatchObject({ name: 'AuthenticationError' });
    const tampered = Buffer.from('{"zen":"y"}');
    await expect(
      service.receive({ ...base, rawBody: tampered, signature: await sign(SECRET, body.toString()) }),
    ).rejects.toMatchObject({ name: 'AuthenticationError' });
  });

  it('should count a redelivered or concurrently duplicated delivery once', async () => {
    const payload = definitions.find(d => d.name === 'deployment_status')!.examples[0];
    const variant = { ...payload, deployment_status: { ...payload.deployment_status, id: 555001 } };
    const receipts = await Promise.all(
      Array.from({ length: 5 }, () => deliver('deployment_status', variant, 'dup-1')),
    );
    expect(receipts.map(r => r.status).sort()).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'stored',
    ]);
    expect((await deliver('deployment_status', variant, 'dup-1')).status).toBe('duplicate');
    // the same logical event under a new delivery id (a manual replay) still counts once
    expect((await deliver('deployment_status', variant, 'dup-2')).status).toBe('stored');
    // a redelivery after a restart (empty memory) is written again and still counts once
    const restarted = GithubWebhookService.create({
      target: db,
      secrets: [SECRET],
      logger: mockServices.logger.mock(),
    });
    const body = JSON.stringify(variant);
    const afterRestart = await restarted.receive({
      eventName: 'deployment_status',
      deliveryId: 'dup-1',
      signature: await sign(SECRET, body),
      contentType: 'application/json',
      rawBody: Buffer.from(body),
    });
    expect(afterRestart.status).toBe('stored');
    const result = await db.client.query({
      query: `SELECT count() AS n FROM ${db.database}.delivery_events FINAL WHERE event_id = 'deployment_status:555001'`,
      format: 'JSONEachRow',
    });
    const [{ n }] = await result.json<{ n: number | string }>();
    expect(Number(n)).toBe(1);
  });

  it('should remember the newest recentDeliveries delivery ids and forget older ones', async () => {
    const small = GithubWebhookService.create({
      target: db,
      secrets: [SECRET],
      logger: mockServices.logger.mock(),
      recentDeliveries: 3,
    });
    const payload = definitions.find(d => d.name === 'deployment')!.examples[0];
    const send = async (n: number) => {
      const body = JSON.stringify({ ...payload, deployment: { ...payload.deployment, id: 660_000 + n } });
      return (
        await small.receive({
          eventName: 'deployment',
          deliveryId: `recent-${n}`,
          signature: await sign(SECRET, body),
          contentType: 'application/json',
          rawBody: Buffer.from(body),
        })
      ).status;
    };
    for (const n of [1, 2, 3, 4, 5]) expect(await send(n)).toBe('stored');
    // 3, 4 and 5 are remembered; a redelivery of one of them does not move it in the ring
    expect(await send(3)).toBe('duplicate');
    expect(await send(5)).toBe('duplicate');
    // 1 and 2 were forgotten: written again (counted once by FINAL), which evicts 3 and then 4
    expect(await send(1)).toBe('stored');
    expect(await send(2)).toBe('stored');
    expect(await send(3)).toBe('stored');
    expect(await send(1)).toBe('duplicate');
    expect(await send(5)).toBe('stored');
    const result = await db.client.query({
      query: `SELECT count() AS n FROM ${db.database}.delivery_events FINAL WHERE delivery_id LIKE 'recent-%'`,
      format: 'JSONEachRow',
    });
    const [{ n }] = await result.json<{ n: number | string }>();
    expect(Number(n)).toBe(5);
  });

  it('should name the problem in bad headers and bodies', async () => {
    const sendRaw = async (raw: string, headers: Partial<{ eventName: string; deliveryId: string; contentType: string }> = {}) =>
      service.receive({
        eventName: 'deployment',
        deliveryId: 'bad-1',
        contentType: 'application/json',
        ...headers,
        signature: await sign(SECRET, raw),
        rawBody: Buffer.from(raw),
      });
    await expect(sendRaw('{"action": "created", "deploy')).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('not valid JSON'),
    });
    await expect(sendRaw('[1,2]')).rejects.toMatchObject({ name: 'InputError' });
    await expect(sendRaw('{}', { deliveryId: "x'; DROP TABLE delivery_events; --" })).rejects.toMatchObject({
      message: 'Missing or invalid X-GitHub-Delivery header',
    });
    await expect(
      sendRaw(JSON.stringify({ action: 'created', repository: { full_name: 'a/b' }, deployment: { id: 1, created_at: 'yesterday' } })),
    ).rejects.toMatchObject({ message: expect.stringContaining('deployment.created_at') });
    await expect(sendRaw(JSON.stringify({ action: 'created', deployment: {} }))).rejects.toMatchObject({
      message: expect.stringContaining('repository.full_name'),
    });
  });

  it('should not acknowledge a delivery whose insert failed, and store it on redelivery', async () => {
    const insert = jest
      .fn()
      .mockRejectedValueOnce(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:8123'), { code: 'ECONNREFUSED' }))
      .mockResolvedValue({ executed: true });
    const flaky = GithubWebhookService.create({
      target: { client: { insert } as any, database: 'reliability' },
      secrets: [SECRET],
      logger: mockServices.logger.mock(),
    });
    const payload = definitions.find(d => d.name === 'deployment')!.examples[0];
    const body = JSON.stringify(payload);
    const delivery = {
      eventName: 'deployment',
      deliveryId: 'outage-1',
      signature: await sign(SECRET, body),
      contentType: 'application/json',
      rawBody: Buffer.from(body),
    };
    await expect(flaky.receive(delivery)).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('ClickHouse unavailable'),
    });
    await expect(flaky.receive(delivery)).resolves.toMatchObject({ status: 'stored' });
    expect(insert).toHaveBeenCalledTimes(2);
    expect(insert.mock.calls[1][0]).toMatchObject({
      clickhouse_settings: { async_insert: 0, wait_end_of_query: 1 },
    });
  });

  it('should insert a lone delivery at once and group deliveries arriving within minFlushIntervalMs into one insert', async () => {
    const calls: Array<{ at: number; rows: number }> = [];
    const insert = jest.fn(async (params: { values: unknown[] }) => {
      calls.push({ at: performance.now(), rows: params.values.length });
      await new Promise(resolve => setTimeout(resolve, 5));
      return { executed: true };
    });
    const paced = GithubWebhookService.create({
      target: { client: { insert } as any, database: 'reliability' },
      secrets: [SECRET],
      logger: mockServices.logger.mock(),
      minFlushIntervalMs: 60,
    });
    const example = definitions.find(d => d.name === 'deployment')!.examples[0];
    const delivery = async (i: number) => {
      const body = JSON.stringify({ ...example, deployment: { ...example.deployment, id: 770000 + i } });
      return paced.receive({
        eventName: 'deployment',
        deliveryId: `paced-${i}`,
        signature: await sign(SECRET, body),
        contentType: 'application/json',
        rawBody: Buffer.from(body),
      });
    };
    const start = performance.now();
    await expect(delivery(0)).resolves.toMatchObject({ status: 'stored' });
    expect(calls[0]).toMatchObject({ rows: 1 });
    expect(calls[0].at - start).toBeLessThan(50);
    const receipts = await Promise.all([1, 2, 3, 4, 5].map(delivery));
    expect(receipts.map(r => r.status)).toEqual(['stored', 'stored', 'stored', 'stored', 'stored']);
    expect(calls.map(c => c.rows)).toEqual([1, 5]);
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(55);
  });

  it.each([1, 0])(
    "should take a merged pull request's first commit from the resolver, or its creation time when the lookup fails (%i payload workers)",
    async payloadWorkers => {
      const rows: Array<Record<string, unknown>> = [];
      const insert = jest.fn(async (params: { values: Array<Record<string, unknown>> }) => {
        rows.push(...params.values);
        return { executed: true };
      });
      const resolveFirstCommit = jest
        .fn()
        .mockResolvedValueOnce('2019-05-01T08:00:00+02:00')
        .mockRejectedValueOnce(new Error('GitHub API down'));
      const resolving = GithubWebhookService.create({
        target: { client: { insert } as any, database: 'reliability' },
        secrets: [SECRET],
        logger: mockServices.logger.mock(),
        resolveFirstCommit,
        payloadWorkers,
      });
      const closedPr = definitions.find(d => d.name === 'pull_request')!.examples.find(e => e.action === 'closed')!;
      for (const number of [901, 902]) {
        const body = JSON.stringify({
          ...closedPr,
          pull_request: { ...closedPr.pull_request, number, merged: true, merged_at: '2019-05-15T16:00:00Z' },
        });
        await expect(
          resolving.receive({
            eventName: 'pull_request',
            deliveryId: `resolve-${payloadWorkers}-${number}`,
            signature: await sign(SECRET, body),
            contentType: 'application/json',
            rawBody: Buffer.from(body),
          }),
        ).resolves.toMatchObject({ status: 'stored', kind: 'pull_request_merged' });
      }
      await resolving.close();
      expect(resolveFirstCommit.mock.calls.map(c => c[0])).toEqual([
        { repository: closedPr.repository.full_name, number: 901 },
        { repository: closedPr.repository.full_name, number: 902 },
      ]);
      expect(rows.map(r => [r.number, r.first_commit_at, r.first_commit_source])).toEqual([
        [901, '2019-05-01T06:00:00.000Z', 'commits-api'],
        [902, new Date(closedPr.pull_request.created_at).toISOString(), 'pr-created-at'],
      ]);
    },
  );

  it('should accept form-encoded deliveries', async () => {
    const payload = definitions.find(d => d.name === 'deployment')!.examples[0];
    const raw = `payload=${encodeURIComponent(JSON.stringify({ ...payload, deployment: { ...payload.deployment, id: 888001 } }))}`;
    const receipt = await service.receive({
      eventName: 'deployment',
      deliveryId: 'form-1',
      contentType: 'application/x-www-form-urlencoded',
      signature: await sign(SECRET, raw),
      rawBody: Buffer.from(raw),
    });
    expect(receipt).toMatchObject({ status: 'stored', kind: 'deployment' });
  });
});
