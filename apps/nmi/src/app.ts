// Assembles NMI from a validated configuration: the agent with its clients, metrics and probes.
// cli.ts calls it with real inputs; tests may call it in-process (as MIC's app.ts).
import type { KubeCredentials } from '@pod-identity/kube';
import {
  createMetricsRegistry,
  systemClock,
  type Clock,
  type Logger,
  type Registry,
} from '@pod-identity/platform';
import { NmiAgent, type AgentEndpoints } from './agent';
import type { NmiConfig } from './config/config';

export interface NmiRuntime {
  readonly config: NmiConfig;
  readonly kubeConfig: KubeCredentials;
  readonly logger: Logger;
  readonly version: string;
  readonly clock?: Clock;
  /** PEM of extra CAs for Entra authorities (from --authority-ca-file). */
  readonly authorityCaPem?: string;
}

export interface NmiHandle {
  readonly endpoints: AgentEndpoints;
  readonly registry: Registry;
  /** Unready, drain (bounded), stop watches; interception rules stay in place. */
  stop(): Promise<void>;
}

export async function startNmi(runtime: NmiRuntime): Promise<NmiHandle> {
  const registry = createMetricsRegistry({ processMetrics: true, processMetricsPrefix: 'nmi_' });
  const agent = new NmiAgent({
    config: runtime.config,
    kubeConfig: runtime.kubeConfig,
    logger: runtime.logger,
    clock: runtime.clock ?? systemClock,
    registry,
    version: runtime.version,
    authorityCaPem: runtime.authorityCaPem,
  });
  const endpoints = await agent.start();
  return { endpoints, registry, stop: () => agent.stop() };
}
