// The command line of `kubectl pod-identity` (pure): a subcommand, its argument and kubectl-style flags,
// `--flag value` and `--flag=value`, `-n ns`, `-o json`.

export type Output = 'text' | 'json';

export interface GlobalOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Namespace given with -n (else the kubeconfig context's, else "default"). */
  readonly namespace?: string;
  readonly allNamespaces: boolean;
  /** Where MIC and NMI run. */
  readonly systemNamespace: string;
  readonly output: Output;
}

export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'explain';
      readonly pod: string;
      readonly azure: boolean;
      readonly cloudConfig?: string;
      readonly options: GlobalOptions;
    }
  | { readonly kind: 'status'; readonly options: GlobalOptions }
  | { readonly kind: 'migrate'; readonly issuer?: string; readonly options: GlobalOptions };

export class UsageError extends Error {}

const VALUE_FLAGS = new Map([
  ['kubeconfig', 'kubeconfig'],
  ['context', 'context'],
  ['n', 'namespace'],
  ['namespace', 'namespace'],
  ['system-namespace', 'systemNamespace'],
  ['o', 'output'],
  ['output', 'output'],
  ['cloudconfig', 'cloudConfig'],
  ['to', 'to'],
  ['issuer', 'issuer'],
]);
const BOOLEAN_FLAGS = new Map([
  ['azure', 'azure'],
  ['A', 'allNamespaces'],
  ['all-namespaces', 'allNamespaces'],
  ['h', 'help'],
  ['help', 'help'],
  ['version', 'version'],
]);

interface Parsed {
  readonly positional: string[];
  readonly values: Map<string, string>;
  readonly booleans: Set<string>;
}

function readFlag(argv: readonly string[], i: number, parsed: Parsed): number {
  const token = argv[i] as string;
  const body = token.replace(/^--?/, '');
  const eq = body.indexOf('=');
  const name = eq === -1 ? body : body.slice(0, eq);
  const inline = eq === -1 ? undefined : body.slice(eq + 1);
  const booleanKey = BOOLEAN_FLAGS.get(name);
  if (booleanKey) {
    if (inline === undefined || /^(true|1)$/i.test(inline)) parsed.booleans.add(booleanKey);
    return i;
  }
  const key = VALUE_FLAGS.get(name);
  if (!key) throw new UsageError(`unknown flag ${token}`);
  const value = inline ?? argv[i + 1];
  if (value === undefined || value === '') throw new UsageError(`flag ${token} needs a value`);
  parsed.values.set(key, value);
  return inline === undefined ? i + 1 : i;
}

function split(argv: readonly string[]): Parsed {
  const parsed: Parsed = { positional: [], values: new Map(), booleans: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token.startsWith('-') && token !== '-') i = readFlag(argv, i, parsed);
    else parsed.positional.push(token);
  }
  return parsed;
}

function globals(p: Parsed): GlobalOptions {
  const output = p.values.get('output') ?? 'text';
  if (output !== 'text' && output !== 'json')
    throw new UsageError(`-o ${output}: use json (or leave it out for text)`);
  return {
    kubeconfig: p.values.get('kubeconfig'),
    context: p.values.get('context'),
    namespace: p.values.get('namespace'),
    allNamespaces: p.booleans.has('allNamespaces'),
    systemNamespace: p.values.get('systemNamespace') ?? 'pod-identity-system',
    output,
  };
}

/** `pod/web`, `pods/web`, `po/web` or `web`. */
export function podName(arg: string | undefined): string {
  if (!arg) throw new UsageError('explain needs a pod: explain pod/<name> [-n namespace]');
  const m = /^(?:(pods?|po)\/)?([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(arg);
  if (!m) throw new UsageError(`"${arg}" is not a pod: explain pod/<name>`);
  return m[2] as string;
}

export function parseArgs(argv: readonly string[]): Command {
  const p = split(argv);
  if (p.booleans.has('version')) return { kind: 'version' };
  const [sub, arg, extra] = p.positional;
  if (p.booleans.has('help') || !sub) return { kind: 'help' };
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  const options = globals(p);
  if (sub === 'explain')
    return {
      kind: 'explain',
      pod: podName(arg),
      azure: p.booleans.has('azure'),
      cloudConfig: p.values.get('cloudConfig'),
      options,
    };
  if (arg !== undefined) throw new UsageError(`unexpected argument "${arg}"`);
  if (sub === 'status') return { kind: 'status', options };
  if (sub === 'migrate') {
    if (p.values.get('to') !== 'workload-identity')
      throw new UsageError('migrate needs --to workload-identity');
    return { kind: 'migrate', issuer: p.values.get('issuer'), options };
  }
  throw new UsageError(`unknown command "${sub}": explain, status or migrate`);
}

export const USAGE = `kubectl pod-identity: why a pod gets no token, what the cluster holds, and the way to workload identity.

Usage:
  kubectl pod-identity explain pod/<name> [-n <namespace>] [-o json] [--azure [--cloudconfig <azure.json>]]
      Walks the chain a token needs, one line per check (✔ or ✘, with the fix).
      Exit code 0 when the pod should get a token, 1 when it should not.
  kubectl pod-identity status [-o json]
      Identities, bindings, pods with and without assignments, assignments in error, MIC and NMI health,
      nodes with pending ARM operations.
  kubectl pod-identity migrate --to workload-identity [-n <namespace> | -A] [--issuer <OIDC issuer URL>]
      For each binding: the ServiceAccount annotations and federated identity credentials Azure workload
      identity needs, as YAML and as ARM request bodies.

Flags:
  --kubeconfig <file>, --context <name>   as kubectl (default: $KUBECONFIG, then in-cluster)
  --system-namespace <ns>                 where MIC and NMI run (default pod-identity-system)
  -o json                                 machine-readable output (apiVersion pod-identity.cli/v1)
  --version, -h/--help
`;
