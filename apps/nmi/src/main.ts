// Composition root: the only place that reads argv and the environment, opens files named by flags,
// and installs signal handlers.
import { readFileSync } from 'node:fs';
import { createLogger, createMetricsRegistry, FlagError, type Logger, systemClock } from '@pod-identity/platform';
import { loadKubeConfig } from '@pod-identity/kube';
import { NmiAgent } from './agent';
import { loadConfig, type NmiConfig } from './config/config';
import { interceptionManager } from './node-net/interception';
import { NMI_VERSION } from './version';

async function run(config: NmiConfig, logger: Logger): Promise<void> {
  if (config.iptables.uninstall) {
    await interceptionManager(config).uninstall();
    logger.info('interception rules removed (--uninstall-iptables)');
    return;
  }
  const agent = new NmiAgent({
    config,
    kubeConfig: loadKubeConfig({ kubeconfigPath: config.kubeconfig }),
    logger,
    clock: systemClock,
    registry: createMetricsRegistry({ processMetrics: true, processMetricsPrefix: 'nmi_' }),
    version: NMI_VERSION,
    authorityCaPem: config.upstream.authorityCaFile ? readFileSync(config.upstream.authorityCaFile, 'utf8') : undefined,
  });
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'signal received');
    agent.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  await agent.start();
}

function main(): void {
  let result: ReturnType<typeof loadConfig>;
  try {
    result = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`nmi: ${err instanceof FlagError ? err.message : String(err)}\n`);
    process.exit(2);
  }
  if (result.kind === 'help') {
    process.stdout.write(result.text);
    return;
  }
  if (result.kind === 'version') {
    process.stdout.write(`nmi ${NMI_VERSION}\n`);
    return;
  }
  const config = result.config;
  const logger = createLogger({ name: 'nmi', level: config.logLevel, base: { node: config.node } });
  run(config, logger).catch((err: unknown) => {
    logger.fatal({ err }, 'nmi failed to start');
    process.exit(1);
  });
}

main();
