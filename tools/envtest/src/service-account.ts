import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';

export interface ServiceAccountTokenOptions {
  readonly audiences?: readonly string[];
  readonly expirationSeconds?: number;
}

/** Issues a token for a ServiceAccount through the TokenRequest API (the SA must exist). */
export async function requestServiceAccountToken(
  adminKubeConfig: KubeConfig,
  namespace: string,
  name: string,
  options: ServiceAccountTokenOptions = {},
): Promise<string> {
  const core = adminKubeConfig.makeApiClient(CoreV1Api);
  const tr = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        audiences: options.audiences ? [...options.audiences] : [],
        expirationSeconds: options.expirationSeconds ?? 3600,
      },
    },
  });
  const token = tr.status?.token;
  if (!token) throw new Error(`TokenRequest for ${namespace}/${name} returned no token`);
  return token;
}

/**
 * A KubeConfig that acts as the given ServiceAccount (so RBAC really applies), built from a TokenRequest
 * made with the admin KubeConfig. The cluster entry (server, CA) is copied from the admin config.
 */
export async function serviceAccountKubeConfig(
  adminKubeConfig: KubeConfig,
  namespace: string,
  name: string,
  options: ServiceAccountTokenOptions = {},
): Promise<KubeConfig> {
  const token = await requestServiceAccountToken(adminKubeConfig, namespace, name, options);
  const cluster = adminKubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('admin KubeConfig has no current cluster');
  const kc = new KubeConfig();
  const user = `system:serviceaccount:${namespace}:${name}`;
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: user, token }],
    contexts: [{ name: user, cluster: cluster.name, user, namespace }],
    currentContext: user,
  });
  return kc;
}
