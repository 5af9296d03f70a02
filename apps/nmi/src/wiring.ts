// Builds the object graph of the agent from the config and the injected outside world. No I/O here
// beyond constructing clients; the agent starts things.
import type { RequestListener } from 'node:http';
import type { V1Pod } from '@kubernetes/client-node';
import { NODENAME_LABEL } from '@pod-identity/crd-types';
import { findPodException } from '@pod-identity/domain';
import { crdInformer, httpListerWatcher, Informer, KubeHttp, type KubeCredentials } from '@pod-identity/kube';
import type { Logger, Registry } from '@pod-identity/platform';
import type { NmiConfig } from './config/config';
import { createListener } from './http/listener';
import type { HostTokenAuth } from './http/host-token';
import { ImdsProxy } from './http/imds-proxy';
import { AssignedGrantSource, ManagedGrantSource } from './identity/grant-sources';
import type { PodInfo } from './identity/model';
import { PodIndex } from './identity/pod-index';
import { type GrantSource, Resolver } from './identity/resolver';
import { kubeSecretReader, kubeServiceAccountTokenMinter, kubeTokenReviewer } from './kube/adapters';
import { type Feed, type FeedOptions, informerFeed } from './kube/feeds';
import { informerView } from './kube/informer-view';
import { podCanSpoof, toPodRecord } from './kube/pod-info';
import {
  ASSIGNED_BY_POD_INDEX,
  assignedByPodIndex,
  NAMESPACE_INDEX,
  namespaceIndex,
  POD_IP_INDEX,
  podIpIndex,
  type PodRecord,
} from './identity/views';
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
  readonly kubeConfig: KubeCredentials;
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
  const kube = kubeClients(outside);
  const podInformer = nodePodInformer(kube, config.node, logger);
  const pods = new PodIndex(informerView(podInformer));
  const exceptions = crdInformer(kube.http, 'AzurePodIdentityException', { clock: kube.clock });
  const feeds: Feed[] = [
    informerFeed('pods', podInformer, kube.feed),
    informerFeed('exceptions', exceptions, kube.feed),
  ];
  const grants = grantSource(config, kube, feeds);
  const resolver = new Resolver({
    pods,
    grants,
    clock,
    policy: {
      forceNamespaced: config.forceNamespaced,
      multipleIdentities: config.multipleIdentities,
      unprocessedGraceMs: config.mode === 'standard' ? config.unprocessedGraceMs : 0,
    },
    options: { podLookupWaitMs: config.podLookupWaitMs, assignmentWaitMs: config.assignmentWaitMs },
    onWait: (outcome) => metrics.assignmentWaits.inc({ outcome }),
  });
  const cache = new TokenCache(
    {
      maxEntries: config.cache.maxEntries,
      minRemainingSec: config.cache.minValiditySec,
      refreshFraction: 0.5,
      staleGraceSec: 30,
    },
    clock,
    (key, err) =>
      logger.warn(
        { err, cacheKey: key.split('|')[0] },
        'background token refresh failed; serving the cached token',
      ),
  );
  const tokens = tokenService(outside, kube.http, cache, metrics);
  const proxyBudget = new UpstreamBudget(
    { ratePerSec: 20, burst: 20, maxConcurrent: 4, maxWaitMs: config.upstream.queueWaitMs },
    clock,
  );
  const proxy = new ImdsProxy(
    { baseUrl: imdsBase(config), timeoutMs: config.upstream.timeoutMs, maxBodyBytes: 64 * 1024 },
    proxyBudget,
  );
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
    http: new KubeHttp(outside.kubeConfig, {
      timeoutMs: 30_000,
      userAgent: `pod-identity-nmi/${outside.version}`,
    }),
    clock: outside.clock,
    feed: {
      syncWaitMs: 30_000,
      onError: (feed, err) =>
        logger.warn({ err, informer: feed }, 'list/watch failed; the informer retries by itself'),
      onSlowSync: (feed) => logger.warn({ informer: feed }, 'first list not done yet; not ready until it is'),
    },
  };
}

/** This node's pods, stored once as PodRecords (converted as they arrive) and indexed by IP. */
function nodePodInformer(kube: KubeClients, node: string, logger: Logger): Informer<PodRecord, V1Pod> {
  const warned = new Set<string>();
  return new Informer<PodRecord, V1Pod>({
    listerWatcher: httpListerWatcher<V1Pod>(kube.http, {
      path: '/api/v1/pods',
      fieldSelector: `spec.nodeName=${node}`,
    }),
    clock: kube.clock,
    indexes: { [POD_IP_INDEX]: podIpIndex },
    transform: (pod) => {
      const record = toPodRecord(pod);
      if (podCanSpoof(pod) && !warned.has(record.uid)) {
        warned.add(record.uid);
        logger.warn(
          { pod: `${record.namespace}/${record.name}` },
          "pod adds NET_RAW or runs privileged: it can spoof other pods' IPs on some networks and take their identities",
        );
      }
      return record;
    },
  });
}

function grantSource(config: NmiConfig, kube: KubeClients, feeds: Feed[]): GrantSource {
  if (config.mode === 'managed') {
    const bindings = crdInformer(kube.http, 'AzureIdentityBinding', {
      clock: kube.clock,
      indexes: { [NAMESPACE_INDEX]: namespaceIndex },
    });
    const identities = crdInformer(kube.http, 'AzureIdentity', { clock: kube.clock });
    feeds.push(
      informerFeed('bindings', bindings, kube.feed),
      informerFeed('identities', identities, kube.feed),
    );
    return new ManagedGrantSource(
      informerView(bindings),
      informerView(identities),
      config.federation.defaultBackend,
    );
  }
  const assigned = crdInformer(kube.http, 'AzureAssignedIdentity', {
    labelSelector: `${NODENAME_LABEL}=${config.node}`,
    clock: kube.clock,
    indexes: { [ASSIGNED_BY_POD_INDEX]: assignedByPodIndex },
  });
  feeds.push(informerFeed('assigned', assigned, kube.feed));
  return new AssignedGrantSource(informerView(assigned));
}

function tokenService(
  outside: Outside,
  http: KubeHttp,
  cache: TokenCache,
  metrics: NmiMetrics,
): TokenService {
  const { config, clock } = outside;
  const observe: UpstreamObserver = (upstream, outcome, seconds) => {
    metrics.upstreamCalls.inc({ upstream, outcome });
    metrics.upstreamDuration.observe({ upstream }, seconds);
  };
  const nowMs = (): number => clock.now();
  const budget = new UpstreamBudget(
    {
      ratePerSec: config.upstream.ratePerSec,
      burst: config.upstream.ratePerSec,
      maxConcurrent: config.upstream.concurrency,
      maxWaitMs: config.upstream.queueWaitMs,
    },
    clock,
  );
  const userAgent = `pod-identity-nmi/${outside.version}${config.upstream.customUserAgent ? ` ${config.upstream.customUserAgent}` : ''}`;
  const imds = new ImdsTokenClient(
    { baseUrl: imdsBase(config), timeoutMs: config.upstream.timeoutMs, userAgent },
    budget,
    nowMs,
    observe,
  );
  const entraBudget = new UpstreamBudget(
    { ratePerSec: 20, burst: 20, maxConcurrent: 8, maxWaitMs: config.upstream.queueWaitMs },
    clock,
  );
  const credentials =
    outside.credentials ??
    azureIdentityCredentials({ timeoutMs: config.upstream.timeoutMs, caPem: outside.authorityCaPem });
  const entra = new EntraTokenClient(credentials, entraBudget, nowMs, config.upstream.timeoutMs, observe);
  const federated = new FederatedTokenSource({
    cache,
    entra,
    mint: kubeServiceAccountTokenMinter(http),
    options: {
      defaultAuthorityHost: config.upstream.defaultAuthority,
      defaultTenantId: config.federation.tenantId,
      timeoutMs: config.upstream.timeoutMs,
    },
    logger: outside.logger,
    nowMs,
  });
  const options = {
    defaultAuthorityHost: config.upstream.defaultAuthority,
    secretsInIdentityNamespaceOnly: config.forceNamespaced,
  };
  return new TokenService({ cache, imds, entra, readSecret: kubeSecretReader(http), options, federated });
}

function hostAuth(outside: Outside, http: KubeHttp): HostTokenAuth | undefined {
  const { hostToken } = outside.config;
  if (hostToken.mode === 'disabled') return undefined;
  const review = kubeTokenReviewer(http, [hostToken.audience]);
  return { review, allowed: new Set(hostToken.allowed) };
}
