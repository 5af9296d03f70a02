// The command line: flags, --help, --version, --uninstall-iptables, configuration errors, signals. Prints
// to the terminal on purpose (the only place that does); everything else logs JSON through the logger.
import { readFileSync } from 'node:fs';
import { kubeConfigOrHint } from '@pod-identity/kube';
import { createLogger, FlagError, type Logger, type MainInput } from '@pod-identity/platform';
import { startNmi } from './app';
import { loadConfig, type ConfigResult, type NmiConfig } from './config/config';
import { interceptionManager } from './node-net/interception';

export type CliInput = MainInput;

function parse(input: CliInput): ConfigResult | undefined {
  try {
    return loadConfig(input.argv, input.env);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    console.error(`nmi: ${err.message}\n\nRun with --help for the list of flags.`);
    return undefined;
  }
}

/** Starts the agent and runs it until asked to stop; returns the exit code. */
async function serve(config: NmiConfig, input: CliInput, logger: Logger): Promise<number> {
  const kubeConfig = kubeConfigOrHint('nmi', { kubeconfigPath: config.kubeconfig, env: input.env });
  if (typeof kubeConfig === 'string') {
    console.error(kubeConfig);
    return 2;
  }
  let nmi;
  try {
    const authorityCaPem = config.upstream.authorityCaFile
      ? readFileSync(config.upstream.authorityCaFile, 'utf8')
      : undefined;
    nmi = await startNmi({ config, kubeConfig, logger, version: input.version, authorityCaPem });
  } catch (err) {
    logger.fatal({ err }, 'nmi failed to start');
    return 1;
  }
  const signal = await input.stopRequested;
  logger.info({ signal }, 'signal received');
  try {
    await nmi.stop();
    return 0;
  } catch (err) {
    logger.error({ err }, 'shutdown failed');
    return 1;
  }
}

/** Runs NMI (or --uninstall-iptables) until asked to stop; returns the exit code. */
export async function runNmi(input: CliInput): Promise<number> {
  const result = parse(input);
  if (!result) return 2;
  if (result.kind === 'help') {
    process.stdout.write(result.text);
    return 0;
  }
  if (result.kind === 'version') {
    console.log(`nmi ${input.version}`);
    return 0;
  }
  const config = result.config;
  const logger = createLogger({ name: 'nmi', level: config.logLevel, base: { node: config.node } });
  if (config.iptables.uninstall) {
    try {
      await interceptionManager(config).uninstall();
    } catch (err) {
      logger.fatal(
        { err },
        'removing the interception rules failed (--uninstall-iptables); run it again as root with NET_ADMIN',
      );
      return 1;
    }
    logger.info('interception rules removed (--uninstall-iptables)');
    return 0;
  }
  return serve(config, input, logger);
}
