import { act, screen, waitFor, within } from '@testing-library/react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { NodeHealthCard } from './NodeHealthCard';
import { bareEntity, healthResponse } from '../../__testUtils__/responses';
import {
  mockReliabilityApi,
  pending,
  renderLegacyCard,
  renderNfsExtension,
  serviceUnavailable,
} from '../../__testUtils__/testApps';

const fresh = () => ({ ...healthResponse, generatedAt: new Date(Date.now() - 4000).toISOString() });

describe('NodeHealthCard', () => {
  beforeEach(() => jest.resetAllMocks());

  it('should show phase, lag against its limit, peers, restarts against the budget, conditions and quorum', async () => {
    const api = mockReliabilityApi({ getEntityHealth: jest.fn().mockResolvedValue(fresh()) });
    await renderLegacyCard(<NodeHealthCard />, api);
    expect(await screen.findByText('validator-alpha-1')).toBeInTheDocument();
    expect(api.getEntityHealth).toHaveBeenCalledWith({ kind: 'Component', namespace: 'default', name: 'validator-alpha' });
    const rows = within(screen.getByRole('table', { name: 'Validator nodes' })).getAllByRole('row');
    expect(rows[1]).toHaveTextContent(/^warningvalidator-alpha-1/);
    expect(rows[2]).toHaveTextContent(/^okvalidator-alpha-0/);
    expect(screen.getByText('Syncing')).toBeInTheDocument();
    expect(screen.getByText('42 / 10 blocks')).toBeInTheDocument();
    expect(screen.getByText('2 / 3')).toBeInTheDocument();
    expect(screen.getByText('38')).toBeInTheDocument();
    expect(screen.getAllByText(/lags 42 blocks behind the network/).length).toBeGreaterThan(0);
    expect(screen.getByText('Ready True')).toBeInTheDocument();
    expect(screen.getByText(/local: quorum, 3\/3 control-plane nodes ready \(majority 2, tolerates 1 more failure\)/)).toBeInTheDocument();
    expect(screen.getByText(/updated \d s ago/)).toBeInTheDocument();
    expect(screen.getAllByTitle('warning').length).toBeGreaterThan(0);
  });

  it('should show a loading state, then the backend reason when the request fails', async () => {
    const api = mockReliabilityApi({ getEntityHealth: jest.fn(() => pending()) });
    const { unmount } = await renderLegacyCard(<NodeHealthCard />, api);
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    unmount();
    const error = await serviceUnavailable('informers for cluster local are not synced');
    const failing = mockReliabilityApi({ getEntityHealth: jest.fn().mockRejectedValue(error) });
    await renderLegacyCard(<NodeHealthCard />, failing);
    expect(
      await screen.findByText(/Could not load node health: informers for cluster local are not synced \(HTTP 503\)/),
    ).toBeInTheDocument();
  });

  it('should name the annotations to add when the entity has none, without calling the backend', async () => {
    const api = mockReliabilityApi({});
    await renderLegacyCard(<NodeHealthCard />, api, { entity: bareEntity });
    expect(await screen.findByText('backstage.io/kubernetes-id')).toBeInTheDocument();
    expect(screen.getByText('backstage.io/kubernetes-label-selector')).toBeInTheDocument();
    expect(api.getEntityHealth).not.toHaveBeenCalled();
  });

  it('should say how to get data when no objects are found, and keep per-cluster errors visible', async () => {
    const api = mockReliabilityApi({
      getEntityHealth: jest.fn().mockResolvedValue({
        ...fresh(),
        validatorNodes: [],
        pods: [],
        nodes: [],
        errors: [{ source: 'kubernetes', cluster: 'edge', errorType: 'UNREACHABLE', message: 'connect ECONNREFUSED' }],
      }),
    });
    await renderLegacyCard(<NodeHealthCard />, api);
    expect(await screen.findByText('No Kubernetes objects found yet')).toBeInTheDocument();
    expect(screen.getByText(/backstage.io\/kubernetes-id=validator-alpha/)).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('kubernetes (cluster edge): connect ECONNREFUSED [UNREACHABLE]');
  });

  it('should relay the backend message when no clusters are configured', async () => {
    const api = mockReliabilityApi({
      getEntityHealth: jest.fn().mockResolvedValue({
        ...fresh(),
        state: 'no-clusters-configured',
        message: 'Add a cluster under kubernetes.clusterLocatorMethods',
        validatorNodes: [],
        pods: [],
        nodes: [],
        clusters: [],
      }),
    });
    await renderLegacyCard(<NodeHealthCard />, api);
    expect(await screen.findByText('No Kubernetes clusters configured')).toBeInTheDocument();
    expect(screen.getByText('Add a cluster under kubernetes.clusterLocatorMethods')).toBeInTheDocument();
  });

  it('should refetch when a health-changed signal arrives on the entity channel', async () => {
    let push: ((message: unknown) => void) | undefined;
    const signals = {
      subscribe: jest.fn((_channel: string, onMessage: (m: unknown) => void) => {
        push = onMessage;
        return { unsubscribe: jest.fn() };
      }),
    };
    const first = fresh();
    const second = {
      ...fresh(),
      validatorNodes: first.validatorNodes.map(n => ({ ...n, blockLag: n.name === 'validator-alpha-1' ? 7 : n.blockLag })),
    };
    const api = mockReliabilityApi({
      getEntityHealth: jest.fn().mockResolvedValueOnce(first).mockResolvedValueOnce(second),
    });
    await renderLegacyCard(<NodeHealthCard />, api, { extraApis: [[signalApiRef, signals]] });
    expect(await screen.findByText('42 / 10 blocks')).toBeInTheDocument();
    expect(screen.getByText(/· live/)).toBeInTheDocument();
    expect(signals.subscribe).toHaveBeenCalledWith(
      'reliability:health:component:default/validator-alpha',
      expect.any(Function),
    );
    act(() =>
      push!({ type: 'health-changed', entityRef: 'component:default/validator-alpha', generatedAt: new Date().toISOString() }),
    );
    expect(await screen.findByText('7 / 10 blocks')).toBeInTheDocument();
    await waitFor(() => expect(api.getEntityHealth).toHaveBeenCalledTimes(2));
  });

  it('should keep the last data next to the reason when a refresh fails', async () => {
    let push: ((message: unknown) => void) | undefined;
    const signals = {
      subscribe: jest.fn((_c: string, onMessage: (m: unknown) => void) => {
        push = onMessage;
        return { unsubscribe: jest.fn() };
      }),
    };
    const api = mockReliabilityApi({
      getEntityHealth: jest
        .fn()
        .mockResolvedValueOnce(fresh())
        .mockRejectedValueOnce(await serviceUnavailable('catalog timed out')),
    });
    await renderLegacyCard(<NodeHealthCard />, api, { extraApis: [[signalApiRef, signals]] });
    expect(await screen.findByText('42 / 10 blocks')).toBeInTheDocument();
    act(() => push!({ type: 'health-changed', entityRef: 'component:default/validator-alpha', generatedAt: '' }));
    expect(await screen.findByText(/Refresh failed, showing the last data: catalog timed out \(HTTP 503\)/)).toBeInTheDocument();
    expect(screen.getByText('42 / 10 blocks')).toBeInTheDocument();
  });
});

describe('entity-card:reliability/node-health', () => {
  beforeEach(() => jest.resetAllMocks());

  it('should render live data on the entity page of the new frontend system', async () => {
    const api = mockReliabilityApi({ getEntityHealth: jest.fn().mockResolvedValue(fresh()) });
    renderNfsExtension('entity-card:reliability/node-health', api);
    expect(await screen.findByText('42 / 10 blocks')).toBeInTheDocument();
    expect(screen.getByText(/local: quorum/)).toBeInTheDocument();
  });

  it('should show loading and error states', async () => {
    const loading = mockReliabilityApi({ getEntityHealth: jest.fn(() => pending()) });
    const { unmount } = renderNfsExtension('entity-card:reliability/node-health', loading);
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    unmount();
    const failing = mockReliabilityApi({
      getEntityHealth: jest.fn().mockRejectedValue(await serviceUnavailable('informers not synced')),
    });
    renderNfsExtension('entity-card:reliability/node-health', failing);
    expect(await screen.findByText(/Could not load node health: informers not synced/)).toBeInTheDocument();
  });

  it('should be hidden on entities without the annotation, and name it when the filter is widened', async () => {
    const api = mockReliabilityApi({});
    const { unmount } = renderNfsExtension(
      ['entity-card:reliability/node-health', 'entity-card:reliability/cost-delta'],
      api,
      { entity: bareEntity, config: { 'entity-card:reliability/cost-delta': { filter: { kind: 'component' } } } },
    );
    expect(await screen.findByText('Cost delta')).toBeInTheDocument();
    expect(screen.queryByText('Node health')).not.toBeInTheDocument();
    unmount();
    renderNfsExtension('entity-card:reliability/node-health', api, {
      entity: bareEntity,
      config: { 'entity-card:reliability/node-health': { filter: { kind: 'component' } } },
    });
    expect(await screen.findByText('backstage.io/kubernetes-id')).toBeInTheDocument();
    expect(api.getEntityHealth).not.toHaveBeenCalled();
  });

  it('should tell how to get data when there is none yet', async () => {
    const api = mockReliabilityApi({
      getEntityHealth: jest.fn().mockResolvedValue({ ...fresh(), validatorNodes: [], pods: [], nodes: [] }),
    });
    renderNfsExtension('entity-card:reliability/node-health', api);
    expect(await screen.findByText('No Kubernetes objects found yet')).toBeInTheDocument();
  });
});
