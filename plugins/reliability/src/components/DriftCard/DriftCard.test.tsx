import { screen, within } from '@testing-library/react';
import { DriftCard } from './DriftCard';
import { bareEntity, driftResponse } from '../../__testUtils__/responses';
import {
  mockReliabilityApi,
  pending,
  renderLegacyCard,
  renderNfsExtension,
  serviceUnavailable,
} from '../../__testUtils__/testApps';

const ID = 'entity-card:reliability/drift';

describe('DriftCard', () => {
  beforeEach(() => jest.resetAllMocks());

  it('should show infrastructure, GitOps and data drift each with status, last check and details', async () => {
    const api = mockReliabilityApi({ getEntityDrift: jest.fn().mockResolvedValue(driftResponse) });
    await renderLegacyCard(<DriftCard />, api);
    const infra = await screen.findByRole('region', { name: 'Infrastructure drift' });
    expect(within(infra).getByText('drifted', { selector: 'span' })).toBeInTheDocument();
    expect(within(infra).getByText(/last check \d+ (h|d) ago/)).toBeInTheDocument();
    expect(within(infra).getByText('production: drifted')).toBeInTheDocument();
    expect(within(infra).getByText('aws_security_group.validator_p2p (update)')).toBeInTheDocument();
    expect(within(infra).getByText('staging: in-sync')).toBeInTheDocument();
    const gitops = screen.getByRole('region', { name: 'GitOps drift' });
    expect(within(gitops).getByText('validator-alpha: Synced')).toBeInTheDocument();
    expect(within(gitops).getByText('Healthy')).toBeInTheDocument();
    expect(within(gitops).getByText(/at 4f1c2ab/)).toBeInTheDocument();
    const data = screen.getByRole('region', { name: 'Data drift' });
    expect(within(data).getByText('moderate', { selector: 'span' })).toBeInTheDocument();
    expect(within(data).getByText('validator-alpha-1 disk_write_latency_ms: moderate')).toBeInTheDocument();
    expect(within(data).getByText('PSI 0.18, KS 0.21 (differs), JS 0.19')).toBeInTheDocument();
  });

  it('should explain each kind without data and keep a failing source next to the others', async () => {
    const api = mockReliabilityApi({
      getEntityDrift: jest.fn().mockResolvedValue({
        ...driftResponse,
        infrastructure: { status: 'unknown', lastCheckedAt: null, environments: [] },
        gitops: { status: 'not-configured', lastCheckedAt: null, applications: [] },
        data: { ...driftResponse.data, status: 'no-data', lastCheckedAt: null, series: [] },
        errors: [{ source: 'argocd', cluster: 'local', message: 'applications.argoproj.io is forbidden', errorType: 'FORBIDDEN' }],
      }),
    });
    await renderLegacyCard(<DriftCard />, api);
    expect(await screen.findByText(/No Terraform drift report yet/)).toBeInTheDocument();
    expect(screen.getByText(/POST the exit code/)).toHaveTextContent('/api/reliability/reports/drift');
    expect(screen.getByText(/Add the argocd\/app-name annotation/)).toBeInTheDocument();
    expect(screen.getAllByText('last check never')).toHaveLength(3);
    expect(screen.getByRole('alert')).toHaveTextContent(
      'argocd (cluster local): applications.argoproj.io is forbidden [FORBIDDEN]',
    );
  });

  it('should show loading, the failure reason and the annotations to add', async () => {
    const first = await renderLegacyCard(<DriftCard />, mockReliabilityApi({ getEntityDrift: jest.fn(() => pending()) }));
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    first.unmount();
    const error = await serviceUnavailable('ClickHouse is unreachable');
    const second = await renderLegacyCard(<DriftCard />, mockReliabilityApi({ getEntityDrift: jest.fn().mockRejectedValue(error) }));
    expect(await screen.findByText(/Could not load drift: ClickHouse is unreachable \(HTTP 503\)/)).toBeInTheDocument();
    second.unmount();
    await renderLegacyCard(<DriftCard />, mockReliabilityApi({}), { entity: bareEntity });
    expect(await screen.findByText('github.com/project-slug')).toBeInTheDocument();
    expect(screen.getByText('argocd/app-name')).toBeInTheDocument();
  });
});

describe('entity-card:reliability/drift', () => {
  beforeEach(() => jest.resetAllMocks());

  it('should render the three kinds of drift in the new frontend system', async () => {
    renderNfsExtension(ID, mockReliabilityApi({ getEntityDrift: jest.fn().mockResolvedValue(driftResponse) }));
    expect(await screen.findByText('production: drifted')).toBeInTheDocument();
    expect(screen.getByText('validator-alpha: Synced')).toBeInTheDocument();
  });

  it('should show loading, error and missing-annotation states', async () => {
    const loading = renderNfsExtension(ID, mockReliabilityApi({ getEntityDrift: jest.fn(() => pending()) }));
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    loading.unmount();
    const error = await serviceUnavailable('ClickHouse is unreachable');
    const failing = renderNfsExtension(ID, mockReliabilityApi({ getEntityDrift: jest.fn().mockRejectedValue(error) }));
    expect(await screen.findByText(/Could not load drift: ClickHouse is unreachable/)).toBeInTheDocument();
    failing.unmount();
    renderNfsExtension(ID, mockReliabilityApi({}), {
      entity: bareEntity,
      config: { [ID]: { filter: { kind: 'component' } } },
    });
    expect(await screen.findByText('argocd/app-name')).toBeInTheDocument();
  });
});
