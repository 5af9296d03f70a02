// The command line: flags, --help, --version, configuration errors, signals. Prints to the terminal on
// purpose (the only place that does); everything else logs JSON through the logger.
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { hostname } from 'node:os';
import { kubeConfigOrHint, type KubeCredentials } from '@pod-identity/kube';
import {
  createLogger,
  FlagError,
  formatHelp,
  KLOG_FLAGS,
  parseFlags,
  redactClientId,
  type MainInput,
} from '@pod-identity/platform';
import { startMic } from './app';
import { buildConfig, type MicConfig } from './config/config';
import { watchCloudConfig } from './config/cloud-watch';
import { MIC_FLAGS } from './config/flags';

export type CliInput = MainInput;

const SUMMARY =
  'MIC, the Managed Identity Controller of pod identity: gives pods the Azure identities their bindings ask for, ' +
  'as AzureAssignedIdentity objects and user-assigned identities on their VM or VM scale set.';

function describeConfig(config: MicConfig): Record<string, unknown> {
  return {
    podNamespace: config.podNamespace,
    forceNamespaced: config.forceNamespaced,
    placement: config.placement,
    cloud: config.cloud.cloud,
    arm: config.environment.resourceManagerEndpoint,
    subscriptionId: config.cloud.subscriptionId,
    resourceGroup: config.cloud.resourceGroup,
    auth: config.cloud.useManagedIdentityExtension ? 'managed identity' : 'service principal',
    clientId: redactClientId(
      config.cloud.useManagedIdentityExtension
        ? config.cloud.userAssignedIdentityID
        : config.cloud.aadClientId,
    ),
    immutableClientIds: config.immutableClientIds.map((c) => redactClientId(c)),
    leaderElection: config.leaderElection,
    tuning: config.tuning,
  };
}

/** fs.watchFile with a 5 s poll: works for ConfigMap/hostPath files that are replaced, not only written. */
function pollFile(path: string, onChange: () => void): () => void {
  watchFile(path, { interval: 5000 }, (cur, prev) => {
    if (cur.mtimeMs !== prev.mtimeMs || cur.size !== prev.size) onChange();
  });
  return () => unwatchFile(path);
}

interface Configured {
  readonly config: MicConfig;
  readonly kubeConfig: KubeCredentials;
  readonly warnings: readonly string[];
  readonly enableProfile: boolean;
}

/** Flags, help, version and configuration: what to run, or the exit code when there is nothing to run. */
function configure(input: CliInput): Configured | number {
  let parsed;
  try {
    parsed = parseFlags(MIC_FLAGS, { argv: input.argv, env: input.env, ignore: KLOG_FLAGS });
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    console.error(`${err.message}\n\nRun with --help for the list of flags.`);
    return 2;
  }
  if (parsed.help) {
    console.log(formatHelp(MIC_FLAGS, { program: 'mic', summary: SUMMARY }));
    return 0;
  }
  if (parsed.version) {
    console.log(`mic ${input.version}`);
    return 0;
  }
  let config: MicConfig;
  try {
    config = buildConfig({
      values: parsed.values,
      env: input.env,
      readFile: (p) => readFileSync(p, 'utf8'),
      hostname: hostname(),
    });
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const kubeConfig = kubeConfigOrHint('mic', { kubeconfigPath: config.kubeconfig, env: input.env });
  if (typeof kubeConfig === 'string') {
    console.error(kubeConfig);
    return 2;
  }
  return {
    config,
    kubeConfig,
    warnings: parsed.warnings,
    enableProfile: Boolean(parsed.values.enableProfile),
  };
}

/** Runs MIC until asked to stop; returns the exit code. */
export async function runMic(input: CliInput): Promise<number> {
  const configured = configure(input);
  if (typeof configured === 'number') return configured;
  const { config, kubeConfig } = configured;
  const logger = createLogger({ name: 'mic', level: config.logLevel, base: { version: input.version } });
  for (const w of configured.warnings) logger.warn(w);
  if (configured.enableProfile) logger.warn('--enableProfile is not supported and was ignored');
  logger.info(describeConfig(config), 'starting');
  const handle = await startMic({ config, kubeConfig, logger, version: input.version });
  const unwatch = watchCloudConfig({
    config,
    env: input.env,
    readFile: (p) => readFileSync(p, 'utf8'),
    watch: pollFile,
    apply: (next) => handle.reloadArm(next),
    logger,
  });
  const signal = await input.stopRequested;
  logger.info({ signal }, 'stopping');
  unwatch();
  await handle.stop();
  logger.info('stopped');
  return 0;
}
