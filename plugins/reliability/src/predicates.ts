import type { Entity } from '@backstage/catalog-model';
import { ANNOTATIONS } from '@goldenpath/plugin-reliability-common';

function has(entity: Entity, annotation: string): boolean {
  return Boolean(entity.metadata.annotations?.[annotation]?.trim());
}

/**
 * Annotations each card reads; a card without any of its annotations shows
 * which one to add.
 *
 * @public
 */
export const CARD_ANNOTATIONS = {
  nodeHealth: [ANNOTATIONS.KUBERNETES_ID, ANNOTATIONS.KUBERNETES_LABEL_SELECTOR],
  riskScore: [ANNOTATIONS.KUBERNETES_ID],
  drift: [ANNOTATIONS.GITHUB_PROJECT_SLUG, ANNOTATIONS.ARGOCD_APP_NAME],
  costDelta: [ANNOTATIONS.GITHUB_PROJECT_SLUG],
  doraMetrics: [ANNOTATIONS.GITHUB_PROJECT_SLUG],
} as const;

/**
 * True when the entity has `backstage.io/kubernetes-id` or `backstage.io/kubernetes-label-selector`.
 * @public
 */
export const isNodeHealthAvailable = (entity: Entity): boolean =>
  CARD_ANNOTATIONS.nodeHealth.some(a => has(entity, a));

/**
 * True when the entity has `backstage.io/kubernetes-id` (the component label of its telemetry).
 * @public
 */
export const isRiskScoreAvailable = (entity: Entity): boolean =>
  CARD_ANNOTATIONS.riskScore.some(a => has(entity, a));

/**
 * True when the entity has `github.com/project-slug` or `argocd/app-name`.
 * @public
 */
export const isDriftAvailable = (entity: Entity): boolean =>
  CARD_ANNOTATIONS.drift.some(a => has(entity, a));

/**
 * True when the entity has `github.com/project-slug`.
 * @public
 */
export const isCostDeltaAvailable = (entity: Entity): boolean =>
  CARD_ANNOTATIONS.costDelta.some(a => has(entity, a));

/**
 * True when the entity has `github.com/project-slug`.
 * @public
 */
export const isDoraMetricsAvailable = (entity: Entity): boolean =>
  CARD_ANNOTATIONS.doraMetrics.some(a => has(entity, a));

/**
 * True when at least one card has its annotations: the Reliability tab's filter.
 * @public
 */
export const isReliabilityAvailable = (entity: Entity): boolean =>
  isNodeHealthAvailable(entity) ||
  isRiskScoreAvailable(entity) ||
  isDriftAvailable(entity) ||
  isCostDeltaAvailable(entity) ||
  isDoraMetricsAvailable(entity);
