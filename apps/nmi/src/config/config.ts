// argv + env → a frozen NmiConfig (pure; main.ts passes process.argv/env in). The only place flag
// values are interpreted.
import { FlagError, formatHelp, KLOG_FLAGS, parseFlags, type ParsedFlags } from '@pod-identity/platform';
import type { IdentityBackend } from '@pod-identity/domain';
import type { MultipleIdentitiesPolicy } from '../identity/choose';
import { NMI_FLAGS, type NmiFlags } from './flags';

export interface NmiConfig {
  readonly node: string;
  readonly mode: 'standard' | 'managed';
  readonly forceNamespaced: boolean;
  readonly metadataHeaderRequired: boolean;
  readonly blockInstanceMetadata: boolean;
  readonly listenAddress: string;
  readonly port: number;
  readonly hostIp: string | undefined;
  readonly metadataIp: string;
  readonly metadataPort: number;
  readonly probeAddress: string;
  readonly probePort: number;
  readonly metricsPort: number;
  readonly assignmentWaitMs: number;
  readonly retryAfterSec: number;
  readonly setRetryAfterHeader: boolean;
  readonly unprocessedGraceMs: number;
  readonly podLookupWaitMs: number;
  readonly multipleIdentities: MultipleIdentitiesPolicy;
  readonly iptables: {
    readonly manage: boolean;
    readonly uninstall: boolean;
    readonly intervalMs: number;
    readonly setRouteLocalnet: boolean;
    readonly conntrackFlush: boolean;
    readonly allowKubenet: boolean;
    readonly kubeletConfig: string;
  };
  readonly hostToken: {
    readonly mode: 'disabled' | 'tokenreview';
    readonly audience: string;
    readonly allowed: readonly string[];
  };
  readonly cache: { readonly maxEntries: number; readonly minValiditySec: number };
  readonly upstream: {
    readonly ratePerSec: number;
    readonly concurrency: number;
    readonly timeoutMs: number;
    readonly queueWaitMs: number;
    readonly defaultAuthority: string;
    readonly authorityCaFile: string | undefined;
    readonly customUserAgent: string;
  };
  /** The federated backend (docs/adr/0010). */
  readonly federation: { readonly defaultBackend: IdentityBackend; readonly tenantId: string | undefined };
  readonly kubeconfig: string | undefined;
  readonly shutdownGraceMs: number;
  readonly requestTimeoutMs: number;
  readonly maxConnections: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** Deprecation and compatibility notes for the startup log. */
  readonly warnings: readonly string[];
}

export type ConfigResult =
  | { readonly kind: 'run'; readonly config: NmiConfig }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version' };

export const HELP_SUMMARY =
  "NMI, the node agent of pod identity: answers pods' metadata-endpoint token requests (redirected by iptables) with tokens of the identities they hold.";

/** Throws FlagError (every problem listed) for invalid input. */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ConfigResult {
  const parsed = parseFlags(NMI_FLAGS, { argv, env, ignore: KLOG_FLAGS });
  if (parsed.help)
    return { kind: 'help', text: formatHelp(NMI_FLAGS, { program: 'nmi', summary: HELP_SUMMARY }) };
  if (parsed.version) return { kind: 'version' };
  return { kind: 'run', config: Object.freeze(toConfig(parsed)) };
}

function toConfig(parsed: ParsedFlags<NmiFlags>): NmiConfig {
  const v = parsed.values;
  const warnings = [...parsed.warnings, ...compatWarnings(parsed)];
  if (v['operation-mode'] === 'managed' && !v.forceNamespaced) {
    throw new FlagError([
      "--operation-mode=managed requires --forceNamespaced (a pod may only use its own namespace's bindings)",
    ]);
  }
  if (v['host-token-mode'] === 'tokenreview' && v['host-token-allowed-service-accounts'].length === 0) {
    throw new FlagError([
      '--host-token-mode=tokenreview needs --host-token-allowed-service-accounts=<namespace>/<name>,...',
    ]);
  }
  return {
    node: v.node,
    mode: v['operation-mode'] as 'standard' | 'managed',
    forceNamespaced: v.forceNamespaced,
    metadataHeaderRequired: v['metadata-header-required'],
    blockInstanceMetadata: v['block-instance-metadata'],
    listenAddress: v['nmi-listen-address'],
    port: v['nmi-port'],
    hostIp: v['host-ip'] || undefined,
    metadataIp: v['metadata-ip'],
    metadataPort: v['metadata-port'],
    probeAddress: v['probe-address'],
    probePort: v['http-probe-port'],
    metricsPort: v['prometheus-port'],
    assignmentWaitMs: assignmentWait(parsed, warnings),
    retryAfterSec: Math.round(v['retry-after'] / 1000),
    setRetryAfterHeader: v['set-retry-after-header'],
    unprocessedGraceMs: v['unprocessed-pod-grace'],
    podLookupWaitMs: v['pod-lookup-wait'],
    multipleIdentities: v['multiple-identities'] as MultipleIdentitiesPolicy,
    iptables: {
      manage: v['manage-iptables'],
      uninstall: v['uninstall-iptables'],
      intervalMs: v['ipt-update-interval-sec'],
      setRouteLocalnet: v['set-route-localnet'],
      conntrackFlush: v['enable-conntrack-deletion'],
      allowKubenet: v['allow-network-plugin-kubenet'],
      kubeletConfig: v['kubelet-config'],
    },
    hostToken: {
      mode: v['host-token-mode'] as 'disabled' | 'tokenreview',
      audience: v['host-token-audience'],
      allowed: v['host-token-allowed-service-accounts'],
    },
    cache: { maxEntries: v['token-cache-size'], minValiditySec: Math.round(v['token-min-validity'] / 1000) },
    upstream: {
      ratePerSec: v['imds-rate'],
      concurrency: v['imds-concurrency'],
      timeoutMs: v['upstream-timeout'],
      queueWaitMs: v['upstream-queue-wait'],
      defaultAuthority: v['default-ad-endpoint'],
      authorityCaFile: v['authority-ca-file'] || undefined,
      customUserAgent: v['custom-user-agent'],
    },
    federation: {
      defaultBackend: v['default-identity-backend'] as IdentityBackend,
      tenantId: v['federated-tenant-id'] || undefined,
    },
    kubeconfig: v.kubeconfig || undefined,
    shutdownGraceMs: v['shutdown-grace'],
    requestTimeoutMs: v['request-timeout'],
    maxConnections: v['max-connections'],
    logLevel: v['log-level'] as NmiConfig['logLevel'],
    warnings,
  };
}

const LEGACY_WAIT_CAP_MS = 30_000;

/** --assignment-wait, or (original knobs) (created + assigned attempts) × interval, capped at 30 s. */
function assignmentWait(parsed: ParsedFlags<NmiFlags>, warnings: string[]): number {
  const v = parsed.values;
  const legacy = [
    'retry-attempts-for-created',
    'retry-attempts-for-assigned',
    'find-identity-retry-interval',
  ] as const;
  const legacyGiven = legacy.some((name) => parsed.sources[name] !== 'unset');
  if (!legacyGiven || parsed.sources['assignment-wait'] === 'argv') return v['assignment-wait'];
  const attempts = (v['retry-attempts-for-created'] ?? 16) + (v['retry-attempts-for-assigned'] ?? 4);
  const wait = Math.min(LEGACY_WAIT_CAP_MS, attempts * (v['find-identity-retry-interval'] ?? 5000));
  warnings.push(
    `--retry-attempts-for-*/--find-identity-retry-interval map to --assignment-wait=${wait}ms (capped at 30s); prefer --assignment-wait`,
  );
  return wait;
}

function compatWarnings(parsed: ParsedFlags<NmiFlags>): string[] {
  const out: string[] = [];
  const s = parsed.sources;
  if (s.MICNamespace === 'argv')
    out.push('--MICNamespace is ignored: MIC reaches IMDS through an AzurePodIdentityException');
  if (s.enableScaleFeatures === 'argv')
    out.push('--enableScaleFeatures is ignored: assigned identities are always watched by node label');
  if (s.enableProfile === 'argv') out.push('--enableProfile is ignored');
  if (s['log-format'] === 'argv' && parsed.values['log-format'] === 'text')
    out.push('--log-format=text is ignored: logs are JSON');
  return out;
}
