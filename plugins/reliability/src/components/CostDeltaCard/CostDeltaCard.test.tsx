import { screen, within } from '@testing-library/react';
import { CostDeltaCard } from './CostDeltaCard';
import { bareEntity, costResponse } from '../../__testUtils__/responses';
import {
  mockReliabilityApi,
  pending,
  renderLegacyCard,
  renderNfsExtension,
  serviceUnavailable,
} from '../../__testUtils__/testApps';

const ID = 'entity-card:reliability/cost-delta';

describe('CostDeltaCard', () => {
  beforeEach(() => jest.resetAllMocks());

  it('should show the latest delta per environment against budget, the monthly trend and top changes', async () => {
    const api = mockReliabilityApi({ getEntityCost: jest.fn().mockResolvedValue(costResponse) });
    await renderLegacyCard(<CostDeltaCard />, api);
    const deltas = await screen.findByRole('table', { name: 'Latest cost delta per environment' });
    expect(screen.getByText('Cost center cc-platform')).toBeInTheDocument();
    const production = within(deltas).getByText('production').closest('tr')!;
    expect(within(production as HTMLElement).getByText('PR #128')).toBeInTheDocument();
    expect(within(production as HTMLElement).getByText('+$474.75')).toBeInTheDocument();
    expect(within(production as HTMLElement).getByText('$2,315.25')).toBeInTheDocument();
    expect(within(production as HTMLElement).getByText('needs approval')).toBeInTheDocument();
    expect(within(production as HTMLElement).getByText(/above the approval threshold \$400 \(soft \$100.*approval \$400/)).toBeInTheDocument();
    const staging = within(deltas).getByText('staging').closest('tr')!;
    expect(within(staging as HTMLElement).getByText('within budget')).toBeInTheDocument();
    const trend = screen.getByRole('region', { name: 'Monthly total trend' });
    expect(
      within(trend).getByRole('img', { name: 'Monthly total of production: $1,720.00 in 2026-09 to $2,315.25 in 2026-11' }),
    ).toBeInTheDocument();
    const top = screen.getByRole('region', { name: 'Top changed resources' });
    expect(within(top).getByText('aws_instance.validator_gpu[1]')).toBeInTheDocument();
    expect(within(top).getByText('+$412.50')).toBeInTheDocument();
  });

  it('should show an approved increase and a report without baseline', async () => {
    const [production] = costResponse.environments;
    const api = mockReliabilityApi({
      getEntityCost: jest.fn().mockResolvedValue({
        ...costResponse,
        environments: [
          { ...production, approved: true },
          { ...production, environment: 'sandbox', pastMonthlyCost: null, diffMonthlyCost: null, status: 'unknown', budget: {} },
        ],
      }),
    });
    await renderLegacyCard(<CostDeltaCard />, api);
    expect(await screen.findByText('approved (finops-approved)')).toBeInTheDocument();
    expect(screen.getByText('no baseline')).toBeInTheDocument();
    expect(screen.getByText('no budget')).toBeInTheDocument();
  });

  it('should say how to send a cost report when there is none, with loading, error and annotation states', async () => {
    const empty = await renderLegacyCard(
      <CostDeltaCard />,
      mockReliabilityApi({ getEntityCost: jest.fn().mockResolvedValue({ ...costResponse, environments: [], history: [], topChangedResources: [] }) }),
    );
    expect(await screen.findByText('No cost report yet')).toBeInTheDocument();
    expect(screen.getByText(/infracost diff --format json/)).toHaveTextContent('/api/reliability/reports/cost');
    empty.unmount();
    const loading = await renderLegacyCard(<CostDeltaCard />, mockReliabilityApi({ getEntityCost: jest.fn(() => pending()) }));
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    loading.unmount();
    const error = await serviceUnavailable('ClickHouse is unreachable');
    const failing = await renderLegacyCard(<CostDeltaCard />, mockReliabilityApi({ getEntityCost: jest.fn().mockRejectedValue(error) }));
    expect(await screen.findByText(/Could not load cost delta: ClickHouse is unreachable \(HTTP 503\)/)).toBeInTheDocument();
    failing.unmount();
    await renderLegacyCard(<CostDeltaCard />, mockReliabilityApi({}), { entity: bareEntity });
    expect(await screen.findByText('github.com/project-slug')).toBeInTheDocument();
  });
});

describe('entity-card:reliability/cost-delta', () => {
  beforeEach(() => jest.resetAllMocks());

  it('should render the cost deltas in the new frontend system', async () => {
    renderNfsExtension(ID, mockReliabilityApi({ getEntityCost: jest.fn().mockResolvedValue(costResponse) }));
    expect(await screen.findByText('+$474.75')).toBeInTheDocument();
    expect(screen.getByText('needs approval')).toBeInTheDocument();
  });

  it('should show loading, error, no-data and missing-annotation states', async () => {
    const loading = renderNfsExtension(ID, mockReliabilityApi({ getEntityCost: jest.fn(() => pending()) }));
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    loading.unmount();
    const error = await serviceUnavailable('ClickHouse is unreachable');
    const failing = renderNfsExtension(ID, mockReliabilityApi({ getEntityCost: jest.fn().mockRejectedValue(error) }));
    expect(await screen.findByText(/Could not load cost delta: ClickHouse is unreachable/)).toBeInTheDocument();
    failing.unmount();
    const empty = renderNfsExtension(
      ID,
      mockReliabilityApi({ getEntityCost: jest.fn().mockResolvedValue({ ...costResponse, environments: [] }) }),
    );
    expect(await screen.findByText('No cost report yet')).toBeInTheDocument();
    empty.unmount();
    renderNfsExtension(ID, mockReliabilityApi({}), {
      entity: bareEntity,
      config: { [ID]: { filter: { kind: 'component' } } },
    });
    expect(await screen.findByText('github.com/project-slug')).toBeInTheDocument();
  });
});
