// The parts of a kubeconfig that MIC, NMI and the CLI act on, picked out of the parsed file (pure).
// Anything that needs code to produce credentials (exec plugins, auth providers, basic auth, impersonation,
// proxies) is only detected here; load-kube-config.ts hands those to client-node's full implementation.
import { isAbsolute, join } from 'node:path';

/** A file path, or its content inline (the `-data` keys, base64-decoded). */
export type Material = { readonly file: string } | { readonly data: Buffer };

export interface KubeconfigTls {
  readonly ca?: Material;
  readonly cert?: Material;
  readonly key?: Material;
  readonly insecureSkipTlsVerify: boolean;
  readonly serverName?: string;
}

export type KubeconfigAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'token-file'; readonly file: string };

export interface KubeconfigSelection {
  readonly server: string;
  readonly namespace: string | undefined;
  readonly tls: KubeconfigTls;
  readonly auth: KubeconfigAuth;
  /** Keys that need client-node's implementation (e.g. `user.exec`); empty when this one suffices. */
  readonly needsClientNode: readonly string[];
}

type Obj = Record<string, unknown>;

const USER_KEYS_NEEDING_CODE = ['exec', 'auth-provider', 'username', 'password', 'as', 'as-groups', 'as-uid'];
const CLUSTER_KEYS_NEEDING_CODE = ['proxy-url'];

export class KubeconfigFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigFormatError';
  }
}

/** The cluster, user and TLS material of `context` (default: current-context); paths relative to `dir`. */
export function selectKubeconfig(doc: unknown, dir: string, context?: string): KubeconfigSelection {
  const root = asObject(doc, 'the file');
  const contextName = context ?? stringOf(root['current-context']);
  if (!contextName) throw new KubeconfigFormatError('no current-context, and no context was named');
  const ctx = named(root.contexts, contextName, 'context', 'context');
  const clusterName = stringOf(ctx.cluster);
  if (!clusterName) throw new KubeconfigFormatError(`context ${contextName} names no cluster`);
  const cluster = named(root.clusters, clusterName, 'cluster', 'cluster');
  const userName = stringOf(ctx.user);
  const user = userName ? named(root.users, userName, 'user', 'user') : {};
  const server = stringOf(cluster.server);
  if (!server) throw new KubeconfigFormatError(`cluster ${clusterName} has no server`);
  const path = (p: string): string => (isAbsolute(p) ? p : join(dir, p));
  return {
    server,
    namespace: stringOf(ctx.namespace) || undefined,
    tls: {
      ca: material(cluster, 'certificate-authority', path),
      cert: material(user, 'client-certificate', path),
      key: material(user, 'client-key', path),
      insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
      serverName: stringOf(cluster['tls-server-name']) || undefined,
    },
    auth: authOf(user, path),
    needsClientNode: [
      ...CLUSTER_KEYS_NEEDING_CODE.filter((k) => cluster[k] !== undefined).map((k) => `cluster.${k}`),
      ...USER_KEYS_NEEDING_CODE.filter((k) => user[k] !== undefined).map((k) => `user.${k}`),
    ],
  };
}

function authOf(user: Obj, path: (p: string) => string): KubeconfigAuth {
  const token = stringOf(user.token);
  if (token) return { kind: 'token', token };
  const file = stringOf(user.tokenFile);
  return file ? { kind: 'token-file', file: path(file) } : { kind: 'none' };
}

function material(section: Obj, key: string, path: (p: string) => string): Material | undefined {
  const data = stringOf(section[`${key}-data`]);
  if (data) return { data: Buffer.from(data, 'base64') };
  const file = stringOf(section[key]);
  return file ? { file: path(file) } : undefined;
}

/** The `inner` object of the entry called `name` in a list like `contexts: [{name, context: {...}}]`. */
function named(list: unknown, name: string, inner: string, what: string): Obj {
  const entries = Array.isArray(list) ? list : [];
  const entry = entries.find((e): e is Obj => isObject(e) && e.name === name);
  if (!entry) throw new KubeconfigFormatError(`no ${what} named ${name}`);
  return entry[inner] === undefined || entry[inner] === null ? {} : asObject(entry[inner], `${what} ${name}`);
}

function asObject(value: unknown, what: string): Obj {
  if (!isObject(value)) throw new KubeconfigFormatError(`${what} is not a mapping`);
  return value;
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
