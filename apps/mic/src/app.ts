// Assembles MIC from a validated configuration: Kubernetes and ARM clients, leader election, the
// controller, metrics and probes. main.ts calls it with real inputs; integration tests call it in-process.
import {
  ComputeIdentityClient,
  createArmCredential,
  FederatedCredentialClient,
  type ComputeIdentityPort,
} from '@pod-identity/azure-arm';
import {
  crdClients,
  EventRecorder,
  HttpEventSink,
  HttpLeaseStore,
  KubeHttp,
  LeaderElector,
  type KubeCredentials,
} from '@pod-identity/kube';
import {
  createMetricsRegistry,
  startProbeServers,
  systemClock,
  type Clock,
  type Logger,
  type Registry,
} from '@pod-identity/platform';
import type { MicConfig } from './config/config';
import { MicController } from './controller';
import { ReloadingComputePort } from './azure/reloading-arm';
import { ReloadingFederatedPort } from './azure/reloading-federated';
import { KubeAssignedIdentityWriter } from './kube/assigned-writer';
import { RecorderAssignmentEvents } from './kube/assignment-events';
import { ConfigMapFederatedLedger } from './kube/federated-ledger-store';
import { ConfigMapLedgerStore } from './kube/ledger-store';
import { MicMetrics } from './ops/metrics';

export interface MicRuntime {
  readonly config: MicConfig;
  readonly kubeConfig: KubeCredentials;
  readonly logger: Logger;
  readonly version: string;
  readonly clock?: Clock;
  /** Extra trusted CA (PEM) for Entra and ARM, besides NODE_EXTRA_CA_CERTS (tests against the emulator). */
  readonly caPem?: string;
  /** Replaces the ARM adapter (never used in production). */
  readonly arm?: ComputeIdentityPort;
}

export function buildFederatedClient(
  config: MicConfig,
  metrics: MicMetrics,
  version: string,
  caPem?: string,
): FederatedCredentialClient {
  const { credential } = createArmCredential(config.cloud, config.environment, caPem);
  return new FederatedCredentialClient({
    credential,
    endpoint: config.environment.resourceManagerEndpoint,
    scope: config.environment.armScope,
    userAgentSuffix: `pod-identity-mic/${version}${config.userAgent ? ` ${config.userAgent}` : ''}`,
    observer: metrics.armObserver(),
    caPem,
  });
}

export interface MicHandle {
  readonly metrics: MicMetrics;
  readonly registry: Registry;
  readonly probeUrl: string;
  readonly metricsUrl: string;
  isLeader(): boolean;
  /** Leader with synced caches and a first sync done. */
  isActive(): boolean;
  syncCount(): number;
  /** Swaps the ARM client, e.g. after the cloud config file changed. */
  reloadArm(config: MicConfig): void;
  /** Stops leading (releasing the Lease), waits for running work (bounded), closes servers. */
  stop(): Promise<void>;
  /** Stops without releasing the Lease, as a crashed replica would (tests). */
  abandon(): Promise<void>;
}

export function buildArmClient(
  config: MicConfig,
  metrics: MicMetrics,
  version: string,
  caPem?: string,
): ComputeIdentityClient {
  const { credential } = createArmCredential(config.cloud, config.environment, caPem);
  return new ComputeIdentityClient({
    credential,
    endpoint: config.environment.resourceManagerEndpoint,
    scope: config.environment.armScope,
    pollIntervalMs: config.armPollIntervalMs,
    userAgentSuffix: `pod-identity-mic/${version}${config.userAgent ? ` ${config.userAgent}` : ''}`,
    observer: metrics.armObserver(),
    caPem,
  });
}

export async function startMic(runtime: MicRuntime): Promise<MicHandle> {
  const { config, logger } = runtime;
  const clock = runtime.clock ?? systemClock;
  const registry = createMetricsRegistry({ processMetrics: true, processMetricsPrefix: 'mic_' });
  const metrics = new MicMetrics(registry);
  const http = new KubeHttp(runtime.kubeConfig, { userAgent: `pod-identity-mic/${runtime.version}` });
  const arm = new ReloadingComputePort(
    runtime.arm ?? buildArmClient(config, metrics, runtime.version, runtime.caPem),
  );
  const federatedPort = new ReloadingFederatedPort(
    buildFederatedClient(config, metrics, runtime.version, runtime.caPem),
  );
  const recorder = new EventRecorder({
    sink: new HttpEventSink(http),
    component: 'pod-identity-mic',
    instance: config.leaderElection.instance,
    clock,
    logger,
  });
  const events = new RecorderAssignmentEvents(recorder, { clock });
  const clients = crdClients(http, 'pod-identity-mic');
  const controller = new MicController({
    http,
    arm,
    writer: (world) => new KubeAssignedIdentityWriter(clients.assignedIdentities, world.overlay, clock),
    ledger: new ConfigMapLedgerStore(http, config.podNamespace, config.ledgerPrefix),
    events,
    clock,
    logger,
    metrics,
    settings: {
      forceNamespaced: config.forceNamespaced,
      placement: config.placement,
      defaultSubscriptionId: config.cloud.subscriptionId,
      defaultResourceGroup: config.cloud.resourceGroup,
      defaultBackend: config.federation.defaultBackend,
    },
    federation: {
      port: federatedPort,
      ledger: new ConfigMapFederatedLedger(http, config.podNamespace, config.ledgerPrefix),
      settings: config.federation,
    },
    immutable: { clientIds: new Set(config.immutableClientIds) },
    tuning: config.tuning,
  });
  const le = config.leaderElection;
  const elector = new LeaderElector({
    store: new HttpLeaseStore(http, le.namespace, le.name),
    identity: le.instance,
    leaseDurationMs: le.durationMs,
    renewDeadlineMs: Math.round((le.durationMs * 2) / 3),
    retryPeriodMs: Math.round(le.durationMs / 5),
    clock,
    logger,
    onStartedLeading: async (signal) => {
      logger.info({ instance: le.instance }, 'became leader');
      metrics.leader.set(1);
      try {
        await controller.run(signal);
      } finally {
        metrics.leader.set(0);
      }
    },
    onStoppedLeading: () => logger.info({ instance: le.instance }, 'stopped leading'),
    onNewLeader: (holder) => logger.info({ leader: holder ?? null }, 'leader observed'),
  });
  const servers = await startProbeServers({
    probePort: config.probePort,
    metricsPort: config.metricsPort,
    host: config.bindAddress,
    registry,
    readinessChecks: { controller: () => !elector.isLeader() || controller.ready },
  });
  elector.start();
  return {
    metrics,
    registry,
    probeUrl: servers.probe.url,
    metricsUrl: servers.metrics.url,
    isLeader: () => elector.isLeader(),
    isActive: () => elector.isLeader() && controller.ready,
    syncCount: () => controller.syncs,
    reloadArm: (next) => {
      arm.replace(buildArmClient(next, metrics, runtime.version, runtime.caPem));
      federatedPort.replace(buildFederatedClient(next, metrics, runtime.version, runtime.caPem));
    },
    stop: async () => {
      await elector.stop({ release: true });
      events.close();
      await recorder.flush();
      await servers.close();
      http.close();
    },
    abandon: async () => {
      await elector.stop({ release: false });
      events.close();
      await servers.close();
      http.close();
    },
  };
}
