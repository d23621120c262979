import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { DoraMetricsCard } from './DoraMetricsCard';
import { bareEntity, doraResponse } from '../../__testUtils__/responses';
import {
  mockReliabilityApi,
  pending,
  renderLegacyCard,
  renderNfsExtension,
  serviceUnavailable,
} from '../../__testUtils__/testApps';
import type { DoraResponse } from '@goldenpath/plugin-reliability-common';

const ID = 'entity-card:reliability/dora-metrics';

/** A backend that honours `to`: the previous window had slower lead time and fewer deploys. */
function honouringTo(
  _ref: unknown,
  options?: { windowDays?: number; to?: string },
): Promise<DoraResponse> {
  const days = options?.windowDays ?? 30;
  if (!options?.to) return Promise.resolve(doraResponse(days));
  const previous = doraResponse(days, options.to);
  previous.metrics.leadTimeForChanges.value = 41;
  previous.metrics.deploymentFrequency.value = 3;
  previous.metrics.changeFailureRate.value = 0.22;
  return Promise.resolve(previous);
}

function row(name: string): HTMLElement {
  return screen.getByText(name).closest('tr') as HTMLElement;
}

describe('DoraMetricsCard', () => {
  beforeEach(() => jest.resetAllMocks());

  it('should show the four metrics with band, trend against the previous window, completeness and the revocation flag', async () => {
    const api = mockReliabilityApi({ getEntityDora: jest.fn(honouringTo) });
    await renderLegacyCard(<DoraMetricsCard />, api);
    await screen.findByRole('table', { name: 'DORA metrics' });
    await waitFor(() => expect(within(row('Lead time for changes')).getByText(/▼ 50% from 41 h \(better\)/)).toBeInTheDocument());
    expect(within(row('Lead time for changes')).getByText('20.5 h')).toBeInTheDocument();
    expect(within(row('Lead time for changes')).getByText('High', { selector: 'span' })).toBeInTheDocument();
    expect(within(row('Deployment frequency')).getByText('4.2 / week')).toBeInTheDocument();
    expect(within(row('Deployment frequency')).getByText('Elite', { selector: 'span' })).toBeInTheDocument();
    expect(within(row('Deployment frequency')).getByText(/▲ 40% from 3 \/ week \(better\)/)).toBeInTheDocument();
    expect(within(row('Change failure rate')).getByText('22%')).toBeInTheDocument();
    expect(within(row('Change failure rate')).getByText('Medium', { selector: 'span' })).toBeInTheDocument();
    expect(within(row('Change failure rate')).getByText('= 22%')).toBeInTheDocument();
    expect(within(row('Time to restore service')).getByText('no band', { selector: 'span' })).toBeInTheDocument();
    expect(screen.getByText(/Auto-merge revoked: change failure rate 22% is at or above 15% over 30 days/)).toBeInTheDocument();
    const notes = screen.getByRole('region', { name: 'Data completeness' });
    expect(within(notes).getByText('Time to restore service: no incidents closed in the window')).toBeInTheDocument();
    expect(within(notes).getByText('6 bot pull requests excluded from lead time for changes')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Accelerate State of DevOps Report 2024/ })).toBeInTheDocument();
    const previousCall = api.getEntityDora.mock.calls.find(([, o]) => o?.to);
    expect(previousCall?.[1]).toEqual({ windowDays: 30, to: doraResponse(30).window.from });
  });

  it('should say why there is no trend when the backend answers the current window again', async () => {
    const api = mockReliabilityApi({ getEntityDora: jest.fn().mockImplementation(async () => doraResponse(30)) });
    await renderLegacyCard(<DoraMetricsCard />, api);
    expect(await screen.findByText(/No trend: the backend does not yet answer earlier windows/)).toBeInTheDocument();
    expect(within(row('Lead time for changes')).getByText('–')).toBeInTheDocument();
  });

  it('should refetch for another window chosen on the card', async () => {
    const api = mockReliabilityApi({ getEntityDora: jest.fn(honouringTo) });
    await renderLegacyCard(<DoraMetricsCard windowDays={7} />, api);
    const select = await screen.findByLabelText('DORA window');
    expect(select).toHaveValue('7');
    fireEvent.change(select, { target: { value: '90' } });
    await waitFor(() =>
      expect(api.getEntityDora).toHaveBeenCalledWith(expect.objectContaining({ name: 'validator-alpha' }), { windowDays: 90 }),
    );
    expect(await screen.findByText('Previous 90 days')).toBeInTheDocument();
  });

  it('should say how to send delivery events when there are none, with loading, error and annotation states', async () => {
    const none = doraResponse(30);
    for (const m of Object.values(none.metrics)) {
      Object.assign(m, { sampleSize: 0, complete: false, value: null, band: null });
    }
    const empty = await renderLegacyCard(<DoraMetricsCard />, mockReliabilityApi({ getEntityDora: jest.fn().mockResolvedValue(none) }));
    expect(await screen.findByText('No delivery events for goldenpath-demo/validator-alpha in the last 30 days')).toBeInTheDocument();
    expect(screen.getByText(/webhooks\/github/)).toHaveTextContent('pull_request, deployment, deployment_status and issues');
    empty.unmount();
    const loading = await renderLegacyCard(<DoraMetricsCard />, mockReliabilityApi({ getEntityDora: jest.fn(() => pending()) }));
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    loading.unmount();
    const error = await serviceUnavailable('ClickHouse is unreachable');
    const failing = await renderLegacyCard(<DoraMetricsCard />, mockReliabilityApi({ getEntityDora: jest.fn().mockRejectedValue(error) }));
    expect(await screen.findByText(/Could not load dora metrics: ClickHouse is unreachable \(HTTP 503\)/)).toBeInTheDocument();
    failing.unmount();
    await renderLegacyCard(<DoraMetricsCard />, mockReliabilityApi({}), { entity: bareEntity });
    expect(await screen.findByText('github.com/project-slug')).toBeInTheDocument();
  });
});

describe('entity-card:reliability/dora-metrics', () => {
  beforeEach(() => jest.resetAllMocks());

  it('should open with the configured window in the new frontend system', async () => {
    const api = mockReliabilityApi({ getEntityDora: jest.fn(honouringTo) });
    renderNfsExtension(ID, api, { config: { [ID]: { windowDays: 90 } } });
    expect(await screen.findByText('Previous 90 days')).toBeInTheDocument();
    expect(api.getEntityDora).toHaveBeenCalledWith(expect.objectContaining({ name: 'validator-alpha' }), { windowDays: 90 });
    expect(screen.getByText(/Auto-merge revoked/)).toBeInTheDocument();
  });

  it('should show loading, error and missing-annotation states', async () => {
    const loading = renderNfsExtension(ID, mockReliabilityApi({ getEntityDora: jest.fn(() => pending()) }));
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    loading.unmount();
    const error = await serviceUnavailable('ClickHouse is unreachable');
    const failing = renderNfsExtension(ID, mockReliabilityApi({ getEntityDora: jest.fn().mockRejectedValue(error) }));
    expect(await screen.findByText(/Could not load dora metrics: ClickHouse is unreachable/)).toBeInTheDocument();
    failing.unmount();
    renderNfsExtension(ID, mockReliabilityApi({}), {
      entity: bareEntity,
      config: { [ID]: { filter: { kind: 'component' } } },
    });
    expect(await screen.findByText('github.com/project-slug')).toBeInTheDocument();
  });
});
