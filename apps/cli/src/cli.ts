// `kubectl pod-identity`: parses the command line, reads the cluster (read-only), prints text or JSON.
// Exit codes: explain 0 = the pod should get a token, 1 = it should not; status 0 = healthy, 1 = not;
// 2 = bad usage or no credentials; 3 = the cluster could not be read (e.g. RBAC, unreachable).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isRetryable, KubeHttp, kubeConfigOrHint } from '@pod-identity/kube';
import type { MainInput } from '@pod-identity/platform';
import { parseArgs, USAGE, UsageError, type Command, type GlobalOptions } from './args';
import { explain, federatedIdentityIds } from './explain/checks';
import { explanation, renderExplanation } from './explain/render';
import { readAzure } from './facts/read-azure';
import { ClusterReader } from './facts/read-cluster';
import { planMigration, renderMigration } from './migrate/plan';
import { renderStatus, summarize } from './status/summary';

const PROGRAM = 'kubectl-pod_identity';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const processIo: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** As kubectl: --kubeconfig, else the first file of $KUBECONFIG, else ~/.kube/config, else in-cluster. */
function kubeconfigPath(options: GlobalOptions, env: MainInput['env']): string | undefined {
  if (options.kubeconfig) return options.kubeconfig;
  const fromEnv = env.KUBECONFIG?.split(':').find(Boolean);
  if (fromEnv) return fromEnv;
  const home = join(env.HOME ?? homedir(), '.kube', 'config');
  return existsSync(home) ? home : undefined;
}

type Run = (
  c: Command & { options: GlobalOptions },
  reader: ClusterReader,
  namespace: string,
) => Promise<number>;

function runner(input: MainInput, io: CliIo, http: KubeHttp): Run {
  return async (command, reader, namespace) => {
    const json = command.options.output === 'json';
    const print = (doc: unknown, text: string): void =>
      io.out(json ? `${JSON.stringify(doc, null, 2)}\n` : text);
    if (command.kind === 'explain') {
      const facts = await reader.explainFacts(namespace, command.pod);
      const azure =
        command.azure && facts.pod?.nodeName
          ? await azureFacts(
              http,
              { node: facts.pod.nodeName, federated: federatedIdentityIds(facts) },
              command.cloudConfig,
              input.env,
            )
          : undefined;
      const result = explanation(facts.podRef, explain({ ...facts, azure }));
      print(result, renderExplanation(result));
      return result.shouldGetToken ? 0 : 1;
    }
    if (command.kind === 'status') {
      const summary = summarize(await reader.statusFacts());
      print(summary, renderStatus(summary));
      return summary.healthy ? 0 : 1;
    }
    if (command.kind !== 'migrate') return 2;
    const issuer = command.issuer ?? (await reader.issuer());
    const plan = planMigration({
      ...(await reader.migrationInput(command.options.allNamespaces ? undefined : namespace)),
      issuer,
    });
    print(plan, renderMigration(plan));
    return 0;
  };
}

async function azureFacts(
  http: KubeHttp,
  of: { readonly node: string; readonly federated: readonly string[] },
  cloudConfig: string | undefined,
  env: MainInput['env'],
): ReturnType<typeof readAzure> {
  const raw = await http.request<{ spec?: { providerID?: string } }>({
    method: 'GET',
    path: `/api/v1/nodes/${encodeURIComponent(of.node)}`,
  });
  let cloudConfigText: string | undefined;
  try {
    cloudConfigText = cloudConfig ? readFileSync(cloudConfig, 'utf8') : undefined;
  } catch (err) {
    return { error: `--cloudconfig: ${(err as Error).message}` };
  }
  return readAzure({
    providerID: raw.spec?.providerID,
    cloudConfigText,
    env,
    readFile: (p) => readFileSync(p, 'utf8'),
    federatedIdentityIds: of.federated,
  });
}

/** The API server answers 429/5xx while it restarts or re-initialises storage: try again, at most 3 times in ~3 s. */
async function withRetries<T>(read: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}

function parse(input: MainInput, io: CliIo): Command | number {
  try {
    return parseArgs(input.argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`${PROGRAM}: ${err.message}\n\n${USAGE}`);
    return 2;
  }
}

export async function runCli(input: MainInput, io: CliIo = processIo): Promise<number> {
  const command = parse(input, io);
  if (typeof command === 'number') return command;
  if (command.kind === 'help') return (io.out(USAGE), 0);
  if (command.kind === 'version') return (io.out(`${PROGRAM} ${input.version}\n`), 0);
  const kc = kubeConfigOrHint(PROGRAM, {
    kubeconfigPath: kubeconfigPath(command.options, input.env),
    context: command.options.context,
    env: input.env,
  });
  if (typeof kc === 'string') return (io.err(`${kc}\n`), 2);
  const http = new KubeHttp(kc, { timeoutMs: 15_000, userAgent: `${PROGRAM}/${input.version}` });
  const namespace = command.options.namespace ?? kc.contextNamespace ?? 'default';
  try {
    const run = runner(input, io, http);
    return await withRetries(() =>
      run(command, new ClusterReader(http, command.options.systemNamespace), namespace),
    );
  } catch (err) {
    io.err(
      `${PROGRAM}: could not read the cluster: ${err instanceof Error ? err.message : String(err)}\n(it needs read access to pods, nodes, events, leases, deployments and the pod identity objects: deploy/components/cli-reader)\n`,
    );
    return 3;
  } finally {
    http.close();
  }
}
