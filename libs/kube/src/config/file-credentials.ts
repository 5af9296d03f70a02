// Credentials from files and inline data: client certificates, a bearer token or a token file (the
// in-cluster ServiceAccount token, which the kubelet rotates). Files are re-read at most once a minute, so
// rotated certificates and tokens are picked up without a restart; one keep-alive agent serves until the
// TLS material changes.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { KubeConfigError } from './errors';
import type { LoadedKubeConfig } from './kube-credentials';
import type { KubeconfigAuth, KubeconfigTls, Material } from './kubeconfig-file';

/** How long read files are trusted before they are read again (client-go and client-node use a minute). */
export const REREAD_AFTER_MS = 60_000;

export interface FileCredentialsSource {
  readonly server: string;
  readonly namespace: string | undefined;
  readonly tls: KubeconfigTls;
  readonly auth: KubeconfigAuth;
}

export interface FileCredentialsDeps {
  readonly readFile: (path: string) => Buffer;
  readonly now: () => number;
}

interface Loaded {
  readonly atMs: number;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly token?: string;
}

export class FileCredentials implements LoadedKubeConfig {
  readonly contextNamespace: string | undefined;
  private loaded: Loaded | undefined;
  private agent: https.Agent | undefined;

  constructor(
    private readonly source: FileCredentialsSource,
    private readonly deps: FileCredentialsDeps = { readFile: (p) => readFileSync(p), now: Date.now },
  ) {
    this.contextNamespace = source.namespace;
  }

  getCurrentCluster(): { readonly server: string } {
    return { server: this.source.server };
  }

  async applyToHTTPSOptions(options: https.RequestOptions): Promise<void> {
    const m = this.material();
    const tls = this.source.tls;
    if (m.ca) options.ca = m.ca;
    if (m.cert) options.cert = m.cert;
    if (m.key) options.key = m.key;
    if (tls.insecureSkipTlsVerify) options.rejectUnauthorized = false;
    if (tls.serverName) options.servername = tls.serverName;
    if (m.token) options.headers = { ...options.headers, Authorization: `Bearer ${m.token}` };
    options.agent = this.agent;
  }

  private material(): Loaded {
    const now = this.deps.now();
    if (this.loaded && now - this.loaded.atMs < REREAD_AFTER_MS) return this.loaded;
    const { tls, auth } = this.source;
    const next: Loaded = {
      atMs: now,
      ca: this.read(tls.ca, 'certificate authority'),
      cert: this.read(tls.cert, 'client certificate'),
      key: this.read(tls.key, 'client key'),
      token: this.token(auth),
    };
    if (!this.agent || !sameTls(this.loaded, next)) {
      this.agent?.destroy();
      this.agent = new https.Agent({
        ca: next.ca,
        cert: next.cert,
        key: next.key,
        rejectUnauthorized: !tls.insecureSkipTlsVerify,
        servername: tls.serverName,
        keepAlive: true,
      });
    }
    this.loaded = next;
    return next;
  }

  private token(auth: KubeconfigAuth): string | undefined {
    if (auth.kind === 'token') return auth.token;
    if (auth.kind !== 'token-file') return undefined;
    const token = this.read({ file: auth.file }, 'token')?.toString('utf8').trim();
    if (!token) throw new KubeConfigError(`token file ${auth.file} is empty`);
    return token;
  }

  private read(m: Material | undefined, what: string): Buffer | undefined {
    if (!m) return undefined;
    if ('data' in m) return m.data;
    try {
      return this.deps.readFile(m.file);
    } catch (err) {
      throw new KubeConfigError(`cannot read the ${what} ${m.file}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
}

function sameTls(a: Loaded | undefined, b: Loaded): boolean {
  const same = (x?: Buffer, y?: Buffer): boolean => (x === undefined ? y === undefined : !!y && x.equals(y));
  return !!a && same(a.ca, b.ca) && same(a.cert, b.cert) && same(a.key, b.key);
}
