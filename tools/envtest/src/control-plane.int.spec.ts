// The shared control plane behaves like a cluster: version, RBAC, TokenRequest + served JWKS,
// optimistic concurrency.
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { CoreV1Api, RbacAuthorizationV1Api, VersionApi, type KubeConfig } from '@kubernetes/client-node';
import { readVersions } from './binaries';
import { testNamespace } from './jest/test-namespace';
import { httpGet } from './readiness';
import { requestServiceAccountToken, serviceAccountKubeConfig } from './service-account';
import { apiFailure } from './testing/api-error';

const ns = testNamespace();

/** GET on the apiserver with the admin credentials of a KubeConfig. */
async function adminGet(kc: KubeConfig, path: string): Promise<{ status: number; body: string }> {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (!cluster || !user?.token || !cluster.caData) throw new Error('kubeconfig lacks server, token or CA');
  return httpGet(`${cluster.server}${path}`, {
    token: user.token,
    ca: Buffer.from(cluster.caData, 'base64').toString('utf8'),
  });
}

const b64url = (s: string) => Buffer.from(s, 'base64url');

describe('envtest control plane', () => {
  it('answers /readyz and reports the pinned Kubernetes version', async () => {
    const readyz = await adminGet(ns.kubeConfig, '/readyz');
    expect(readyz).toEqual({ status: 200, body: 'ok' });
    const version = await ns.kubeConfig.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toBe(`v${readVersions().kube}`);
  });

  it('enforces RBAC for a ServiceAccount until a RoleBinding grants access', async () => {
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({ namespace: ns.name, body: { metadata: { name: 'reader' } } });
    const asReader = await serviceAccountKubeConfig(ns.kubeConfig, ns.name, 'reader');
    const readerCore = asReader.makeApiClient(CoreV1Api);

    const denied = await apiFailure(readerCore.listNamespacedConfigMap({ namespace: ns.name }));
    expect(denied.code).toBe(403);
    expect(denied.message).toContain(`system:serviceaccount:${ns.name}:reader`);

    const rbac = ns.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: ns.name,
      body: {
        metadata: { name: 'configmap-reader' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: ns.name,
      body: {
        metadata: { name: 'reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns.name }],
      },
    });
    await expect(readerCore.listNamespacedConfigMap({ namespace: ns.name })).resolves.toHaveProperty('items');
    // Still no write access.
    const noWrite = await apiFailure(
      readerCore.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'x' } } }),
    );
    expect(noWrite.code).toBe(403);
  });

  it('issues TokenRequest tokens that verify against the served JWKS', async () => {
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({
      namespace: ns.name,
      body: { metadata: { name: 'workload' } },
    });
    const token = await requestServiceAccountToken(ns.kubeConfig, ns.name, 'workload', {
      audiences: ['api://AzureADTokenExchange'],
      expirationSeconds: 600,
    });

    const discovery = await adminGet(ns.kubeConfig, '/.well-known/openid-configuration');
    expect(discovery.status).toBe(200);
    const config = JSON.parse(discovery.body) as { issuer: string; jwks_uri: string };
    const jwksRes = await adminGet(ns.kubeConfig, new URL(config.jwks_uri).pathname);
    expect(jwksRes.status).toBe(200);
    const jwks = JSON.parse(jwksRes.body) as { keys: (JsonWebKey & { kid: string })[] };

    const [headerB64, payloadB64, signatureB64] = token.split('.');
    const header = JSON.parse(b64url(headerB64).toString('utf8')) as { alg: string; kid: string };
    expect(header.alg).toBe('RS256');
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    expect(jwk).toBeDefined();
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    const signed = Buffer.from(`${headerB64}.${payloadB64}`);
    expect(verify('RSA-SHA256', signed, key, b64url(signatureB64))).toBe(true);
    // A tampered payload does not verify.
    const forged = Buffer.from(`${headerB64}.${Buffer.from('{"sub":"admin"}').toString('base64url')}`);
    expect(verify('RSA-SHA256', forged, key, b64url(signatureB64))).toBe(false);

    const claims = JSON.parse(b64url(payloadB64).toString('utf8')) as {
      iss: string;
      sub: string;
      aud: string[];
      exp: number;
    };
    expect(claims.iss).toBe(config.issuer);
    expect(claims.sub).toBe(`system:serviceaccount:${ns.name}:workload`);
    expect(claims.aud).toEqual(['api://AzureADTokenExchange']);
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it('rejects an update with a stale resourceVersion with 409 Conflict', async () => {
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedConfigMap({
      namespace: ns.name,
      body: { metadata: { name: 'versioned' }, data: { n: '1' } },
    });
    const stale = structuredClone(created);
    await core.replaceNamespacedConfigMap({
      name: 'versioned',
      namespace: ns.name,
      body: { ...created, data: { n: '2' } },
    });
    const conflict = await apiFailure(
      core.replaceNamespacedConfigMap({
        name: 'versioned',
        namespace: ns.name,
        body: { ...stale, data: { n: '3' } },
      }),
    );
    expect(conflict.code).toBe(409);
    expect(conflict.reason).toBe('Conflict');
    const current = await core.readNamespacedConfigMap({ name: 'versioned', namespace: ns.name });
    expect(current.data).toEqual({ n: '2' });
  });
});
