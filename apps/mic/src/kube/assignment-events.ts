// Kubernetes Events about assignments, on the binding (as the original) and on the pod.
import type { AzureAssignedIdentity } from '@pod-identity/crd-types';
import type { EventRecorder } from '@pod-identity/kube';
import type { AssignmentEvents, EventSeverity } from '../apply/ports';
import type { PlanWarning } from '../plan/model';

export class RecorderAssignmentEvents implements AssignmentEvents {
  constructor(private readonly recorder: EventRecorder) {}

  emit(obj: AzureAssignedIdentity, severity: EventSeverity, reason: string, message: string): void {
    const spec = obj.spec ?? { pod: '', podNamespace: '', nodename: '' };
    const binding = spec.azureBindingRef?.metadata ?? {};
    const identity = spec.azureIdentityRef?.metadata ?? {};
    const identityName = `identity ${identity.namespace ?? ''}/${identity.name ?? ''}`;
    if (binding.name) {
      const ref = {
        kind: 'AzureIdentityBinding',
        apiVersion: 'aadpodidentity.k8s.io/v1',
        name: binding.name,
        namespace: binding.namespace,
        uid: binding.uid,
      };
      this.recorder.event(
        ref,
        severity,
        reason,
        `${message} (pod ${spec.podNamespace}/${spec.pod}, ${identityName})`,
      );
    }
    if (spec.pod) {
      this.recorder.event(
        { kind: 'Pod', apiVersion: 'v1', name: spec.pod, namespace: spec.podNamespace },
        severity,
        reason,
        `${message} (${identityName})`,
      );
    }
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
