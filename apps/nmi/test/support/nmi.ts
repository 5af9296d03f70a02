// Runs NMI in-process against the envtest API server (as its own ServiceAccount) and an IMDS, with
// logs captured for the redaction scan.
import { Writable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import { createLogger, createMetricsRegistry, systemClock } from '@pod-identity/platform';
import { type AgentEndpoints, NmiAgent } from '../../src/agent';
import { loadConfig } from '../../src/config/config';
import type { CredentialFactory } from '../../src/tokens/entra-client';
import { pollUntil } from '@pod-identity/platform';

export interface RunningNmi extends AgentEndpoints {
  readonly agent: NmiAgent;
  readonly logs: string[];
  stop(): Promise<void>;
}

export interface StartNmiOptions {
  readonly kubeConfig: KubeConfig;
  readonly node: string;
  readonly imdsPort: number;
  readonly args?: readonly string[];
  readonly authorityCaPem?: string;
  readonly credentials?: CredentialFactory;
}

export async function startNmi(options: StartNmiOptions): Promise<RunningNmi> {
  const result = loadConfig(
    [
      `--node=${options.node}`,
      '--nmi-port=0',
      '--http-probe-port=0',
      '--prometheus-port=0',
      '--probe-address=127.0.0.1',
      '--metadata-ip=127.0.0.1',
      `--metadata-port=${options.imdsPort}`,
      '--manage-iptables=false',
      '--kubelet-config=/nonexistent/kubelet',
      '--shutdown-grace=2s',
      '--log-level=debug',
      ...(options.args ?? []),
    ],
    {},
  );
  if (result.kind !== 'run') throw new Error('unexpected config result');
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const agent = new NmiAgent({
    config: result.config,
    kubeConfig: options.kubeConfig,
    logger: createLogger({ name: 'nmi', level: 'debug', destination }),
    clock: systemClock,
    registry: createMetricsRegistry(),
    version: 'test',
    authorityCaPem: options.authorityCaPem,
    credentials: options.credentials,
  });
  const endpoints = await agent.start();
  return { ...endpoints, agent, logs, stop: () => agent.stop() };
}

/** Waits (bounded) until the agent reports ready. */
export async function waitReady(nmi: RunningNmi, timeoutMs = 20_000): Promise<void> {
  await pollUntil('nmi to become ready', () => nmi.agent.ready(), { timeoutMs });
}
