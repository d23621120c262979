import { fireEvent, screen, within } from '@testing-library/react';
import { RiskScoreCard } from './RiskScoreCard';
import { bareEntity, riskResponse } from '../../__testUtils__/responses';
import {
  mockReliabilityApi,
  pending,
  renderLegacyCard,
  renderNfsExtension,
  serviceUnavailable,
} from '../../__testUtils__/testApps';

const ID = 'entity-card:reliability/risk-score';

describe('RiskScoreCard', () => {
  beforeEach(() => jest.resetAllMocks());

  it('should show the riskiest node first with its composite, band, detector reasons and trend', async () => {
    const api = mockReliabilityApi({ getEntityRisk: jest.fn().mockResolvedValue(riskResponse) });
    await renderLegacyCard(<RiskScoreCard />, api);
    const top = await screen.findByRole('region', { name: 'Risk of validator-alpha-1' });
    expect(within(top).getByLabelText('Composite risk 82 of 100')).toBeInTheDocument();
    expect(within(top).getByText('critical', { selector: 'span' })).toBeInTheDocument();
    expect(within(top).getAllByTitle('critical').length).toBeGreaterThan(1);
    expect(within(top).getByText('3 peers against baseline 35: possible eclipse')).toBeInTheDocument();
    expect(within(top).getByText('P2P eclipsing & isolation')).toBeInTheDocument();
    expect(within(top).getByText('90%')).toBeInTheDocument();
    expect(within(top).getByText('(+37 points)')).toBeInTheDocument();
    expect(
      within(top).getByRole('img', {
        name: '24-hour composite risk trend of validator-alpha-1: 60 to 71, peak 71',
      }),
    ).toBeInTheDocument();
    const others = screen.getByRole('table', { name: 'Other nodes' });
    expect(within(others).getByText('validator-alpha-0')).toBeInTheDocument();
    expect(within(others).getByText('19 / 100')).toBeInTheDocument();
    expect(within(others).getByText('ok', { selector: 'span' })).toBeInTheDocument();
    expect(screen.getByText('Bands: ok 0–40, warning 40–70, critical 70–100')).toBeInTheDocument();
  });

  it('should show every node with larger charts when expanded', async () => {
    const api = mockReliabilityApi({ getEntityRisk: jest.fn().mockResolvedValue(riskResponse) });
    await renderLegacyCard(<RiskScoreCard expanded />, api);
    expect(await screen.findByRole('region', { name: 'Risk of validator-alpha-0' })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Risk of validator-alpha-1' })).toBeInTheDocument();
    expect(screen.queryByRole('table', { name: 'Other nodes' })).not.toBeInTheDocument();
  });

  it('should mark a stale node and keep ClickHouse errors next to the data', async () => {
    const api = mockReliabilityApi({
      getEntityRisk: jest.fn().mockResolvedValue({
        ...riskResponse,
        nodes: [{ ...riskResponse.nodes[1], stale: true }],
        errors: [{ source: 'telemetry', message: 'no rows from validator-alpha-2 for 3 h', errorType: 'Stale' }],
      }),
    });
    await renderLegacyCard(<RiskScoreCard />, api);
    expect(await screen.findByText(/stale: last seen/)).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('telemetry: no rows from validator-alpha-2 for 3 h [Stale]');
  });

  it('should show loading, the backend reason on failure, and the annotation to add', async () => {
    const loading = mockReliabilityApi({ getEntityRisk: jest.fn(() => pending()) });
    const first = await renderLegacyCard(<RiskScoreCard />, loading);
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    first.unmount();
    const failing = mockReliabilityApi({
      getEntityRisk: jest.fn().mockRejectedValue(await serviceUnavailable('ClickHouse is unreachable')),
    });
    const second = await renderLegacyCard(<RiskScoreCard />, failing);
    expect(await screen.findByText(/Could not load risk score: ClickHouse is unreachable \(HTTP 503\)/)).toBeInTheDocument();
    second.unmount();
    const unused = mockReliabilityApi({});
    await renderLegacyCard(<RiskScoreCard />, unused, { entity: bareEntity });
    expect(await screen.findByText('backstage.io/kubernetes-id')).toBeInTheDocument();
    expect(unused.getEntityRisk).not.toHaveBeenCalled();
  });

  it('should load again when Retry is pressed after a failure', async () => {
    const api = mockReliabilityApi({
      getEntityRisk: jest
        .fn()
        .mockRejectedValueOnce(await serviceUnavailable('ClickHouse is unreachable'))
        .mockResolvedValueOnce(riskResponse),
    });
    await renderLegacyCard(<RiskScoreCard />, api);
    expect(await screen.findByRole('region', { name: 'Risk score card' })).toHaveAttribute('data-state', 'error');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByLabelText('Composite risk 82 of 100')).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Risk score card' })).toHaveAttribute('data-state', 'data');
    expect(api.getEntityRisk).toHaveBeenCalledTimes(2);
  });

  it('should say how to send telemetry when there is none yet', async () => {
    const api = mockReliabilityApi({ getEntityRisk: jest.fn().mockResolvedValue({ ...riskResponse, nodes: [] }) });
    await renderLegacyCard(<RiskScoreCard />, api);
    expect(await screen.findByText('No telemetry for validator-alpha yet')).toBeInTheDocument();
    expect(screen.getByText(/POST rows to \/api\/reliability\/telemetry/)).toBeInTheDocument();
  });
});

describe('entity-card:reliability/risk-score', () => {
  beforeEach(() => jest.resetAllMocks());

  it('should render the riskiest node in the new frontend system', async () => {
    const api = mockReliabilityApi({ getEntityRisk: jest.fn().mockResolvedValue(riskResponse) });
    renderNfsExtension(ID, api);
    expect(await screen.findByLabelText('Composite risk 82 of 100')).toBeInTheDocument();
    expect(screen.getByText('block lag 42 above limit 10 (baseline 3)')).toBeInTheDocument();
  });

  it('should show loading, error, no-data and missing-annotation states', async () => {
    const loading = renderNfsExtension(ID, mockReliabilityApi({ getEntityRisk: jest.fn(() => pending()) }));
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    loading.unmount();
    const error = await serviceUnavailable('ClickHouse is unreachable');
    const failing = renderNfsExtension(ID, mockReliabilityApi({ getEntityRisk: jest.fn().mockRejectedValue(error) }));
    expect(await screen.findByText(/Could not load risk score: ClickHouse is unreachable/)).toBeInTheDocument();
    failing.unmount();
    const empty = renderNfsExtension(
      ID,
      mockReliabilityApi({ getEntityRisk: jest.fn().mockResolvedValue({ ...riskResponse, nodes: [] }) }),
    );
    expect(await screen.findByText('No telemetry for validator-alpha yet')).toBeInTheDocument();
    empty.unmount();
    renderNfsExtension(ID, mockReliabilityApi({}), {
      entity: bareEntity,
      config: { [ID]: { filter: { kind: 'component' } } },
    });
    expect(await screen.findByText('backstage.io/kubernetes-id')).toBeInTheDocument();
  });
});
