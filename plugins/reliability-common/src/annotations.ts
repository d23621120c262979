/**
 * Entity annotations read by the Goldenpath reliability plugins.
 *
 * The Kubernetes ones are the annotations the official Backstage Kubernetes
 * plugin already uses, so an entity is configured once for both.
 *
 * @public
 */
export const ANNOTATIONS = {
  /** Value of the `backstage.io/kubernetes-id` label on the entity's objects. */
  KUBERNETES_ID: 'backstage.io/kubernetes-id',
  /** A Kubernetes label selector; takes precedence over `KUBERNETES_ID`. */
  KUBERNETES_LABEL_SELECTOR: 'backstage.io/kubernetes-label-selector',
  /** Limits the entity's Kubernetes objects to one namespace. */
  KUBERNETES_NAMESPACE: 'backstage.io/kubernetes-namespace',
  /** `owner/repo` of the entity's GitHub repository (DORA, cost, drift). */
  GITHUB_PROJECT_SLUG: 'github.com/project-slug',
  /** Name of the Argo CD `Application` that deploys the entity (GitOps drift). */
  ARGOCD_APP_NAME: 'argocd/app-name',
  /** Argo CD namespace of that Application, defaults to `argocd`. */
  ARGOCD_APP_NAMESPACE: 'argocd/app-namespace',
  /** Name of the environment counted as production for DORA, defaults to `production`. */
  PRODUCTION_ENVIRONMENT: 'goldenpath.dev/production-environment',
  /** Cost center of the entity, as in the Terraform `cost_center` tag. */
  COST_CENTER: 'goldenpath.dev/cost-center',
} as const;

/**
 * Value of the component label that links telemetry rows and Kubernetes
 * objects to a catalog entity: the `backstage.io/kubernetes-id` annotation.
 *
 * @param entity - any object with `metadata.annotations`
 * @returns the kubernetes id, or `undefined` when the entity has none
 * @public
 */
export function getKubernetesId(entity: {
  metadata: { annotations?: Record<string, string> };
}): string | undefined {
  const value = entity.metadata.annotations?.[ANNOTATIONS.KUBERNETES_ID];
  return value && value.trim() !== '' ? value.trim() : undefined;
}
