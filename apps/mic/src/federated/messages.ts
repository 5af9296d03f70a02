// Operator-facing words for the federated backend: status.reason / status.message of assignments waiting
// for a credential, and their Events. Each says what is missing and what to do.
import type { ClassifiedArmError } from '@pod-identity/azure-arm';
import { TOKEN_EXCHANGE_AUDIENCE } from '@pod-identity/domain';
import { failureReason } from '../apply/messages';
import type { SubjectDecision } from './decide';
import type { FederatedIdentityPlan } from './model';

export interface WaitReason {
  readonly reason: string;
  readonly message: string;
}

function identityName(plan: FederatedIdentityPlan): string {
  return `${plan.coordinates.resourceGroup}/${plan.coordinates.name}`;
}

function createCommand(plan: FederatedIdentityPlan, decision: SubjectDecision, issuer: string): string {
  const c = plan.coordinates;
  return (
    `az identity federated-credential create --subscription ${c.subscriptionId} --resource-group ${c.resourceGroup} ` +
    `--identity-name ${c.name} --name ${decision.name} --issuer ${issuer} --subject ${decision.need.subject} --audiences ${TOKEN_EXCHANGE_AUDIENCE}`
  );
}

/** Why a subject's assignments stay Created, or undefined when its credential is (being) put in place. */
export function subjectWaitReason(
  plan: FederatedIdentityPlan,
  decision: SubjectDecision,
  issuer: string,
  count: number,
): WaitReason | undefined {
  const id = identityName(plan);
  const subject = decision.need.subject;
  switch (decision.state) {
    case 'missing':
      return {
        reason: 'FederatedCredentialMissing',
        message: `no federated identity credential of user-assigned identity ${id} trusts ${subject} from issuer ${issuer}; create it (${createCommand(plan, decision, issuer)}) or run MIC with --manage-federated-credentials`,
      };
    case 'outside-namespace':
      return {
        reason: 'FederatedSubjectOutsideNamespace',
        message: `${subject} is not in the namespace of the AzureIdentity: MIC creates federated credentials only for ServiceAccounts of the identity's own namespace; if this is intended, create it by hand (${createCommand(plan, decision, issuer)})`,
      };
    case 'limit':
      return {
        reason: 'FederatedCredentialLimit',
        message: `user-assigned identity ${id} has ${count} federated identity credentials, Azure's limit is 20: ${subject} cannot be added; use another identity for more ServiceAccounts, or remove unused credentials`,
      };
    default:
      return undefined;
  }
}

export const ISSUER_UNSET: WaitReason = {
  reason: 'FederatedIssuerUnset',
  message:
    "MIC has no --oidc-issuer-url, so it cannot check or create federated credentials; set it to the cluster's ServiceAccount issuer (AKS: az aks show --query oidcIssuerProfile.issuerUrl)",
};

const HINTS: Partial<Record<ClassifiedArmError['kind'], string>> = {
  unauthorized:
    "MIC's identity may not read or write federated credentials: grant it 'Managed Identity Contributor' on the identity (or 'Reader' with --manage-federated-credentials=false)",
  'resource-not-found': 'the user-assigned identity was not found: check the AzureIdentity resourceID',
  throttled: 'ARM is throttling requests; MIC waits for Retry-After and tries again',
  conflict: "another write to this identity's credentials was in progress; MIC retries",
  transient: 'ARM did not answer or failed temporarily; MIC retries',
};

export function armWaitReason(plan: FederatedIdentityPlan, error: ClassifiedArmError): WaitReason {
  const arm = error.message.length > 600 ? `${error.message.slice(0, 597)}...` : error.message;
  const hint = HINTS[error.kind];
  return {
    reason: failureReason(error),
    message: `federated credentials of user-assigned identity ${identityName(plan)}: ${arm}${hint ? ` (${hint})` : ''}`,
  };
}
