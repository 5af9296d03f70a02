// NMI's Prometheus metrics, registered on an injected registry (served by platform's probe server).
import { Counter, Gauge, Histogram, type Registry } from '@pod-identity/platform';

export interface NmiMetrics {
  readonly requests: Counter<'route' | 'status'>;
  readonly requestDuration: Histogram<'route'>;
  readonly cache: Counter<'outcome'>;
  readonly upstreamCalls: Counter<'upstream' | 'outcome'>;
  readonly upstreamDuration: Histogram<'upstream'>;
  readonly assignmentWaits: Counter<'outcome'>;
  readonly iptablesReconciles: Counter<'outcome'>;
  readonly cachedTokens: Gauge;
}

export function createNmiMetrics(registry: Registry): NmiMetrics {
  const registers = [registry];
  return {
    requests: new Counter({
      name: 'nmi_requests_total',
      help: 'HTTP requests answered, by route (token, host-token, proxy, blocked, invalid) and status code',
      labelNames: ['route', 'status'],
      registers,
    }),
    requestDuration: new Histogram({
      name: 'nmi_request_duration_seconds',
      help: 'Time to answer a request, by route',
      labelNames: ['route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    cache: new Counter({
      name: 'nmi_token_cache_requests_total',
      help: 'Token cache lookups by outcome: hit, miss, coalesced (joined a miss in flight), stale (served during an upstream failure)',
      labelNames: ['outcome'],
      registers,
    }),
    upstreamCalls: new Counter({
      name: 'nmi_upstream_requests_total',
      help: 'Token requests to IMDS or Entra ID by outcome: ok, rejected (4xx), unavailable (network, timeout, 5xx)',
      labelNames: ['upstream', 'outcome'],
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'nmi_upstream_request_duration_seconds',
      help: 'Duration of token requests to IMDS or Entra ID',
      labelNames: ['upstream'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    assignmentWaits: new Counter({
      name: 'nmi_assignment_waits_total',
      help: 'Requests that waited for an identity assignment, by outcome: became-ready, timed-out (answered 503)',
      labelNames: ['outcome'],
      registers,
    }),
    iptablesReconciles: new Counter({
      name: 'nmi_iptables_reconciles_total',
      help: 'iptables reconcile passes by outcome: unchanged, repaired, error',
      labelNames: ['outcome'],
      registers,
    }),
    cachedTokens: new Gauge({
      name: 'nmi_token_cache_entries',
      help: 'Token sets held in the cache',
      registers,
    }),
  };
}
