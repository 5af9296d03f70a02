// The one probe-and-metrics layout of MIC and NMI: /healthz and /readyz on the probe port, /metrics on
// the metrics port, or all three on one server when both flags name the same port.
import type { Registry } from 'prom-client';
import { startProbeServer, type HealthCheck, type ProbeServer } from './probe-server';

export interface ProbeServersOptions {
  /** 0 picks a free port (tests); two zeros give two servers. */
  readonly probePort: number;
  readonly metricsPort: number;
  readonly host?: string;
  readonly registry: Registry;
  readonly readinessChecks: Readonly<Record<string, HealthCheck>>;
}

export interface ProbeServers {
  /** Serves /healthz and /readyz. */
  readonly probe: ProbeServer;
  /** Serves /metrics (the same server as `probe` when the ports are equal). */
  readonly metrics: ProbeServer;
  close(): Promise<void>;
}

export async function startProbeServers(options: ProbeServersOptions): Promise<ProbeServers> {
  const { probePort, metricsPort, host, registry, readinessChecks } = options;
  if (probePort === metricsPort && probePort !== 0) {
    const both = await startProbeServer({ port: probePort, host, registry, readinessChecks });
    return { probe: both, metrics: both, close: () => both.close() };
  }
  const probe = await startProbeServer({ port: probePort, host, readinessChecks });
  try {
    // The metrics port answers /readyz too, so a scrape target can be probed on its own port.
    const metrics = await startProbeServer({ port: metricsPort, host, registry, readinessChecks });
    return { probe, metrics, close: async () => void (await Promise.all([probe.close(), metrics.close()])) };
  } catch (err) {
    await probe.close();
    throw err;
  }
}
