// Secrets (service principal credentials), TokenReview (/host/token callers) and TokenRequest (federated
// backend), through libs/kube's KubeHttp (the same client the informers use).
import type { V1Secret, AuthenticationV1TokenRequest, V1TokenReview } from '@kubernetes/client-node';
import { isNotFound, type KubeHttp } from '@pod-identity/kube';
import type { ReviewResult } from '../http/host-token';
import type { ServiceAccountTokenMinter } from '../tokens/federated-source';
import type { SecretReader } from '../tokens/token-service';

const segment = encodeURIComponent;

export function kubeSecretReader(http: KubeHttp): SecretReader {
  return async (namespace, name) => {
    let secret: V1Secret;
    try {
      secret = await http.request<V1Secret>({
        method: 'GET',
        path: `/api/v1/namespaces/${segment(namespace)}/secrets/${segment(name)}`,
      });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const out: Record<string, Buffer> = {};
    for (const [key, value] of Object.entries(secret.data ?? {})) out[key] = Buffer.from(value, 'base64');
    for (const [key, value] of Object.entries(secret.stringData ?? {}))
      out[key] ??= Buffer.from(value, 'utf8');
    return out;
  };
}

export function kubeTokenReviewer(
  http: KubeHttp,
  audiences: readonly string[],
): (token: string) => Promise<ReviewResult> {
  return async (token) => {
    const review = await http.request<V1TokenReview>({
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/tokenreviews',
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token, audiences: [...audiences] },
      },
    });
    const status = review.status;
    const audienceOk = audiences.length === 0 || (status?.audiences ?? []).some((a) => audiences.includes(a));
    return { authenticated: status?.authenticated === true && audienceOk, username: status?.user?.username };
  };
}

/**
 * TokenRequest for the pod's own ServiceAccount, bound to the pod (federated backend, docs/adr/0010).
 * NMI needs `create` on `serviceaccounts/token`; the token never reaches a log line.
 */
export function kubeServiceAccountTokenMinter(http: KubeHttp): ServiceAccountTokenMinter {
  return async (req) => {
    const answer = await http.request<AuthenticationV1TokenRequest>({
      method: 'POST',
      path: `/api/v1/namespaces/${segment(req.namespace)}/serviceaccounts/${segment(req.serviceAccount)}/token`,
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: {
          audiences: [req.audience],
          expirationSeconds: req.expirationSeconds,
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: req.podName, uid: req.podUid },
        },
      },
      timeoutMs: req.timeoutMs,
    });
    const token = answer.status?.token;
    if (!token) throw new Error('TokenRequest answered without a token');
    return token;
  };
}
