// Kubernetes Events about assignments. One Event per binding, with `count` = the pods it covers and a few
// of their names, sent when a batch ends (a target's settlement, a sync's immediate creates) and then at
// most once per `minIntervalMs` per binding: what arrives meanwhile is merged into the next one. One Event
// per pod on both the binding and the pod made Events half of MIC's API writes at 2,000 pods, and one per
// binding per batch still cost 1,600 writes there (100 bindings, 16 syncs). Warnings also go to the pod at
// once, where `kubectl describe pod` shows why it has no token.
import type { AzureAssignedIdentity } from '@pod-identity/crd-types';
import type { EventRecorder, ObjectReference } from '@pod-identity/kube';
import type { Clock } from '@pod-identity/platform';
import type { AssignmentEvents, EventSeverity } from '../apply/ports';
import type { PlanWarning } from '../plan/model';

/** Pod names listed in an aggregated Event before "and N more". */
export const PODS_NAMED_PER_EVENT = 5;

/** Shortest time between two assignment Events about one binding. */
export const DEFAULT_EVENT_INTERVAL_MS = 10_000;

type Recorder = Pick<EventRecorder, 'event'>;

interface Group {
  readonly about: ObjectReference;
  readonly severity: EventSeverity;
  readonly reason: string;
  readonly message: string;
  readonly identity: string;
  readonly pods: string[];
}

export interface AssignmentEventsOptions {
  readonly clock: Clock;
  readonly minIntervalMs?: number;
}

export class RecorderAssignmentEvents implements AssignmentEvents {
  private readonly groups = new Map<string, Group>();
  /** Binding (namespace/name/uid) → when an Event about it was last sent. */
  private readonly lastSent = new Map<string, number>();
  private wakeUp: AbortController | undefined;

  constructor(
    private readonly recorder: Recorder,
    private readonly options: AssignmentEventsOptions,
  ) {}

  private get minIntervalMs(): number {
    return this.options.minIntervalMs ?? DEFAULT_EVENT_INTERVAL_MS;
  }

  emit(obj: AzureAssignedIdentity, severity: EventSeverity, reason: string, message: string): void {
    const spec = obj.spec;
    const identity = identityLabel(obj);
    const about = bindingOf(obj);
    if (spec?.pod && (severity === 'Warning' || !about)) {
      const pod = { kind: 'Pod', apiVersion: 'v1', name: spec.pod, namespace: spec.podNamespace };
      this.recorder.event(pod, severity, reason, `${message} (${identity})`);
    }
    if (!about) return;
    const key = [about.namespace, about.name, about.uid, severity, reason, identity, message].join('|');
    const group = this.groups.get(key) ?? { about, severity, reason, message, identity, pods: [] };
    group.pods.push(`${spec?.podNamespace}/${spec?.pod}`);
    this.groups.set(key, group);
  }

  /** Sends what is due: groups of bindings with no Event in the last interval. The rest wait. */
  flush(): void {
    const now = this.options.clock.now();
    const sent = new Set<string>();
    for (const [key, g] of this.groups) {
      const binding = bindingKey(g.about);
      const last = this.lastSent.get(binding);
      const due = sent.has(binding) || last === undefined || now - last >= this.minIntervalMs;
      if (!due) continue;
      this.recorder.event(g.about, g.severity, g.reason, groupMessage(g), g.pods.length);
      this.groups.delete(key);
      sent.add(binding);
    }
    for (const [binding, at] of this.lastSent)
      if (now - at >= this.minIntervalMs) this.lastSent.delete(binding);
    for (const binding of sent) this.lastSent.set(binding, now);
    this.scheduleLeftovers();
  }

  /** Sends everything held, whatever the interval (on stop). */
  close(): void {
    this.wakeUp?.abort();
    this.wakeUp = undefined;
    this.lastSent.clear();
    this.flush();
  }

  /** Held groups go out when their binding's interval ends, even if no batch ends then. */
  private scheduleLeftovers(): void {
    if (this.groups.size === 0 || this.wakeUp) return;
    const wake = new AbortController();
    this.wakeUp = wake;
    // sleep rejects only when close() aborts it: nothing is left to send then.
    this.options.clock.sleep(this.minIntervalMs, wake.signal).then(
      () => {
        this.wakeUp = undefined;
        this.flush();
      },
      () => undefined,
    );
  }

  warn(warning: PlanWarning): void {
    const reason = warning.reason.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase());
    if (warning.binding) {
      this.recorder.event(
        { kind: 'AzureIdentityBinding', apiVersion: 'aadpodidentity.k8s.io/v1', ...warning.binding },
        'Warning',
        reason,
        warning.message,
      );
    } else if (warning.pod) {
      this.recorder.event(
        { kind: 'Pod', apiVersion: 'v1', ...warning.pod },
        'Warning',
        reason,
        warning.message,
      );
    }
  }
}

/** "<message> (<identity>): 1 pod, ns/a" or "...: 12 pods, ns/a, ns/b, ... and 7 more". */
export function groupMessage(g: Pick<Group, 'message' | 'identity' | 'pods'>): string {
  const n = g.pods.length;
  const named = g.pods.slice(0, PODS_NAMED_PER_EVENT).join(', ');
  const more = n > PODS_NAMED_PER_EVENT ? ` and ${n - PODS_NAMED_PER_EVENT} more` : '';
  return `${g.message} (${g.identity}): ${n} pod${n === 1 ? '' : 's'}, ${named}${more}`;
}

function bindingKey(about: ObjectReference): string {
  return `${about.namespace ?? ''}/${about.name}/${about.uid ?? ''}`;
}

function identityLabel(obj: AzureAssignedIdentity): string {
  const identity = obj.spec?.azureIdentityRef?.metadata;
  return `identity ${identity?.namespace ?? ''}/${identity?.name ?? ''}`;
}

function bindingOf(obj: AzureAssignedIdentity): ObjectReference | undefined {
  const binding = obj.spec?.azureBindingRef?.metadata;
  if (!binding?.name) return undefined;
  return {
    kind: 'AzureIdentityBinding',
    apiVersion: 'aadpodidentity.k8s.io/v1',
    name: binding.name,
    namespace: binding.namespace,
    uid: binding.uid,
  };
}
