import { z } from 'zod';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { compatWrapper } from '@backstage/core-compat-api';
import type { DoraWindowDays } from '@goldenpath/plugin-reliability-common';
import { reliabilityApiRef, ReliabilityClient } from './api';
import {
  isCostDeltaAvailable,
  isDoraMetricsAvailable,
  isDriftAvailable,
  isNodeHealthAvailable,
  isReliabilityAvailable,
  isRiskScoreAvailable,
} from './predicates';

/**
 * `api:reliability`: {@link ReliabilityClient} on the app's discovery and fetch APIs.
 * @alpha
 */
export const reliabilityApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: reliabilityApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new ReliabilityClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * `entity-card:reliability/node-health`, shown on entities with a Kubernetes annotation
 * (override with the `filter` config).
 * @alpha
 */
export const entityNodeHealthCard = EntityCardBlueprint.make({
  name: 'node-health',
  params: {
    filter: isNodeHealthAvailable,
    loader: () =>
      import('./components/NodeHealthCard').then(m => compatWrapper(<m.NodeHealthCard />)),
  },
});

/**
 * `entity-card:reliability/risk-score`, shown on entities with `backstage.io/kubernetes-id`.
 * @alpha
 */
export const entityRiskScoreCard = EntityCardBlueprint.make({
  name: 'risk-score',
  params: {
    filter: isRiskScoreAvailable,
    loader: () =>
      import('./components/RiskScoreCard').then(m => compatWrapper(<m.RiskScoreCard />)),
  },
});

/**
 * `entity-card:reliability/drift`, shown on entities with `github.com/project-slug` or `argocd/app-name`.
 * @alpha
 */
export const entityDriftCard = EntityCardBlueprint.make({
  name: 'drift',
  params: {
    filter: isDriftAvailable,
    loader: () => import('./components/DriftCard').then(m => compatWrapper(<m.DriftCard />)),
  },
});

/**
 * `entity-card:reliability/cost-delta`, shown on entities with `github.com/project-slug`.
 * @alpha
 */
export const entityCostDeltaCard = EntityCardBlueprint.make({
  name: 'cost-delta',
  params: {
    filter: isCostDeltaAvailable,
    loader: () =>
      import('./components/CostDeltaCard').then(m => compatWrapper(<m.CostDeltaCard />)),
  },
});

/**
 * `entity-card:reliability/dora-metrics`, shown on entities with `github.com/project-slug`.
 * Config: `windowDays` (7, 30, 90 or 365; default 30), the window the card opens with.
 * @alpha
 */
export const entityDoraMetricsCard = EntityCardBlueprint.makeWithOverrides({
  name: 'dora-metrics',
  configSchema: {
    windowDays: z.union([z.literal(7), z.literal(30), z.literal(90), z.literal(365)]).optional(),
  },
  factory(originalFactory, { config }) {
    return originalFactory({
      filter: isDoraMetricsAvailable,
      loader: () =>
        import('./components/DoraMetricsCard').then(m =>
          compatWrapper(
            <m.DoraMetricsCard windowDays={config.windowDays as DoraWindowDays | undefined} />,
          ),
        ),
    });
  },
});

/**
 * `entity-content:reliability/reliability`: the Reliability tab at `/reliability`.
 * @alpha
 */
export const entityReliabilityContent = EntityContentBlueprint.make({
  name: 'reliability',
  params: {
    path: '/reliability',
    title: 'Reliability',
    filter: isReliabilityAvailable,
    loader: () =>
      import('./components/EntityReliabilityContent').then(m =>
        compatWrapper(<m.EntityReliabilityContent />),
      ),
  },
});

/**
 * The Goldenpath reliability plugin for the new frontend system: the API, five entity
 * cards and the Reliability tab.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'reliability',
  extensions: [
    reliabilityApi,
    entityNodeHealthCard,
    entityRiskScoreCard,
    entityDriftCard,
    entityCostDeltaCard,
    entityDoraMetricsCard,
    entityReliabilityContent,
  ],
});
