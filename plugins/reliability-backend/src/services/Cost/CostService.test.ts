import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { createTestClickHouse } from '../Dora/testStore';
import { CostService } from './CostService';

const DATASET = path.resolve(__dirname, '../../../../../../shared/datasets/infracost/cmd/infracost/testdata');
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(DATASET, file), 'utf8'));
const monthsAgo = (n: number) => {
  const d = new Date();
  d.setUTCDate(15);
  d.setUTCMonth(d.getUTCMonth() - n);
  return d.toISOString();
};

describe('CostService', () => {
  let db: Awaited<ReturnType<typeof createTestClickHouse>>;
  let service: CostService;
  const owner = { entityRef: 'component:default/payments', repository: 'acme/payments' };
  const budget = { soft_fail_usd: 50, approval_usd: 200, pr_delta_usd: 1000, absolute_usd: 5000 };

  beforeAll(async () => {
    db = await createTestClickHouse('cost');
    service = CostService.create({ ...db, logger: mockServices.logger.mock() });
  });

  afterAll(async () => {
    await db.cleanup();
  });

  it('should answer the latest delta per environment against its budget, the history and the top changes', async () => {
    await service.ingestReport({
      entityRef: 'component:default/payments',
      environment: 'production',
      pullRequest: 11,
      reportedAt: monthsAgo(2),
      budget,
      infracost: read('diff_with_compare_to_format_json/prior.json'),
    });
    const latest = await service.ingestReport({
      repository: 'Acme/payments',
      environment: 'production',
      pullRequest: 12,
      reportedAt: monthsAgo(0),
      budget,
      infracost: read('diff_with_compare_to_format_json/diff_with_compare_to_format_json.golden.json'),
    });
    expect(latest).toMatchObject({ status: 'within', summary: { diffMonthlyCost: '-742.64', changedResources: 2 } });
    await service.ingestReport({
      entityRef: 'payments',
      environment: 'staging',
      pullRequest: 13,
      reportedAt: monthsAgo(0),
      budget,
      infracost: read('diff_with_policy_data_upload/diff_with_policy_data_upload.golden.json'),
    });
    await service.ingestReport({
      entityRef: 'component:default/other',
      environment: 'production',
      infracost: read('comment_backoff_retry/infracost.json'),
    });

    const cost = await service.getEntityCost(owner);
    expect(cost.environments.map(e => [e.environment, e.pullRequest, e.totalMonthlyCost, e.diffMonthlyCost, e.status])).toEqual([
      ['production', 12, 1303.28, -742.64, 'within'],
      ['staging', 13, 665.74, 420.48, 'needs-approval'],
    ]);
    expect(cost.environments[1].reason).toMatch(/finops-approved/);
    expect(cost.environments[0].budget).toEqual(budget);
    const prodHistory = cost.history.filter(h => h.environment === 'production');
    expect(prodHistory.map(h => h.totalMonthlyCost)).toEqual([2045.92, 1303.28]);
    expect(cost.topChangedResources.map(r => [r.environment, r.name, r.diffMonthlyCost])).toEqual([
      ['production', 'aws_instance.web_app2', -1303.28],
      ['production', 'aws_instance.web_app', 560.64],
      ['staging', expect.any(String), 420.48],
    ]);
  });

  it('should keep a missing baseline as null instead of zero', async () => {
    await service.ingestReport({
      entityRef: 'component:default/firewall',
      environment: 'production',
      budget,
      infracost: read('azure_firewall_out.json'),
    });
    const cost = await service.getEntityCost({ entityRef: 'component:default/firewall', repository: null });
    expect(cost.environments[0]).toMatchObject({ pastMonthlyCost: null, diffMonthlyCost: null, totalMonthlyCost: 4018.65, status: 'within' });
  });

  it('should pick the environment out of a whole budgets file', async () => {
    const file = { environments: { production: { approval_usd: 100 }, staging: { approval_usd: 1000 } } };
    const diff = read('diff_with_policy_data_upload/diff_with_policy_data_upload.golden.json');
    const prod = await service.ingestReport({ entityRef: 'component:default/b', environment: 'production', budgets: file, infracost: diff });
    const staging = await service.ingestReport({ entityRef: 'component:default/b', environment: 'staging', budgets: file, infracost: diff });
    const flat = await service.ingestReport({ entityRef: 'component:default/b', environment: 'qa', budgets: { qa: { pr_delta_usd: 10 } }, infracost: diff });
    expect([prod.status, staging.status, flat.status]).toEqual(['needs-approval', 'within', 'over']);
  });

  it('should return empty data for an entity without reports', async () => {
    const cost = await service.getEntityCost({ entityRef: 'component:default/none', repository: 'x/none' });
    expect(cost).toEqual({ entityRef: 'component:default/none', environments: [], history: [], topChangedResources: [] });
  });
});
