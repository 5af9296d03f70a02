import { writeFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

export interface KubeconfigParams {
  readonly server: string;
  /** PEM of the CA that signed the serving certificate. */
  readonly caPem: string;
  readonly token: string;
  readonly user?: string;
  readonly contextName?: string;
  readonly namespace?: string;
}

/** A client-node KubeConfig for the given server and bearer token. */
export function makeKubeConfig(p: KubeconfigParams): KubeConfig {
  const name = p.contextName ?? 'envtest';
  const user = p.user ?? 'envtest-admin';
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name, server: p.server, caData: Buffer.from(p.caPem).toString('base64'), skipTLSVerify: false },
    ],
    users: [{ name: user, token: p.token }],
    contexts: [{ name, cluster: name, user, namespace: p.namespace }],
    currentContext: name,
  });
  return kc;
}

/** Writes a kubeconfig file (mode 0600: it holds a token) readable by kubectl and client-node. */
export function writeKubeconfig(path: string, p: KubeconfigParams): void {
  const name = p.contextName ?? 'envtest';
  const user = p.user ?? 'envtest-admin';
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: { server: p.server, 'certificate-authority-data': Buffer.from(p.caPem).toString('base64') },
      },
    ],
    users: [{ name: user, user: { token: p.token } }],
    contexts: [
      { name, context: { cluster: name, user, ...(p.namespace ? { namespace: p.namespace } : {}) } },
    ],
    'current-context': name,
  };
  // JSON is valid YAML, so kubectl and KubeConfig.loadFromFile both read it.
  writeFileSync(path, JSON.stringify(doc, null, 2) + '\n', { mode: 0o600 });
}
