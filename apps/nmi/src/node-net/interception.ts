// Keeps the interception in place: the kubenet guard at startup, route_localnet for a loopback DNAT
// target, a reconcile now and then every interval, an optional conntrack flush after the first install.
// Errors are logged and make the agent unready; they never remove anything.
import { readFile, writeFile } from 'node:fs/promises';
import type { Logger } from '@pod-identity/platform';
import type { NmiConfig } from '../config/config';
import type { NmiMetrics } from '../ops/metrics';
import type { Clock } from '../util/clock';
import { flushMetadataConntrack, type CommandRunner, IptablesManager } from './iptables';
import { desiredRules, dnatTarget, kubeletUsesKubenet } from './rules';

export const KUBENET_TEXT =
  'AAD Pod Identity is not supported for Kubenet: a pod with NET_RAW can ARP-spoof another pod and take its identity. Pass --allow-network-plugin-kubenet only if every pod drops NET_RAW.';

/** Throws when the node uses kubenet and that is not allowed. A missing kubelet file is only a warning. */
export async function kubenetGuard(
  config: NmiConfig,
  logger: Logger,
  read: (path: string) => Promise<string> = (p) => readFile(p, 'utf8'),
): Promise<void> {
  if (config.iptables.allowKubenet) return;
  let text: string;
  try {
    text = await read(config.iptables.kubeletConfig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      logger.warn(
        { file: config.iptables.kubeletConfig },
        'kubelet config not found: cannot check for kubenet',
      );
      return;
    }
    throw err;
  }
  if (kubeletUsesKubenet(text)) throw new Error(KUBENET_TEXT);
}

/** Where the kernel keeps route_localnet for every interface of the node's network namespace. */
export const ROUTE_LOCALNET = '/proc/sys/net/ipv4/conf/all/route_localnet';

export type RouteLocalnetOutcome = 'already-on' | 'set' | 'not-settable';

/**
 * Makes sure route_localnet is 1 (a DNAT to 127.0.0.1 from PREROUTING is dropped otherwise). Reads first:
 * kube-proxy in iptables mode sets it on every node, and a container sees /proc/sys read-only, so the write
 * is only tried when the value is 0.
 */
export async function ensureRouteLocalnet(
  read: (path: string) => Promise<string>,
  write: (path: string, value: string) => Promise<void>,
): Promise<RouteLocalnetOutcome> {
  const current = await read(ROUTE_LOCALNET).then(
    (v) => v.trim(),
    () => '',
  );
  if (current === '1') return 'already-on';
  try {
    await write(ROUTE_LOCALNET, '1');
    return 'set';
  } catch {
    return 'not-settable';
  }
}

export function interceptionManager(config: NmiConfig, run?: CommandRunner): IptablesManager {
  const target = dnatTarget(config.listenAddress, config.hostIp);
  return new IptablesManager(
    desiredRules({
      metadataIp: config.metadataIp,
      metadataPort: config.metadataPort,
      targetIp: target,
      targetPort: config.port,
    }),
    run,
  );
}

export interface InterceptionLoopDeps {
  readonly config: NmiConfig;
  readonly manager: IptablesManager;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: NmiMetrics;
  /** Runs iptables/conntrack/sysctl (default: the real binaries). */
  readonly run?: CommandRunner;
}

export class InterceptionLoop {
  private healthy = false;
  private flushed = false;
  private readonly stop = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly deps: InterceptionLoopDeps) {}

  /** True after the last reconcile succeeded. */
  inPlace(): boolean {
    return this.healthy;
  }

  /** Reconciles once (awaited) and then every interval in the background. */
  async start(): Promise<void> {
    await this.setRouteLocalnet();
    await this.once();
    this.loop = this.repeat();
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.loop;
  }

  private async repeat(): Promise<void> {
    for (;;) {
      try {
        await this.deps.clock.sleep(this.deps.config.iptables.intervalMs, this.stop.signal);
      } catch {
        return;
      }
      await this.once();
    }
  }

  private async once(): Promise<void> {
    try {
      const outcome = await this.deps.manager.reconcile();
      this.healthy = true;
      this.deps.metrics.iptablesReconciles.inc({ outcome });
      if (outcome === 'repaired')
        this.deps.logger.warn('iptables interception rules were missing or wrong; repaired');
      await this.flushConntrackOnce();
    } catch (err) {
      this.healthy = false;
      this.deps.metrics.iptablesReconciles.inc({ outcome: 'error' });
      this.deps.logger.error({ err }, 'iptables reconcile failed; not ready until it succeeds');
    }
  }

  private async flushConntrackOnce(): Promise<void> {
    if (!this.deps.config.iptables.conntrackFlush || this.flushed) return;
    await flushMetadataConntrack(this.deps.config.metadataIp, this.deps.config.metadataPort, this.deps.run);
    this.flushed = true;
    this.deps.logger.info('deleted conntrack entries of connections to the metadata address');
  }

  private async setRouteLocalnet(): Promise<void> {
    const target = dnatTarget(this.deps.config.listenAddress, this.deps.config.hostIp);
    if (!this.deps.config.iptables.setRouteLocalnet || !target.startsWith('127.')) return;
    const outcome = await ensureRouteLocalnet(
      (p) => readFile(p, 'utf8'),
      (p, v) => writeFile(p, v),
    );
    if (outcome === 'not-settable')
      this.deps.logger.warn(
        { file: ROUTE_LOCALNET },
        "route_localnet is 0 and NMI cannot set it (read-only /proc/sys): pods' metadata requests are DNATed to 127.0.0.1 and dropped until it is 1; set net.ipv4.conf.all.route_localnet=1 on the node (kube-proxy in iptables mode does), or run NMI with --nmi-listen-address=0.0.0.0 and --host-ip",
      );
  }
}
