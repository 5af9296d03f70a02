// A kubeconfig whose credentials need code (exec plugins such as kubelogin, auth providers, basic auth,
// impersonation, a proxy): client-node's KubeConfig produces them. It is loaded on the first request only,
// because client-node with its dependencies is about 1 MB of code that costs MIC and NMI ~17 MB of memory
// each when loaded at start (docs/performance.md), and in-cluster credentials never need it.
import type https from 'node:https';
import type { KubeCredentials, LoadedKubeConfig } from './kube-credentials';

type ClientNodeModule = Partial<typeof import('@kubernetes/client-node')> & {
  readonly default?: Partial<typeof import('@kubernetes/client-node')>;
};

export class ClientNodeCredentials implements LoadedKubeConfig {
  private loaded: Promise<KubeCredentials> | undefined;

  constructor(
    private readonly path: string,
    private readonly context: string | undefined,
    private readonly server: string,
    readonly contextNamespace: string | undefined,
  ) {}

  getCurrentCluster(): { readonly server: string } {
    return { server: this.server };
  }

  async applyToHTTPSOptions(options: https.RequestOptions): Promise<void> {
    this.loaded ??= this.load();
    await (await this.loaded).applyToHTTPSOptions(options);
  }

  private async load(): Promise<KubeCredentials> {
    // In the images client-node is a separate CommonJS bundle (tools/scripts/bundle.mjs): its exports may
    // arrive as the module's default.
    const loaded: ClientNodeModule = await import('@kubernetes/client-node');
    const KubeConfig = loaded.KubeConfig ?? loaded.default?.KubeConfig;
    if (!KubeConfig) throw new Error('@kubernetes/client-node has no KubeConfig export');
    const kc = new KubeConfig();
    kc.loadFromFile(this.path);
    if (this.context) kc.setCurrentContext(this.context);
    return kc;
  }
}
