// Where the Kubernetes credentials come from: a kubeconfig file when one is named, else the pod's
// service account (in-cluster). Nothing is guessed from ~/.kube.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname } from 'node:path';
import { ClientNodeCredentials } from './client-node-credentials';
import { KubeConfigError } from './errors';
import { FileCredentials } from './file-credentials';
import type { LoadedKubeConfig } from './kube-credentials';
import { KubeconfigFormatError, selectKubeconfig } from './kubeconfig-file';

export { KubeConfigError } from './errors';

/** Where a pod's ServiceAccount credentials are mounted. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface LoadKubeConfigOptions {
  /** --kubeconfig; when set, this file is used. */
  readonly kubeconfigPath?: string;
  /** Context to select in that file (default: its current-context). */
  readonly context?: string;
  /** Only consulted for in-cluster detection (KUBERNETES_SERVICE_HOST/PORT). Default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where the in-cluster ca.crt, token and namespace are (default SERVICE_ACCOUNT_DIR). */
  readonly serviceAccountDir?: string;
}

export function loadKubeConfig(options: LoadKubeConfigOptions = {}): LoadedKubeConfig {
  if (options.kubeconfigPath) return fromFile(options.kubeconfigPath, options.context);
  const env = options.env ?? process.env;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw new KubeConfigError(
      'not running in a cluster (KUBERNETES_SERVICE_HOST/PORT unset) and no --kubeconfig given',
    );
  }
  const dir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  return new FileCredentials({
    server: inClusterServer(host, port),
    namespace: readOptional(`${dir}/namespace`),
    tls: { ca: { file: `${dir}/ca.crt` }, insecureSkipTlsVerify: false },
    auth: { kind: 'token-file', file: `${dir}/token` },
  });
}

function fromFile(path: string, context: string | undefined): LoadedKubeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new KubeConfigError(`cannot read kubeconfig ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    // Loaded here only: in-cluster programs never parse YAML.
    const { parse } = require('yaml') as typeof import('yaml');
    const selection = selectKubeconfig(parse(text), dirname(path), context);
    if (selection.needsClientNode.length > 0) {
      return new ClientNodeCredentials(path, context, selection.server, selection.namespace);
    }
    return new FileCredentials(selection);
  } catch (err) {
    if (err instanceof KubeConfigError) throw err;
    const why = err instanceof KubeconfigFormatError ? err.message : `not YAML: ${(err as Error).message}`;
    throw new KubeConfigError(`kubeconfig ${path}: ${why}`, { cause: err });
  }
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function inClusterServer(host: string, port: string): string {
  const scheme = ['80', '8080', '8001'].includes(port) ? 'http' : 'https';
  return `${scheme}://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/**
 * For a program's command line: the credentials, or one line telling the operator what to set
 * (no stack trace), e.g. "mic: no Kubernetes credentials: ...; pass --kubeconfig=<path>, or run ...".
 */
export function kubeConfigOrHint(program: string, options: LoadKubeConfigOptions): LoadedKubeConfig | string {
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
