// Builds the object graph of the agent from the config and the injected outside world. No I/O here
// beyond constructing clients; the agent starts things.
import type { RequestListener } from 'node:http';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { type NormalizedAzurePodIdentityException, NODENAME_LABEL } from '@pod-identity/crd-types';
import { findPodException } from '@pod-identity/domain';
import { crdInformer, KubeHttp, podInformer } from '@pod-identity/kube';
import type { Logger, Registry } from '@pod-identity/platform';
import type { NmiConfig } from './config/config';
import { createListener } from './http/listener';
import type { HostTokenAuth } from './http/host-token';
import { ImdsProxy } from './http/imds-proxy';
import { AssignedGrantSource, assignedIdentityStore, bindingStore, identityStore, ManagedGrantSource } from './identity/grant-sources';
import type { PodInfo } from './identity/model';
import { ObjectStore } from './identity/object-store';
import { PodIndex } from './identity/pod-index';
import { type GrantSource, Resolver } from './identity/resolver';
import { kubeSecretReader, kubeServiceAccountTokenMinter, kubeTokenReviewer } from './kube/adapters';
import { type Feed, type FeedOptions, informerFeed } from './kube/feeds';
import { podCanSpoof, toPodInfo } from './kube/pod-info';
import { createNmiMetrics, type NmiMetrics } from './ops/metrics';
import { UpstreamBudget } from './tokens/budget';
import { TokenCache } from './tokens/cache';
import { azureIdentityCredentials, type CredentialFactory, EntraTokenClient } from './tokens/entra-client';
import { ImdsTokenClient, type UpstreamObserver } from './tokens/imds-client';
import { FederatedTokenSource } from './tokens/federated-source';
import { TokenService } from './tokens/token-service';
import type { Clock } from './util/clock';

export interface Outside {
  readonly config: NmiConfig;
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly registry: Registry;
  readonly version: string;
  /** PEM of extra CAs for Entra authorities (read by main.ts from --authority-ca-file). */
  readonly authorityCaPem?: string;
  /** Replaces the @azure/identity credentials (tests of failure paths only). */
  readonly credentials?: CredentialFactory;
}

export interface Wired {
  readonly app: RequestListener;
  readonly feeds: readonly Feed[];
  readonly metrics: NmiMetrics;
  readonly cache: TokenCache;
  readonly pods: PodIndex;
}

export function wire(outside: Outside): Wired {
  const { config, logger, clock } = outside;
  const metrics = createNmiMetrics(outside.registry);
  const pods = new PodIndex();
  const kube = kubeClients(outside);
  const feeds: Feed[] = [podFeed(kube, pods, config.node, logger)];
  const exceptions = new ObjectStore<NormalizedAzurePodIdentityException>();
  feeds.push(informerFeed('exceptions', crdInformer(kube.http, 'AzurePodIdentityException', { clock: kube.clock }), exceptions, (e) => e, kube.feed));
  const grants = grantSource(config, kube, feeds);
  const resolver = new Resolver(
    pods,
    grants,
    clock,
    { forceNamespaced: config.forceNamespaced, multipleIdentities: config.multipleIdentities, unprocessedGraceMs: config.mode === 'standard' ? config.unprocessedGraceMs : 0 },
    { podLookupWaitMs: config.podLookupWaitMs, assignmentWaitMs: config.assignmentWaitMs },
    (outcome) => metrics.assignmentWaits.inc({ outcome }),
  );
  const cache = new TokenCache(
    { maxEntries: config.cache.maxEntries, minRemainingSec: config.cache.minValiditySec, refreshFraction: 0.5, staleGraceSec: 30 },
    clock,
    (key, err) => logger.warn({ err, cacheKey: key.split('|')[0] }, 'background token refresh failed; serving the cached token'),
  );
  const tokens = tokenService(outside, kube.http, cache, metrics);
  const proxyBudget = new UpstreamBudget({ ratePerSec: 20, burst: 20, maxConcurrent: 4, maxWaitMs: config.upstream.queueWaitMs }, clock);
  const proxy = new ImdsProxy({ baseUrl: imdsBase(config), timeoutMs: config.upstream.timeoutMs, maxBodyBytes: 64 * 1024 }, proxyBudget);
  const isException = (pod: PodInfo): boolean => findPodException(pod, exceptions.list()) !== undefined;
  const app = createListener({
    options: {
      metadataHeaderRequired: config.metadataHeaderRequired,
      blockInstanceMetadata: config.blockInstanceMetadata,
      maxUrlLength: 4096,
      assignmentRetryAfterSec: config.retryAfterSec,
      setRetryAfterHeader: config.setRetryAfterHeader,
    },
    resolver,
    tokens,
    proxy,
    isException,
    hostAuth: hostAuth(outside, kube.http),
    logger,
    metrics,
    clock,
  });
  return { app, feeds, metrics, cache, pods };
}

export function imdsBase(config: NmiConfig): string {
  const host = config.metadataIp.includes(':') ? `[${config.metadataIp}]` : config.metadataIp;
  return `http://${host}:${config.metadataPort}`;
}

interface KubeClients {
  readonly http: KubeHttp;
  readonly clock: Clock;
  readonly feed: FeedOptions;
}

function kubeClients(outside: Outside): KubeClients {
  const { logger } = outside;
  return {
    http: new KubeHttp(outside.kubeConfig, { timeoutMs: 30_000, userAgent: `pod-identity-nmi/${outside.version}` }),
    clock: outside.clock,
    feed: {
      syncWaitMs: 30_000,
      onError: (feed, err) => logger.warn({ err, informer: feed }, 'list/watch failed; the informer retries by itself'),
      onSlowSync: (feed) => logger.warn({ informer: feed }, 'first list not done yet; not ready until it is'),
    },
  };
}

function podFeed(kube: KubeClients, pods: PodIndex, node: string, logger: Logger): Feed {
  const warned = new Set<string>();
  const informer = podInformer(kube.http, { fieldSelector: `spec.nodeName=${node}`, clock: kube.clock });
  return informerFeed('pods', informer, pods, (pod: V1Pod) => {
    const info = toPodInfo(pod);
    if (podCanSpoof(pod) && !warned.has(info.uid)) {
      warned.add(info.uid);
      logger.warn({ pod: `${info.namespace}/${info.name}` }, 'pod adds NET_RAW or runs privileged: it can spoof other pods\' IPs on some networks and take their identities');
    }
    return info;
  }, kube.feed);
}

function grantSource(config: NmiConfig, kube: KubeClients, feeds: Feed[]): GrantSource {
  if (config.mode === 'managed') {
    const bindings = bindingStore();
    const identities = identityStore();
    feeds.push(informerFeed('bindings', crdInformer(kube.http, 'AzureIdentityBinding', { clock: kube.clock }), bindings, (b) => b, kube.feed));
    feeds.push(informerFeed('identities', crdInformer(kube.http, 'AzureIdentity', { clock: kube.clock }), identities, (i) => i, kube.feed));
    return new ManagedGrantSource(bindings, identities, config.federation.defaultBackend);
  }
  const assigned = assignedIdentityStore();
  const informer = crdInformer(kube.http, 'AzureAssignedIdentity', { labelSelector: `${NODENAME_LABEL}=${config.node}`, clock: kube.clock });
  feeds.push(informerFeed('assigned', informer, assigned, (a) => a, kube.feed));
  return new AssignedGrantSource(assigned);
}

function tokenService(outside: Outside, http: KubeHttp, cache: TokenCache, metrics: NmiMetrics): TokenService {
  const { config, clock } = outside;
  const observe: UpstreamObserver = (upstream, outcome, seconds) => {
    metrics.upstreamCalls.inc({ upstream, outcome });
    metrics.upstreamDuration.observe({ upstream }, seconds);
  };
  const nowMs = (): number => clock.now();
  const budget = new UpstreamBudget(
    { ratePerSec: config.upstream.ratePerSec, burst: config.upstream.ratePerSec, maxConcurrent: config.upstream.concurrency, maxWaitMs: config.upstream.queueWaitMs },
    clock,
  );
  const userAgent = `pod-identity-nmi/${outside.version}${config.upstream.customUserAgent ? ` ${config.upstream.customUserAgent}` : ''}`;
  const imds = new ImdsTokenClient({ baseUrl: imdsBase(config), timeoutMs: config.upstream.timeoutMs, userAgent }, budget, nowMs, observe);
  const entraBudget = new UpstreamBudget({ ratePerSec: 20, burst: 20, maxConcurrent: 8, maxWaitMs: config.upstream.queueWaitMs }, clock);
  const credentials = outside.credentials ?? azureIdentityCredentials({ timeoutMs: config.upstream.timeoutMs, caPem: outside.authorityCaPem });
  const entra = new EntraTokenClient(credentials, entraBudget, nowMs, config.upstream.timeoutMs, observe);
  const federated = new FederatedTokenSource(
    cache,
    entra,
    kubeServiceAccountTokenMinter(http),
    { defaultAuthorityHost: config.upstream.defaultAuthority, defaultTenantId: config.federation.tenantId, timeoutMs: config.upstream.timeoutMs },
    outside.logger,
    nowMs,
  );
  return new TokenService(
    cache,
    imds,
    entra,
    kubeSecretReader(http),
    { defaultAuthorityHost: config.upstream.defaultAuthority, secretsInIdentityNamespaceOnly: config.forceNamespaced },
    federated,
  );
}

function hostAuth(outside: Outside, http: KubeHttp): HostTokenAuth | undefined {
  const { hostToken } = outside.config;
  if (hostToken.mode === 'disabled') return undefined;
  const review = kubeTokenReviewer(http, [hostToken.audience]);
  return { review, allowed: new Set(hostToken.allowed) };
}
