// Secrets (service principal credentials) and TokenReview (/host/token callers), through libs/kube's
// KubeHttp (the same client the informers use).
import type { V1Secret, V1TokenReview } from '@kubernetes/client-node';
import { isNotFound, type KubeHttp } from '@pod-identity/kube';
import type { ReviewResult } from '../http/host-token';
import type { SecretReader } from '../tokens/token-service';

const segment = encodeURIComponent;

export function kubeSecretReader(http: KubeHttp): SecretReader {
  return async (namespace, name) => {
    let secret: V1Secret;
    try {
      secret = await http.request<V1Secret>({ method: 'GET', path: `/api/v1/namespaces/${segment(namespace)}/secrets/${segment(name)}` });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const out: Record<string, Buffer> = {};
    for (const [key, value] of Object.entries(secret.data ?? {})) out[key] = Buffer.from(value, 'base64');
    for (const [key, value] of Object.entries(secret.stringData ?? {})) out[key] ??= Buffer.from(value, 'utf8');
    return out;
  };
}

export function kubeTokenReviewer(http: KubeHttp, audiences: readonly string[]): (token: string) => Promise<ReviewResult> {
  return async (token) => {
    const review = await http.request<V1TokenReview>({
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/tokenreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: [...audiences] } },
    });
    const status = review.status;
    const audienceOk = audiences.length === 0 || (status?.audiences ?? []).some((a) => audiences.includes(a));
    return { authenticated: status?.authenticated === true && audienceOk, username: status?.user?.username };
  };
}
