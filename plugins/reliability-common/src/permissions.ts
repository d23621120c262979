import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/**
 * Read live node health (Kubernetes objects and ValidatorNode status) of an entity.
 * @public
 */
export const reliabilityHealthReadPermission = createPermission({
  name: 'reliability.health.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Read risk scores of an entity's nodes (and the fleet ranking).
 * @public
 */
export const reliabilityRiskReadPermission = createPermission({
  name: 'reliability.risk.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Read DORA metrics of an entity.
 * @public
 */
export const reliabilityDoraReadPermission = createPermission({
  name: 'reliability.dora.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Read cost deltas of an entity.
 * @public
 */
export const reliabilityCostReadPermission = createPermission({
  name: 'reliability.cost.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Read drift state of an entity.
 * @public
 */
export const reliabilityDriftReadPermission = createPermission({
  name: 'reliability.drift.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Read the fleet-wide ranking of riskiest nodes (not bound to one entity).
 * @public
 */
export const reliabilityFleetReadPermission = createPermission({
  name: 'reliability.fleet.read',
  attributes: { action: 'read' },
});

/**
 * Every permission of the reliability plugin, for `permissionsRegistry.addPermissions`.
 * @public
 */
export const reliabilityPermissions = [
  reliabilityHealthReadPermission,
  reliabilityRiskReadPermission,
  reliabilityDoraReadPermission,
  reliabilityCostReadPermission,
  reliabilityDriftReadPermission,
  reliabilityFleetReadPermission,
];
