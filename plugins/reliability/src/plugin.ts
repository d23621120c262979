import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { reliabilityApiRef, ReliabilityClient } from './api';

/**
 * Route of the Reliability entity tab (legacy frontend system).
 * @public
 */
export const reliabilityContentRouteRef = createRouteRef({ id: 'reliability:entity-content' });

/**
 * The Goldenpath reliability frontend plugin (legacy frontend system): registers
 * {@link ReliabilityClient} as `reliabilityApiRef` and provides the cards.
 * @public
 */
export const reliabilityPlugin = createPlugin({
  id: 'reliability',
  apis: [
    createApiFactory({
      api: reliabilityApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new ReliabilityClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { entityContent: reliabilityContentRouteRef },
});

/**
 * Node health card (legacy); show it with `isNodeHealthAvailable`.
 * @public
 */
export const EntityNodeHealthCard = reliabilityPlugin.provide(
  createComponentExtension({
    name: 'EntityNodeHealthCard',
    component: {
      lazy: () => import('./components/NodeHealthCard').then(m => m.NodeHealthCard),
    },
  }),
);

/**
 * Risk score card (legacy); show it with `isRiskScoreAvailable`.
 * @public
 */
export const EntityRiskScoreCard = reliabilityPlugin.provide(
  createComponentExtension({
    name: 'EntityRiskScoreCard',
    component: {
      lazy: () => import('./components/RiskScoreCard').then(m => m.RiskScoreCard),
    },
  }),
);

/**
 * Drift card (legacy); show it with `isDriftAvailable`.
 * @public
 */
export const EntityDriftCard = reliabilityPlugin.provide(
  createComponentExtension({
    name: 'EntityDriftCard',
    component: {
      lazy: () => import('./components/DriftCard').then(m => m.DriftCard),
    },
  }),
);

/**
 * Cost delta card (legacy); show it with `isCostDeltaAvailable`.
 * @public
 */
export const EntityCostDeltaCard = reliabilityPlugin.provide(
  createComponentExtension({
    name: 'EntityCostDeltaCard',
    component: {
      lazy: () => import('./components/CostDeltaCard').then(m => m.CostDeltaCard),
    },
  }),
);

/**
 * DORA metrics card (legacy); show it with `isDoraMetricsAvailable`.
 * @public
 */
export const EntityDoraMetricsCard = reliabilityPlugin.provide(
  createComponentExtension({
    name: 'EntityDoraMetricsCard',
    component: {
      lazy: () => import('./components/DoraMetricsCard').then(m => m.DoraMetricsCard),
    },
  }),
);

/**
 * The Reliability entity tab (legacy): `<EntityLayout.Route path="/reliability" title="Reliability"
 * if={isReliabilityAvailable}><EntityReliabilityContent /></EntityLayout.Route>`.
 * @public
 */
export const EntityReliabilityContent = reliabilityPlugin.provide(
  createRoutableExtension({
    name: 'EntityReliabilityContent',
    mountPoint: reliabilityContentRouteRef,
    component: () =>
      import('./components/EntityReliabilityContent').then(m => m.EntityReliabilityContent),
  }),
);
