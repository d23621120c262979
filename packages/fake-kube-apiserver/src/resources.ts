/**
 * A resource type the fake API server serves, as discovery describes it.
 *
 * @public
 */
export interface ResourceType {
  /** API group, `''` for the core group. */
  group: string;
  version: string;
  /** Plural lower-case name used in URLs, e.g. `pods`. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  /** Served subresources; only `status` is implemented. */
  subresources?: Array<'status'>;
  shortNames?: string[];
  /**
   * Whether list items keep `kind`/`apiVersion`. kube-apiserver strips them
   * from built-in list items but custom resources keep them.
   */
  listItemsKeepTypeMeta?: boolean;
}

/**
 * `apiVersion` of a resource type: `v1` for core, `<group>/<version>` otherwise.
 *
 * @public
 */
export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>) {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/**
 * Resource types served out of the box: what the reliability backend and the
 * validator operator use, plus a few common ones.
 *
 * @public
 */
export const DEFAULT_RESOURCE_TYPES: ResourceType[] = [
  core('pods', 'pod', 'Pod', true, ['po']),
  core('nodes', 'node', 'Node', false, ['no']),
  core('namespaces', 'namespace', 'Namespace', false, ['ns']),
  core('events', 'event', 'Event', true, ['ev'], false),
  core(
    'persistentvolumeclaims',
    'persistentvolumeclaim',
    'PersistentVolumeClaim',
    true,
    ['pvc'],
  ),
  core('persistentvolumes', 'persistentvolume', 'PersistentVolume', false, [
    'pv',
  ]),
  core('services', 'service', 'Service', true, ['svc']),
  core('configmaps', 'configmap', 'ConfigMap', true, ['cm'], false),
  core('secrets', 'secret', 'Secret', true, [], false),
  core(
    'serviceaccounts',
    'serviceaccount',
    'ServiceAccount',
    true,
    ['sa'],
    false,
  ),
  {
    group: 'apps',
    version: 'v1',
    resource: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
    subresources: ['status'],
    shortNames: ['sts'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    subresources: ['status'],
    shortNames: ['deploy'],
  },
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    resource: 'leases',
    singular: 'lease',
    kind: 'Lease',
    namespaced: true,
  },
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    resource: 'customresourcedefinitions',
    singular: 'customresourcedefinition',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    subresources: ['status'],
    shortNames: ['crd', 'crds'],
  },
  {
    group: 'validators.goldenpath.dev',
    version: 'v1alpha1',
    resource: 'validatornodes',
    singular: 'validatornode',
    kind: 'ValidatorNode',
    namespaced: true,
    subresources: ['status'],
    shortNames: ['vn'],
    listItemsKeepTypeMeta: true,
  },
  {
    group: 'argoproj.io',
    version: 'v1alpha1',
    resource: 'applications',
    singular: 'application',
    kind: 'Application',
    namespaced: true,
    shortNames: ['app', 'apps'],
    listItemsKeepTypeMeta: true,
  },
];

function core(
  resource: string,
  singular: string,
  kind: string,
  namespaced: boolean,
  shortNames: string[],
  hasStatus = true,
): ResourceType {
  return {
    group: '',
    version: 'v1',
    resource,
    singular,
    kind,
    namespaced,
    shortNames,
    subresources: hasStatus ? ['status'] : [],
  };
}
