// MIC's Prometheus series, on a private registry.
import { Counter, Gauge, Histogram, type Registry } from '@pod-identity/platform';
import type { ArmCallObserver } from '@pod-identity/azure-arm';

export class MicMetrics {
  readonly syncs: Counter<'result' | 'kind'>;
  readonly syncDuration: Histogram<'kind'>;
  readonly pendingEvents: Gauge;
  readonly events: Counter<'source'>;
  readonly armCalls: Counter<'operation' | 'status'>;
  readonly armDuration: Histogram<'operation'>;
  readonly throttleWaits: Counter<'scope'>;
  readonly throttleWaitSeconds: Counter;
  readonly assignments: Gauge<'state'>;
  readonly targetOps: Counter<'result'>;
  readonly leader: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.syncs = new Counter({
      name: 'mic_syncs_total',
      help: 'Sync cycles by kind (event, resync, drift) and result (ok, partial: some Kubernetes writes failed, error: the sync threw)',
      labelNames: ['result', 'kind'],
      registers,
    });
    this.syncDuration = new Histogram({
      name: 'mic_sync_duration_seconds',
      help: 'Duration of one sync cycle (planning and Kubernetes writes; ARM work runs after it)',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    });
    this.pendingEvents = new Gauge({
      name: 'mic_dirty_events_pending',
      help: 'Events coalesced into the next sync (the dirty queue depth)',
      registers,
    });
    this.events = new Counter({
      name: 'mic_watch_events_total',
      help: 'Watch events that marked the world dirty, by source',
      labelNames: ['source'],
      registers,
    });
    this.armCalls = new Counter({
      name: 'mic_arm_requests_total',
      help: 'ARM calls by operation and HTTP status (0 = no response)',
      labelNames: ['operation', 'status'],
      registers,
    });
    this.armDuration = new Histogram({
      name: 'mic_arm_request_duration_seconds',
      help: 'ARM call duration, long-running operations included',
      labelNames: ['operation'],
      buckets: [0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 180],
      registers,
    });
    this.throttleWaits = new Counter({
      name: 'mic_arm_throttle_waits_total',
      help: 'Times ARM work was held back: retry-after (ARM said 429) or budget (our own write budget)',
      labelNames: ['scope'],
      registers,
    });
    this.throttleWaitSeconds = new Counter({
      name: 'mic_arm_throttle_wait_seconds_total',
      help: 'Seconds ARM asked MIC to wait (Retry-After)',
      registers,
    });
    this.assignments = new Gauge({
      name: 'mic_assigned_identities',
      help: 'AzureAssignedIdentities by status after the last sync',
      labelNames: ['state'],
      registers,
    });
    this.targetOps = new Counter({
      name: 'mic_target_operations_total',
      help: 'Per VM/VMSS operations by result',
      labelNames: ['result'],
      registers,
    });
    this.leader = new Gauge({ name: 'mic_leader', help: '1 while this replica is the leader', registers });
  }

  /** Observer for the ARM adapter. */
  armObserver(): ArmCallObserver {
    return (operation, status, durationMs) => {
      this.armCalls.inc({ operation, status: String(status) });
      this.armDuration.observe({ operation }, durationMs / 1000);
    };
  }
}
