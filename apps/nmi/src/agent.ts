// The running agent: starts informers, the metadata endpoint, probes and metrics, and the interception
// loop; stops them in reverse order on shutdown, draining requests. Interception rules stay in place.
import { startProbeServers, type ProbeServers } from '@pod-identity/platform';
import type { RunningServer } from './http/server';
import { startServer } from './http/server';
import { InterceptionLoop, interceptionManager, kubenetGuard } from './node-net/interception';
import type { CommandRunner } from './node-net/iptables';
import { type Outside, wire, type Wired } from './wiring';

export interface AgentOptions extends Outside {
  /** Runs iptables/conntrack (tests inject a fake; default: the real binaries). */
  readonly commandRunner?: CommandRunner;
}

export interface AgentEndpoints {
  readonly port: number;
  readonly probePort: number;
  readonly metricsPort: number;
}

export class NmiAgent {
  private readonly wired: Wired;
  private server: RunningServer | undefined;
  private probes: ProbeServers | undefined;
  private interception: InterceptionLoop | undefined;
  private stopping = false;

  constructor(private readonly options: AgentOptions) {
    this.wired = wire(options);
  }

  get cache(): Wired['cache'] {
    return this.wired.cache;
  }

  ready(): boolean {
    if (this.stopping) return false;
    const synced = this.wired.feeds.every((f) => f.synced());
    return synced && (this.interception === undefined || this.interception.inPlace());
  }

  async start(): Promise<AgentEndpoints> {
    const { config, logger } = this.options;
    for (const w of config.warnings) logger.warn(w);
    await kubenetGuard(config, logger);
    logger.warn(
      "pods that keep NET_RAW can spoof other pods' IPs on bridge networks; drop NET_RAW in workloads (see docs/security.md)",
    );
    await Promise.all(this.wired.feeds.map((f) => f.start()));
    this.server = await startServer(this.wired.app, {
      host: config.listenAddress,
      port: config.port,
      maxHeaderBytes: 8 * 1024,
      requestTimeoutMs: config.requestTimeoutMs,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: config.maxConnections,
    });
    await this.startProbes();
    if (config.iptables.manage) {
      const run = this.options.commandRunner;
      this.interception = new InterceptionLoop({
        config,
        manager: interceptionManager(config, run),
        clock: this.options.clock,
        logger,
        metrics: this.wired.metrics,
        run,
      });
      await this.interception.start();
    }
    const endpoints = {
      port: this.server.port,
      probePort: this.probes?.probe.port ?? 0,
      metricsPort: this.probes?.metrics.port ?? 0,
    };
    logger.info(
      {
        node: config.node,
        mode: config.mode,
        listen: `${config.listenAddress}:${this.server.port}`,
        forceNamespaced: config.forceNamespaced,
        ...endpoints,
      },
      'nmi started',
    );
    return endpoints;
  }

  /** Graceful: unready, stop accepting, drain (bounded), then stop watches. Rules are left in place. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const { config, logger } = this.options;
    logger.info('nmi stopping: draining requests (interception rules stay in place)');
    await this.server?.close(config.shutdownGraceMs);
    await this.interception?.close();
    await Promise.all(this.wired.feeds.map((f) => f.stop().catch(() => undefined)));
    await this.probes?.close();
    logger.info('nmi stopped');
  }

  private async startProbes(): Promise<void> {
    const { config, registry } = this.options;
    this.probes = await startProbeServers({
      probePort: config.probePort,
      metricsPort: config.metricsPort,
      host: config.probeAddress,
      registry,
      readinessChecks: { ready: () => this.ready() },
    });
  }
}
