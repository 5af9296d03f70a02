// Kubernetes Events about assignments. One Event per binding per batch (a target's settlement, a sync's
// immediate creates), with `count` = the pods it covers and a few of their names: one Event per pod on both
// the binding and the pod made Events half of MIC's API writes at 2,000 pods. Warnings still also go to the
// pod, where `kubectl describe pod` shows why it has no token.
import type { AzureAssignedIdentity } from '@pod-identity/crd-types';
import type { EventRecorder, ObjectReference } from '@pod-identity/kube';
import type { AssignmentEvents, EventSeverity } from '../apply/ports';
import type { PlanWarning } from '../plan/model';

/** Pod names listed in an aggregated Event before "and N more". */
export const PODS_NAMED_PER_EVENT = 5;

type Recorder = Pick<EventRecorder, 'event'>;

interface Group {
  readonly about: ObjectReference;
  readonly severity: EventSeverity;
  readonly reason: string;
  readonly message: string;
  readonly identity: string;
  readonly pods: string[];
}

export class RecorderAssignmentEvents implements AssignmentEvents {
  private readonly groups = new Map<string, Group>();

  constructor(private readonly recorder: Recorder) {}

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

  flush(): void {
    for (const g of this.groups.values()) {
      this.recorder.event(g.about, g.severity, g.reason, groupMessage(g), g.pods.length);
    }
    this.groups.clear();
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
