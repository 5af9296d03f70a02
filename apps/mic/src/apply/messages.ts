// Operator-facing words for ARM failures: what happened and what to do.
import type { ClassifiedArmError } from '@pod-identity/azure-arm';
import type { TargetRef } from '../plan/model';

const HINTS: Partial<Record<ClassifiedArmError['kind'], string>> = {
  'linked-authorization':
    "MIC's identity lacks Microsoft.ManagedIdentity/userAssignedIdentities/assign/action on the identity: grant it 'Managed Identity Operator' on the identity or its resource group",
  'identity-invalid': 'check that the AzureIdentity resourceID names an existing user-assigned identity',
  'resource-not-found':
    'the VM or VM scale set of the node was not found (deleted, or wrong subscription/resource group)',
  throttled: 'ARM is throttling requests; MIC waits for Retry-After and tries again',
  unauthorized:
    "MIC's identity is not allowed to update the VM/VMSS: grant it 'Virtual Machine Contributor' on the node resource group",
  conflict: 'another operation on the VM/VMSS was in progress; MIC retries',
  transient: 'ARM did not answer or failed temporarily; MIC retries',
};

export function describeTarget(target: TargetRef): string {
  return `${target.kind === 'vmss' ? 'VM scale set' : 'VM'} ${target.resourceGroup}/${target.name}`;
}

/** Short machine-readable reason for status.reason. */
export function failureReason(error: ClassifiedArmError): string {
  if (error.code) return error.code;
  return error.kind.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase());
}

/** Message for status.message and events; ARM's own text shortened. */
export function failureMessage(
  error: ClassifiedArmError,
  target: TargetRef,
  action: 'assign' | 'remove',
): string {
  const arm = error.message.length > 600 ? `${error.message.slice(0, 597)}...` : error.message;
  const hint = HINTS[error.kind];
  return `failed to ${action} identity on ${describeTarget(target)}: ${arm}${hint ? ` (${hint})` : ''}`;
}
