import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  getKubernetesId,
  parseLabelSelector,
} from '@goldenpath/plugin-reliability-common';

/**
 * Which Kubernetes objects belong to an entity: a label selector and an
 * optional namespace, from the Kubernetes plugin's annotations.
 * @public
 */
export interface EntitySelector {
  /** Label selector text, e.g. `backstage.io/kubernetes-id=validator-alpha`. */
  labelSelector: string;
  namespace?: string;
  /** Set when the selector is exactly `backstage.io/kubernetes-id=<id>` (index lookups). */
  kubernetesId?: string;
  matches(object: {
    metadata?: { namespace?: string; labels?: Record<string, string> };
  }): boolean;
}

/**
 * The entity's selector: `backstage.io/kubernetes-label-selector` when set, else
 * `backstage.io/kubernetes-id=<id>`; limited to `backstage.io/kubernetes-namespace`
 * when present.
 *
 * @returns undefined when the entity has neither annotation
 * @throws LabelSelectorError (from `@goldenpath/plugin-reliability-common`) for a malformed
 *   `backstage.io/kubernetes-label-selector` annotation
 * @public
 */
export function entitySelector(entity: Entity): EntitySelector | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const custom = annotations[ANNOTATIONS.KUBERNETES_LABEL_SELECTOR]?.trim();
  const id = getKubernetesId(entity);
  const labelSelector =
    custom || (id ? `${ANNOTATIONS.KUBERNETES_ID}=${id}` : undefined);
  if (!labelSelector) return undefined;
  const namespace =
    annotations[ANNOTATIONS.KUBERNETES_NAMESPACE]?.trim() || undefined;
  const labels = parseLabelSelector(labelSelector);
  return {
    labelSelector,
    namespace,
    kubernetesId: custom ? undefined : id,
    matches: object =>
      (!namespace || object.metadata?.namespace === namespace) &&
      labels(object.metadata?.labels),
  };
}
