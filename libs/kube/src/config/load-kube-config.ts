// Where the Kubernetes credentials come from: a kubeconfig file when one is named, else the pod's
// service account (in-cluster). Nothing is guessed from ~/.kube.
import { isIP } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export interface LoadKubeConfigOptions {
  /** --kubeconfig; when set, this file is used. */
  readonly kubeconfigPath?: string;
  /** Context to select in that file (default: its current-context). */
  readonly context?: string;
  /** Only consulted for in-cluster detection (KUBERNETES_SERVICE_HOST/PORT). Default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export class KubeConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeConfigError';
  }
}

export function loadKubeConfig(options: LoadKubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  if (options.kubeconfigPath) {
    try {
      kc.loadFromFile(options.kubeconfigPath);
    } catch (err) {
      throw new KubeConfigError(
        `cannot read kubeconfig ${options.kubeconfigPath}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    if (options.context) kc.setCurrentContext(options.context);
    if (!kc.getCurrentCluster()) {
      throw new KubeConfigError(
        `kubeconfig ${options.kubeconfigPath} has no cluster for its current context`,
      );
    }
    return kc;
  }
  const env = options.env ?? process.env;
  if (!env.KUBERNETES_SERVICE_HOST || !env.KUBERNETES_SERVICE_PORT) {
    throw new KubeConfigError(
      'not running in a cluster (KUBERNETES_SERVICE_HOST/PORT unset) and no --kubeconfig given',
    );
  }
  // loadFromCluster reads process.env itself; rebuild the server from the env we were given.
  kc.loadFromCluster();
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (!cluster || !user) throw new KubeConfigError('in-cluster configuration is incomplete');
  kc.loadFromClusterAndUser(
    { ...cluster, server: inClusterServer(env.KUBERNETES_SERVICE_HOST, env.KUBERNETES_SERVICE_PORT) },
    user,
  );
  return kc;
}

function inClusterServer(host: string, port: string): string {
  const scheme = ['80', '8080', '8001'].includes(port) ? 'http' : 'https';
  return `${scheme}://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/**
 * For a program's command line: the credentials, or one line telling the operator what to set
 * (no stack trace), e.g. "mic: no Kubernetes credentials: ...; pass --kubeconfig=<path>, or run ...".
 */
export function kubeConfigOrHint(program: string, options: LoadKubeConfigOptions): KubeConfig | string {
  try {
    return loadKubeConfig(options);
  } catch (err) {
    if (!(err instanceof KubeConfigError)) throw err;
    const hint = options.kubeconfigPath
      ? 'point --kubeconfig at a readable kubeconfig with a current context'
      : `pass --kubeconfig=<path>, or run ${program} in a pod (in-cluster config needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT)`;
    return `${program}: no Kubernetes credentials: ${err.message}; ${hint}`;
  }
}
