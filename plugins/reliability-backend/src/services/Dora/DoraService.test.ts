import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import examples from '@octokit/webhooks-examples';
import { sign } from '@octokit/webhooks-methods';
import { GithubWebhookService } from '../Webhooks/GithubWebhookService';
import { DoraService } from './DoraService';
import { createTestClickHouse } from './testStore';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const at = (day: number, hour: number) =>
  new Date(Date.UTC(2026, 10, 20 + day, hour)).toISOString();

type Example = { name: string; examples: Array<Record<string, any>> };
const defs = examples as unknown as Example[];
const example = (name: string, action?: string) =>
  defs.find(d => d.name === name)!.examples.find(e => !action || e.action === action)!;

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', namespace: 'default', annotations },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});

describe('DoraService', () => {
  let db: Awaited<ReturnType<typeof createTestClickHouse>>;
  let dora: DoraService;
  let seq = 0;

  beforeAll(async () => {
    db = await createTestClickHouse('dora');
    const webhooks = GithubWebhookService.create({
      target: db,
      secrets: ['s3cret'],
      logger: mockServices.logger.mock(),
    });
    dora = DoraService.create({ ...db, logger: mockServices.logger.mock(), bandYear: 2023 });
    const send = async (event: string, payload: Record<string, any>) => {
      const body = JSON.stringify(payload);
      seq += 1;
      const receipt = await webhooks.receive({
        eventName: event,
        deliveryId: `d-${seq}`,
        signature: await sign('s3cret', body),
        contentType: 'application/json',
        rawBody: Buffer.from(body),
      });
      expect(receipt.status).toBe('stored');
    };
    const repo = { ...example('deployment_status').repository, full_name: 'Acme/payments' };
    const deploy = async (id: number, sha: string, state: string, time: string, environment = 'production') => {
      const base = example('deployment_status');
      await send('deployment', {
        ...example('deployment'),
        repository: repo,
        deployment: { ...base.deployment, id, sha, environment, created_at: time, task: 'deploy', description: '' },
      });
      await send('deployment_status', {
        ...base,
        repository: repo,
        deployment: { ...base.deployment, id, sha, environment, task: 'deploy', description: '' },
        deployment_status: { ...base.deployment_status, id: id * 10, state, environment, created_at: time },
      });
    };
    await deploy(8, 'a0', 'success', at(-40, 10));
    await deploy(1, 'a1', 'success', at(-20, 10));
    await deploy(2, 'a2', 'failure', at(-15, 10));
    await deploy(3, 'a3', 'success', at(-15, 14));
    await deploy(4, 'a4', 'success', at(-10, 10));
    await deploy(5, 'a5', 'success', at(-5, 10));
    await deploy(6, 'a4', 'success', at(-5, 11));
    await deploy(7, 'a9', 'failure', at(-3, 10), 'staging');

    const pr = example('pull_request', 'closed');
    const merged = async (number: number, created: string, mergedAt: string, bot = false) =>
      send('pull_request', {
        ...pr,
        repository: repo,
        pull_request: {
          ...pr.pull_request,
          number,
          merged: true,
          created_at: created,
          merged_at: mergedAt,
          user: bot
            ? { ...pr.pull_request.user, login: 'renovate[bot]', type: 'Bot' }
            : pr.pull_request.user,
        },
      });
    await merged(1, at(-21, 10), at(-20, 9));
    await merged(2, at(-16, 10), at(-15, 12));
    await merged(3, at(-6, 10), at(-5, 9));
    await merged(4, at(-12, 10), at(-11, 9), true);
    await merged(5, at(-2, 10), at(-1, 9));

    const issue = example('issues', 'opened');
    const label = { ...issue.issue.labels[0], name: 'incident' };
    await send('issues', {
      ...issue,
      repository: repo,
      issue: { ...issue.issue, number: 77, labels: [label], created_at: at(-10, 12) },
    });
    await send('issues', {
      ...issue,
      action: 'closed',
      repository: repo,
      issue: { ...issue.issue, number: 77, labels: [label], created_at: at(-10, 12), closed_at: at(-10, 18) },
    });
  });

  afterAll(async () => {
    await db.cleanup();
  });

  it('should compute the four metrics over 30 days from webhook events', async () => {
    const result = await dora.getEntityDora(entity({ 'github.com/project-slug': 'acme/payments' }), {
      windowDays: 30,
      now: NOW,
    });
    expect(result.repository).toBe('acme/payments');
    expect(result.bands).toMatchObject({ year: 2023, source: 'https://dora.dev/research/2023/dora-report/' });
    const { leadTimeForChanges: lt, deploymentFrequency: df, changeFailureRate: cfr, timeToRestoreService: ttr } =
      result.metrics;
    expect(lt).toMatchObject({ complete: true, medianHours: 24, p90Hours: 28, sampleSize: 3, excludedBotPullRequests: 1 });
    expect(lt.band).toEqual({ band: 'elite', label: 'Less than one day' });
    expect(df).toMatchObject({ complete: true, deployments: 5, deploymentDays: 4, sampleSize: 6 });
    expect(df.deploymentsPerWeek).toBeCloseTo(5 / (30 / 7), 9);
    expect(df.deploymentDaysPerWeek).toBeCloseTo(4 / (30 / 7), 9);
    expect(df.band?.band).toBe('high');
    expect(cfr).toMatchObject({ complete: true, totalDeployments: 6, failedDeployments: 1, remediatedDeployments: 2, value: 0.5 });
    expect(cfr.band?.band).toBe('low');
    expect(ttr).toMatchObject({ complete: true, incidentsRestored: 1, failedDeploymentsRecovered: 1, medianHours: 6 });
    expect(result.autoMergeRevocation).toEqual({ revoke: true, changeFailureRate: 0.5, threshold: 0.15, windowDays: 30, complete: true });
  });

  it('should narrow to a 7-day window and flag what lacks inputs instead of showing zero', async () => {
    const result = await dora.getEntityDora(entity({ 'github.com/project-slug': 'acme/payments' }), {
      windowDays: 7,
      now: NOW,
    });
    expect(result.metrics.changeFailureRate).toMatchObject({ totalDeployments: 2, failedDeployments: 0, remediatedDeployments: 1, value: 0.5 });
    expect(result.metrics.leadTimeForChanges).toMatchObject({ sampleSize: 1, medianHours: 24 });
    expect(result.metrics.timeToRestoreService).toMatchObject({
      complete: false,
      value: null,
      band: null,
      missing: 'no closed incidents or recovered failed deployments in the window',
    });
  });

  it('should count staging only when the entity names it as production', async () => {
    const result = await dora.getEntityDora(
      entity({ 'github.com/project-slug': 'acme/payments', 'goldenpath.dev/production-environment': 'staging' }),
      { windowDays: 7, now: NOW },
    );
    expect(result.productionEnvironment).toBe('staging');
    expect(result.metrics.changeFailureRate).toMatchObject({ totalDeployments: 1, failedDeployments: 1, value: 1 });
  });

  it('should mark every metric incomplete without events or without the annotation', async () => {
    const quiet = await dora.getEntityDora(entity({ 'github.com/project-slug': 'acme/quiet' }), { windowDays: 90, now: NOW });
    expect(quiet.metrics.deploymentFrequency).toMatchObject({
      complete: false,
      value: null,
      deploymentsPerWeek: null,
      missing: 'no production deployment with a final status (success, failure, error) in the window',
    });
    expect(quiet.metrics.leadTimeForChanges.missing).toBe('no merged pull requests by people in the window');
    expect(quiet.autoMergeRevocation).toMatchObject({ revoke: false, complete: false, changeFailureRate: null });
    const bare = await dora.getEntityDora(entity({}), { windowDays: 30, now: NOW });
    expect(bare.repository).toBeNull();
    for (const metric of Object.values(bare.metrics)) {
      expect(metric).toMatchObject({ complete: false, value: null, missing: 'entity has no github.com/project-slug annotation' });
    }
  });

  it('should refuse an unknown band year', () => {
    expect(() => DoraService.create({ ...db, logger: mockServices.logger.mock(), bandYear: 2019 })).toThrow(
      'reliability.dora.bandYear must be one of 2021, 2022, 2023, 2024, got 2019',
    );
  });
});
