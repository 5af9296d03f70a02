// Turns parsed flags, the environment and the cloud config into one frozen, validated configuration.
// Pure apart from the injected file reader; every problem is reported at once.
import {
  CloudConfigError,
  cloudConfigFromEnv,
  parseCloudConfig,
  resolveCloudEnvironment,
  type CloudConfig,
  type CloudEnvironment,
} from '@pod-identity/azure-arm';
import type { FlagValues, LogLevel } from '@pod-identity/platform';
import type { IdentityBackend } from '@pod-identity/domain';
import type { ControllerTuning } from '../controller';
import type { FederationSettings } from '../federated/model';
import type { PlacementPolicy } from '../plan/model';
import type { MIC_FLAGS } from './flags';

/** How long MIC waits for its informers' first lists before warning and waiting again. */
export const CACHE_SYNC_TIMEOUT_MS = 60_000;

export interface MicConfig {
  readonly kubeconfig?: string;
  readonly podNamespace: string;
  /** Name prefix of the ledger ConfigMaps (docs/adr/0005). */
  readonly ledgerPrefix: string;
  readonly forceNamespaced: boolean;
  readonly placement: PlacementPolicy;
  readonly leaderElection: {
    readonly instance: string;
    readonly namespace: string;
    readonly name: string;
    readonly durationMs: number;
  };
  readonly probePort: number;
  readonly metricsPort: number;
  readonly bindAddress: string;
  readonly tuning: ControllerTuning;
  /** Lower-case client ids never removed: --immutable-user-msis plus the cloud config's own identity. */
  readonly immutableClientIds: readonly string[];
  readonly cloud: CloudConfig;
  readonly environment: CloudEnvironment;
  readonly cloudConfigPath?: string;
  readonly environmentFilePath?: string;
  readonly armPollIntervalMs: number;
  readonly userAgent: string;
  readonly logLevel: LogLevel;
  /** The federated backend (docs/adr/0010). */
  readonly federation: FederationSettings;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface ConfigInput {
  readonly values: FlagValues<typeof MIC_FLAGS>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: (path: string) => string;
  readonly hostname: string;
}

/** The cloud config and its environment, from azure.json or the environment variables. */
export function loadCloud(
  input: Pick<ConfigInput, 'env' | 'readFile'>,
  cloudConfigPath: string | undefined,
): { cloud: CloudConfig; environment: CloudEnvironment } {
  const cloud = cloudConfigPath
    ? parseCloudConfig(read(input, cloudConfigPath, '--cloudconfig'), cloudConfigPath)
    : cloudConfigFromEnv(input.env);
  const envFile = input.env.AZURE_ENVIRONMENT_FILEPATH;
  const environment = resolveCloudEnvironment({
    cloud: cloud.cloud,
    environmentFile: envFile ? read(input, envFile, 'AZURE_ENVIRONMENT_FILEPATH') : undefined,
    resourceManagerEndpoint: cloud.resourceManagerEndpoint,
  });
  return { cloud, environment };
}

function read(input: Pick<ConfigInput, 'readFile'>, path: string, what: string): string {
  try {
    return input.readFile(path);
  } catch (err) {
    throw new ConfigError(`${what}: cannot read ${path}: ${(err as Error).message}`);
  }
}

function cloudOrIssue(input: ConfigInput, issues: string[]): ReturnType<typeof loadCloud> | undefined {
  try {
    return loadCloud(input, input.values.cloudconfig || undefined);
  } catch (err) {
    if (err instanceof CloudConfigError || err instanceof ConfigError || err instanceof Error)
      issues.push(err.message);
    return undefined;
  }
}

export function buildConfig(input: ConfigInput): MicConfig {
  const v = input.values;
  const issues: string[] = [];
  const loaded = cloudOrIssue(input, issues);
  if (issues.length > 0 || !loaded) throw new ConfigError(`invalid configuration:\n  ${issues.join('\n  ')}`);
  const immutable = [...v['immutable-user-msis'], loaded.cloud.userAssignedIdentityID ?? '']
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  const durationMs = v['leader-election-duration'];
  const config: MicConfig = {
    kubeconfig: v.kubeconfig || undefined,
    podNamespace: v['pod-namespace'],
    ledgerPrefix: v['ledger-prefix'],
    forceNamespaced: v.forceNamespaced,
    placement: v['assigned-identity-namespace']
      ? { mode: 'fixed', namespace: v['assigned-identity-namespace'] }
      : { mode: 'pod-namespace' },
    leaderElection: {
      instance: v['leader-election-instance'] || input.hostname,
      namespace: v['leader-election-namespace'] || v['pod-namespace'],
      name: v['leader-election-name'],
      durationMs,
    },
    probePort: v['http-probe-port'],
    metricsPort: v['prometheus-port'],
    bindAddress: v['bind-address'],
    tuning: {
      kubeConcurrency: v.createDeleteBatch,
      targetConcurrency: v['arm-concurrency'],
      resyncIntervalMs: v.syncRetryDuration,
      driftIntervalMs: v['identity-assignment-reconcile-interval'],
      writeBudget: {
        perMinute: v['arm-writes-per-minute'],
        burst: v['arm-write-burst'],
        perTargetPerMinute: v['arm-target-writes-per-minute'],
        perTargetBurst: v['arm-target-write-burst'],
      },
      cacheSyncTimeoutMs: CACHE_SYNC_TIMEOUT_MS,
      shutdownGraceMs: v['shutdown-grace'],
      transientRetryMs: Math.max(100, v['update-user-msi-retry-interval']),
      isolationRetries: v['update-user-msi-max-retry'],
      coalescing: { quietMs: v['arm-coalesce-quiet'], maxMs: v['arm-coalesce-max'] },
    },
    immutableClientIds: [...new Set(immutable)],
    cloud: loaded.cloud,
    environment: loaded.environment,
    cloudConfigPath: v.cloudconfig || undefined,
    environmentFilePath: input.env.AZURE_ENVIRONMENT_FILEPATH || undefined,
    armPollIntervalMs: v['arm-poll-interval'],
    userAgent: v['custom-user-agent'],
    logLevel: v['log-level'] as LogLevel,
    federation: {
      defaultBackend: v['default-identity-backend'] as IdentityBackend,
      issuer: v['oidc-issuer-url'] || undefined,
      manage: v['manage-federated-credentials'],
      settleMs: v['federated-credential-settle'],
    },
  };
  return deepFreeze(config);
}

function deepFreeze<T>(obj: T): T {
  if (obj && typeof obj === 'object') {
    for (const value of Object.values(obj)) deepFreeze(value);
    Object.freeze(obj);
  }
  return obj;
}
