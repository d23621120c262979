import type { Entity } from '@backstage/catalog-model';
import type {
  CostResponse,
  DoraResponse,
  DriftResponse,
  EntityHealthResponse,
  EntityRiskResponse,
} from '@goldenpath/plugin-reliability-common';

export const GENERATED_AT = '2026-11-21T12:00:00.000Z';

export const validatorEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'validator-alpha',
    namespace: 'default',
    title: 'Validator Alpha',
    annotations: {
      'backstage.io/kubernetes-id': 'validator-alpha',
      'backstage.io/kubernetes-namespace': 'validators',
      'github.com/project-slug': 'goldenpath-demo/validator-alpha',
      'argocd/app-name': 'validator-alpha',
    },
  },
  spec: { type: 'validator-node', lifecycle: 'production', owner: 'group:default/platform-team' },
};

export const bareEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'status-page', namespace: 'default' },
  spec: { type: 'website', lifecycle: 'production', owner: 'group:default/web-team' },
};

const okSummary = { severity: 'ok' as const, reason: 'No rule fired', suggestedAction: null, findings: [] };

export const healthResponse: EntityHealthResponse = {
  entityRef: 'component:default/validator-alpha',
  generatedAt: GENERATED_AT,
  state: 'ok',
  message: null,
  summary: {
    severity: 'warning',
    reason: 'validator-alpha-1 lags 42 blocks behind the network (limit 10)',
    counts: { ok: 4, warning: 1, critical: 0 },
  },
  clusters: [
    {
      name: 'local',
      status: 'ok',
      quorum: {
        controlPlaneNodes: 3,
        readyControlPlaneNodes: 3,
        majority: 2,
        toleratedFailures: 1,
        hasQuorum: true,
        summary: okSummary,
      },
    },
  ],
  validatorNodes: [
    {
      cluster: 'local',
      namespace: 'validators',
      name: 'validator-alpha-0',
      phase: 'Synced',
      currentBlock: 18_204_511,
      highestBlock: 18_204_513,
      blockLag: 2,
      maxBlockLag: 10,
      peers: 38,
      restartCount: 0,
      maxRestartAttempts: 3,
      riskScore: 12,
      lastProbeTime: '2026-11-21T11:59:50Z',
      conditions: [
        { type: 'Synced', status: 'True', reason: 'WithinLag', message: null, lastTransitionTime: null },
      ],
      summary: okSummary,
    },
    {
      cluster: 'local',
      namespace: 'validators',
      name: 'validator-alpha-1',
      phase: 'Syncing',
      currentBlock: 18_204_471,
      highestBlock: 18_204_513,
      blockLag: 42,
      maxBlockLag: 10,
      peers: 3,
      restartCount: 2,
      maxRestartAttempts: 3,
      riskScore: 71,
      lastProbeTime: '2026-11-21T11:59:48Z',
      conditions: [
        {
          type: 'Synced',
          status: 'False',
          reason: 'LagAboveLimit',
          message: 'block lag 42 > maxBlockLag 10',
          lastTransitionTime: '2026-11-21T11:40:00Z',
        },
      ],
      summary: {
        severity: 'warning',
        reason: 'validator-alpha-1 lags 42 blocks behind the network (limit 10)',
        suggestedAction: 'Check peers and disk latency; the operator restarts it after 30 minutes',
        findings: [
          {
            rule: 'validator-block-lag',
            severity: 'warning',
            reason: 'validator-alpha-1 lags 42 blocks behind the network (limit 10)',
            suggestedAction: 'Check peers and disk latency; the operator restarts it after 30 minutes',
          },
        ],
      },
    },
  ],
  pods: [
    {
      cluster: 'local',
      namespace: 'validators',
      name: 'validator-alpha-0',
      nodeName: 'worker-1',
      phase: 'Running',
      ready: true,
      restarts: 0,
      waitingReason: null,
      lastTerminationReason: null,
      containers: [
        {
          name: 'substrate',
          init: false,
          ready: true,
          restartCount: 0,
          state: 'running',
          waitingReason: null,
          lastTerminationReason: null,
          lastTerminationExitCode: null,
        },
      ],
      summary: okSummary,
    },
  ],
  nodes: [
    {
      cluster: 'local',
      name: 'worker-1',
      ready: 'True',
      memoryPressure: false,
      diskPressure: false,
      pidPressure: false,
      networkUnavailable: false,
      cordoned: false,
      controlPlane: false,
      kubeletVersion: 'v1.31.2',
      summary: okSummary,
    },
  ],
  errors: [],
};

const trend = (base: number) =>
  Array.from({ length: 12 }, (_, i) => ({
    ts: new Date(Date.parse(GENERATED_AT) - (12 - i) * 5 * 60_000).toISOString(),
    composite: base + i,
    detectors: { consensus: 0.1, hardware: 0.2, storage: 0.05, p2p: base / 100 },
  }));

export const riskResponse: EntityRiskResponse = {
  entityRef: 'component:default/validator-alpha',
  component: 'validator-alpha',
  generatedAt: GENERATED_AT,
  bucketMinutes: 5,
  trendHours: 24,
  bands: [
    { name: 'ok', min: 0, max: 40 },
    { name: 'warning', min: 40, max: 70 },
    { name: 'critical', min: 70, max: 100 },
  ],
  nodes: [
    {
      cluster: 'local',
      namespace: 'validators',
      node: 'validator-alpha-0',
      component: 'validator-alpha',
      lastSeen: '2026-11-21T11:55:00.000Z',
      stale: false,
      detectors: [
        { detector: 'consensus', score: 0.05, metric: 'block_lag', value: 2, baseline: 2.5, unit: 'blocks', reason: 'block lag 2 within limit 10' },
        { detector: 'hardware', score: 0.1, metric: 'gpu_util_pct', value: 55, baseline: 52, unit: '%', reason: 'GPU 55 % near baseline 52 %' },
        { detector: 'storage', score: 0.02, metric: 'disk_write_latency_ms', value: 3.1, baseline: 3, unit: 'ms', reason: 'disk write latency 3.1 ms normal' },
        { detector: 'p2p', score: 0.04, metric: 'peers', value: 38, baseline: 40, unit: 'peers', reason: '38 peers, baseline 40' },
      ],
      composite: {
        score: 18.5,
        band: 'ok',
        contributions: [
          { detector: 'consensus', weight: 0.35, score: 0.05, contribution: 4 },
          { detector: 'hardware', weight: 0.25, score: 0.1, contribution: 6 },
          { detector: 'storage', weight: 0.2, score: 0.02, contribution: 2 },
          { detector: 'p2p', weight: 0.2, score: 0.04, contribution: 6.5 },
        ],
      },
      trend: trend(10),
    },
    {
      cluster: 'local',
      namespace: 'validators',
      node: 'validator-alpha-1',
      component: 'validator-alpha',
      lastSeen: '2026-11-21T11:55:00.000Z',
      stale: false,
      detectors: [
        { detector: 'consensus', score: 0.8, metric: 'block_lag', value: 42, baseline: 3, unit: 'blocks', reason: 'block lag 42 above limit 10 (baseline 3)' },
        { detector: 'hardware', score: 0.3, metric: 'gpu_temp_c', value: 81, baseline: 70, unit: '°C', reason: 'GPU 81 °C above baseline 70 °C' },
        { detector: 'storage', score: 0.1, metric: 'disk_write_latency_ms', value: 9, baseline: 4, unit: 'ms', reason: 'disk write latency 9 ms, baseline 4 ms' },
        { detector: 'p2p', score: 0.9, metric: 'peers', value: 3, baseline: 35, unit: 'peers', reason: '3 peers against baseline 35: possible eclipse' },
      ],
      composite: {
        score: 82.4,
        band: 'critical',
        contributions: [
          { detector: 'consensus', weight: 0.35, score: 0.8, contribution: 35.1 },
          { detector: 'hardware', weight: 0.25, score: 0.3, contribution: 8.2 },
          { detector: 'storage', weight: 0.2, score: 0.1, contribution: 2.1 },
          { detector: 'p2p', weight: 0.2, score: 0.9, contribution: 37 },
        ],
      },
      trend: trend(60),
    },
  ],
  errors: [],
};

export const driftResponse: DriftResponse = {
  entityRef: 'component:default/validator-alpha',
  infrastructure: {
    lastCheckedAt: '2026-11-21T06:00:00.000Z',
    status: 'drifted',
    environments: [
      {
        environment: 'production',
        status: 'drifted',
        exitCode: 2,
        checkedAt: '2026-11-21T06:00:00.000Z',
        driftedResources: [
          { address: 'aws_security_group.validator_p2p', type: 'aws_security_group', actions: ['update'], actionReason: null },
        ],
        plannedChanges: [],
        actionCounts: { update: 1 },
      },
      {
        environment: 'staging',
        status: 'in-sync',
        exitCode: 0,
        checkedAt: '2026-11-21T05:00:00.000Z',
        driftedResources: [],
        plannedChanges: [],
        actionCounts: {},
      },
    ],
  },
  gitops: {
    lastCheckedAt: '2026-11-21T11:58:00.000Z',
    status: 'synced',
    applications: [
      { name: 'validator-alpha', namespace: 'argocd', cluster: 'local', syncStatus: 'Synced', healthStatus: 'Healthy', revision: '4f1c2ab', operationPhase: 'Succeeded' },
    ],
  },
  data: {
    lastCheckedAt: '2026-11-21T11:55:00.000Z',
    status: 'moderate',
    thresholds: { psiModerate: 0.1, psiSignificant: 0.25, ksAlpha: 0.05, minSamples: 50 },
    series: [
      { node: 'validator-alpha-1', metric: 'disk_write_latency_ms', psi: 0.18, ks: 0.21, jsDistance: 0.19, ksCritical: 0.08, ksRejects: true, currentCount: 288, baselineCount: 2016, status: 'moderate' },
      { node: 'validator-alpha-0', metric: 'peers', psi: 0.02, ks: 0.04, jsDistance: 0.03, ksCritical: 0.08, ksRejects: false, currentCount: 288, baselineCount: 2016, status: 'stable' },
    ],
  },
  generatedAt: GENERATED_AT,
  errors: [],
};

export const costResponse: CostResponse = {
  costCenter: 'cc-platform',
  entityRef: 'component:default/validator-alpha',
  environments: [
    {
      environment: 'production',
      repository: 'goldenpath-demo/validator-alpha',
      pullRequest: 128,
      reportedAt: '2026-11-20T15:00:00.000Z',
      currency: 'USD',
      pastMonthlyCost: 1840.5,
      totalMonthlyCost: 2315.25,
      diffMonthlyCost: 474.75,
      budget: { soft_fail_usd: 100, approval_usd: 400, pr_delta_usd: 1000, absolute_usd: 5000 },
      status: 'needs-approval',
      approved: false,
      reason: 'monthly increase $474.75 is above the approval threshold $400',
      projectErrors: 0,
    },
    {
      environment: 'staging',
      repository: 'goldenpath-demo/validator-alpha',
      pullRequest: 128,
      reportedAt: '2026-11-20T15:00:00.000Z',
      currency: 'USD',
      pastMonthlyCost: 410,
      totalMonthlyCost: 432.1,
      diffMonthlyCost: 22.1,
      budget: { soft_fail_usd: 100 },
      status: 'within',
      approved: false,
      reason: 'monthly increase $22.10 is within budget',
      projectErrors: 0,
    },
  ],
  history: [
    { month: '2026-09', environment: 'production', totalMonthlyCost: 1720 },
    { month: '2026-10', environment: 'production', totalMonthlyCost: 1840.5 },
    { month: '2026-11', environment: 'production', totalMonthlyCost: 2315.25 },
    { month: '2026-10', environment: 'staging', totalMonthlyCost: 410 },
    { month: '2026-11', environment: 'staging', totalMonthlyCost: 432.1 },
  ],
  topChangedResources: [
    { environment: 'production', project: 'infra/production', name: 'aws_instance.validator_gpu[1]', resourceType: 'aws_instance', pastMonthlyCost: 0, monthlyCost: 412.5, diffMonthlyCost: 412.5 },
    { environment: 'production', project: 'infra/production', name: 'aws_ebs_volume.chain_data', resourceType: 'aws_ebs_volume', pastMonthlyCost: 120, monthlyCost: 182.25, diffMonthlyCost: 62.25 },
  ],
  generatedAt: GENERATED_AT,
  errors: [],
};

export function doraResponse(windowDays = 30, to = GENERATED_AT): DoraResponse {
  return {
    entityRef: 'component:default/validator-alpha',
    repository: 'goldenpath-demo/validator-alpha',
    productionEnvironment: 'production',
    window: {
      days: windowDays,
      from: new Date(Date.parse(to) - windowDays * 86_400_000).toISOString(),
      to,
    },
    bands: { year: 2024, title: 'Accelerate State of DevOps Report 2024', source: 'https://dora.dev/research/2024/dora-report/' },
    metrics: {
      leadTimeForChanges: {
        value: 20.5, unit: 'hours', complete: true, sampleSize: 41, band: { band: 'high', label: 'Between one day and one week' },
        medianHours: 20.5, p90Hours: 70, excludedBotPullRequests: 6,
      },
      deploymentFrequency: {
        value: 4.2, unit: 'deployments/week', complete: true, sampleSize: 18, band: { band: 'elite', label: 'On demand (multiple deploys per day)' },
        deployments: 18, deploymentDays: 14, deploymentsPerWeek: 4.2, deploymentDaysPerWeek: 3.3,
      },
      changeFailureRate: {
        value: 0.22, unit: 'fraction', complete: true, sampleSize: 18, band: { band: 'medium', label: '16% to 30%' },
        totalDeployments: 18, failedDeployments: 4, remediatedDeployments: 3,
      },
      timeToRestoreService: {
        value: null, unit: 'hours', complete: false, missing: 'no incidents closed in the window', sampleSize: 0, band: null,
        medianHours: null, incidentsRestored: 0, failedDeploymentsRecovered: 0,
      },
    },
    autoMergeRevocation: { revoke: true, changeFailureRate: 0.22, threshold: 0.15, windowDays: 30, complete: true },
    generatedAt: GENERATED_AT,
    errors: [],
  };
}
