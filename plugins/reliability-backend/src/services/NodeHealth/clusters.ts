import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import fs from 'node:fs';
import type { HealthError } from '@goldenpath/plugin-reliability-common';

/** Where Kubernetes mounts a pod's service account token (used when the config has none). */
const IN_CLUSTER_TOKEN_PATH =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';
const IN_CLUSTER_CA_PATH =
  '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';

/**
 * One cluster of `kubernetes.clusterLocatorMethods[type=config].clusters`, the
 * same shape the official Backstage Kubernetes plugin reads.
 * @public
 */
export interface ClusterSpec {
  name: string;
  url: string;
  authProvider: string;
  /** Bearer token; never logged. */
  serviceAccountToken?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
}

/**
 * Clusters read from config, and problems to show next to the data.
 * @public
 */
export interface ClusterConfigResult {
  clusters: ClusterSpec[];
  problems: HealthError[];
}

/**
 * Reads clusters from `kubernetes.clusterLocatorMethods` (type `config`).
 *
 * Only `authProvider: serviceAccount` works for shared, backend-side informers;
 * other providers (user-delegated `google`, `oidc`, `aws`…) and other locator
 * types are reported as `CONFIG_ERROR` problems. `kubernetes.serviceLocatorMethod`
 * `multiTenant` (every entity is looked up in every cluster) is what this service
 * does; another type is reported and otherwise treated as multiTenant. Without
 * `serviceAccountToken` the pod's own token file is used when it exists, as
 * the Kubernetes plugin does.
 *
 * @public
 */
export function readClusterConfig(config: Config): ClusterConfigResult {
  const problems: HealthError[] = [];
  const clusters: ClusterSpec[] = [];
  const locatorType = config.getOptionalString(
    'kubernetes.serviceLocatorMethod.type',
  );
  if (locatorType && locatorType !== 'multiTenant') {
    problems.push({
      source: 'config',
      errorType: 'CONFIG_ERROR',
      message: `kubernetes.serviceLocatorMethod.type '${locatorType}' is not supported by node health; every configured cluster is queried (multiTenant)`,
    });
  }
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  for (const method of methods) {
    const type = method.getString('type');
    if (type !== 'config') {
      problems.push({
        source: 'config',
        errorType: 'CONFIG_ERROR',
        message: `kubernetes.clusterLocatorMethods type '${type}' is not supported by node health; list clusters with type 'config'`,
      });
      continue;
    }
    for (const c of method.getOptionalConfigArray('clusters') ?? []) {
      const name = c.getString('name');
      const authProvider =
        c.getOptionalString('authProvider') ?? 'serviceAccount';
      if (authProvider !== 'serviceAccount') {
        problems.push({
          source: 'config',
          cluster: name,
          errorType: 'CONFIG_ERROR',
          message: `Cluster ${name} uses authProvider '${authProvider}'; node health needs 'serviceAccount' with a read-only token (user-delegated credentials cannot feed shared informers)`,
        });
        continue;
      }
      let token = c.getOptionalString('serviceAccountToken');
      let caFile = c.getOptionalString('caFile');
      if (!token && fs.existsSync(IN_CLUSTER_TOKEN_PATH)) {
        token = fs.readFileSync(IN_CLUSTER_TOKEN_PATH, 'utf8').trim();
        if (
          !caFile &&
          !c.getOptionalString('caData') &&
          fs.existsSync(IN_CLUSTER_CA_PATH)
        ) {
          caFile = IN_CLUSTER_CA_PATH;
        }
      }
      if (!token) {
        problems.push({
          source: 'config',
          cluster: name,
          errorType: 'CONFIG_ERROR',
          message: `Cluster ${name} has no serviceAccountToken (and the backend does not run in a pod with a mounted token)`,
        });
        continue;
      }
      clusters.push({
        name,
        url: c.getString('url'),
        authProvider,
        serviceAccountToken: token,
        caData: c.getOptionalString('caData'),
        caFile,
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
      });
    }
  }
  return { clusters, problems };
}

/**
 * A `KubeConfig` for one cluster with its service account token.
 * `@kubernetes/client-node` refuses `http://` URLs unless `skipTLSVerify` is set.
 * @public
 */
export function kubeConfigFor(cluster: ClusterSpec): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(
    {
      name: cluster.name,
      server: cluster.url,
      skipTLSVerify: cluster.skipTLSVerify,
      ...(cluster.caData ? { caData: cluster.caData } : {}),
      ...(cluster.caFile ? { caFile: cluster.caFile } : {}),
    },
    { name: 'backstage-reliability', token: cluster.serviceAccountToken },
  );
  return kc;
}
