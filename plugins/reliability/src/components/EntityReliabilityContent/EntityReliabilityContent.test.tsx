import { screen } from '@testing-library/react';
import { EntityReliabilityContent } from './EntityReliabilityContent';
import {
  bareEntity,
  costResponse,
  doraResponse,
  driftResponse,
  healthResponse,
  riskResponse,
} from '../../__testUtils__/responses';
import {
  mockReliabilityApi,
  renderLegacyCard,
  renderNfsExtension,
  serviceUnavailable,
} from '../../__testUtils__/testApps';

const allData = () =>
  mockReliabilityApi({
    getEntityHealth: jest.fn().mockResolvedValue(healthResponse),
    getEntityRisk: jest.fn().mockResolvedValue(riskResponse),
    getEntityDrift: jest.fn().mockResolvedValue(driftResponse),
    getEntityCost: jest.fn().mockResolvedValue(costResponse),
    getEntityDora: jest.fn().mockResolvedValue(doraResponse(30)),
  });

describe('EntityReliabilityContent', () => {
  beforeEach(() => jest.resetAllMocks());

  it('should show all five areas with every node and larger charts', async () => {
    await renderLegacyCard(<EntityReliabilityContent />, allData());
    expect(await screen.findByRole('region', { name: 'Risk of validator-alpha-0' })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Risk of validator-alpha-1' })).toBeInTheDocument();
    expect(await screen.findByText('42 / 10 blocks')).toBeInTheDocument();
    expect(await screen.findByText('production: drifted')).toBeInTheDocument();
    expect(await screen.findByText('+$474.75')).toBeInTheDocument();
    expect(await screen.findByRole('table', { name: 'DORA metrics' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Monthly total per environment (USD)' })).toBeInTheDocument();
  });

  it('should keep the other areas when one source fails', async () => {
    const api = allData();
    api.getEntityRisk.mockRejectedValue(await serviceUnavailable('ClickHouse is unreachable'));
    await renderLegacyCard(<EntityReliabilityContent />, api);
    expect(await screen.findByText(/Could not load risk score: ClickHouse is unreachable/)).toBeInTheDocument();
    expect(await screen.findByText('42 / 10 blocks')).toBeInTheDocument();
    expect(await screen.findByText('production: drifted')).toBeInTheDocument();
  });
});

describe('entity-content:reliability/reliability', () => {
  beforeEach(() => jest.resetAllMocks());

  it('should render the tab on the entity page of the new frontend system', async () => {
    renderNfsExtension('entity-content:reliability/reliability', allData());
    expect(await screen.findByRole('region', { name: 'Risk of validator-alpha-0' })).toBeInTheDocument();
    expect(await screen.findByText('42 / 10 blocks')).toBeInTheDocument();
    expect(await screen.findByText('+$474.75')).toBeInTheDocument();
  });

  it('should show each card naming its annotation when the tab is forced onto a bare entity', async () => {
    const api = mockReliabilityApi({});
    renderNfsExtension('entity-content:reliability/reliability', api, {
      entity: bareEntity,
      config: { 'entity-content:reliability/reliability': { filter: { kind: 'component' } } },
    });
    expect((await screen.findAllByText('github.com/project-slug')).length).toBeGreaterThanOrEqual(3);
    expect(screen.getAllByText('backstage.io/kubernetes-id').length).toBeGreaterThanOrEqual(2);
    expect(api.getEntityHealth).not.toHaveBeenCalled();
  });
});
