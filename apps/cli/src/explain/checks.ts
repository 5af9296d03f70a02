// The chain a token needs, walked link by link (pure): the pod, its label, the bindings that select it,
// their identities, exceptions, MIC's AzureAssignedIdentity, MIC itself, NMI on the pod's node, and
// (with --azure) the identity on the node's VM or scale set. Each link gives one Check.
import {
  BINDING_LABEL,
  validate,
  type NormalizedAzureAssignedIdentity,
  type NormalizedAzureIdentity,
} from '@pod-identity/crd-types';
import {
  findPodException,
  IDENTITY_BACKENDS,
  matchPodBindings,
  type BindingMatch,
} from '@pod-identity/domain';
import { redactClientId } from '@pod-identity/platform';
import type { ExplainFacts, PodFacts } from '../facts/model';
import { age, fail, pass, type Check } from './check';
import { micCheck, nmiCheck } from './agents';

const LIVE = new Set(['Running']);

function podCheck(facts: ExplainFacts): Check {
  const { namespace, name } = facts.podRef;
  const pod = facts.pod;
  if (!pod)
    return fail('pod', 'pod', `${namespace}/${name} not found`, 'check the name and the namespace (-n)');
  if (!pod.nodeName)
    return fail(
      'pod',
      'pod',
      `${pod.phase}, not scheduled to a node yet`,
      'wait for the scheduler; `kubectl describe pod` says why it is pending',
    );
  if (!LIVE.has(pod.phase))
    return fail(
      'pod',
      'pod',
      `${pod.phase} on ${pod.nodeName}`,
      'only running pods get tokens; `kubectl describe pod` says why it is not running',
    );
  return pass('pod', 'pod', `Running on ${pod.nodeName}, ServiceAccount ${pod.serviceAccount}`);
}

function labelCheck(pod: PodFacts, facts: ExplainFacts): Check {
  const value = pod.labels[BINDING_LABEL];
  if (value) return pass('label', 'label', `${BINDING_LABEL}=${value}`);
  const selectors = [
    ...new Set(
      facts.bindings
        .filter((b) => b.metadata?.namespace === pod.namespace)
        .map((b) => b.spec.selector)
        .filter(Boolean),
    ),
  ];
  const hint = selectors.length ? ` (selectors of this namespace's bindings: ${selectors.join(', ')})` : '';
  return fail(
    'label',
    'label',
    `no ${BINDING_LABEL} label`,
    `label the pod's template: ${BINDING_LABEL}=<selector of an AzureIdentityBinding>${hint}`,
  );
}

function identityLookup(
  facts: ExplainFacts,
): (ns: string, name: string) => NormalizedAzureIdentity | undefined {
  return (ns, name) =>
    facts.identities.find((i) => i.metadata?.namespace === ns && i.metadata?.name === name);
}

const bindingName = (b: { metadata?: { namespace?: string; name?: string } }): string =>
  `${b.metadata?.namespace}/${b.metadata?.name}`;

/** Why no binding gave the pod an identity, when one selects it. */
function skippedCheck(pod: PodFacts, skipped: ReturnType<typeof matchPodBindings>['skipped'][number]): Check {
  const b = skipped.binding;
  const ns = b.metadata?.namespace;
  if (skipped.reason === 'identity-not-found') {
    return fail(
      'binding',
      'binding',
      `${bindingName(b)} selects the pod but names AzureIdentity ${b.spec.azureIdentity}, which does not exist in ${ns}`,
      `create that AzureIdentity in ${ns}, or fix spec.azureIdentity`,
    );
  }
  return fail(
    'binding',
    'binding',
    `${bindingName(b)} selects the pod, but namespaced rules keep identity, binding and pod in one namespace`,
    `create the binding and the identity in ${pod.namespace}`,
  );
}

function bindingCheck(pod: PodFacts, facts: ExplainFacts, found: ReturnType<typeof matchPodBindings>): Check {
  if (found.matches.length > 0)
    return pass(
      'binding',
      'binding',
      found.matches.map((m) => `${bindingName(m.binding)} → ${m.identity.metadata?.name}`).join(', '),
    );
  const skipped = found.skipped.find((s) => s.reason !== 'duplicate-identity');
  if (skipped) return skippedCheck(pod, skipped);
  const selector = pod.labels[BINDING_LABEL];
  const scope = facts.mic.forceNamespaced ? `in ${pod.namespace} (namespaced mode)` : 'in any namespace';
  return fail(
    'binding',
    'binding',
    `no AzureIdentityBinding with selector "${selector}" ${scope}`,
    `create an AzureIdentityBinding with spec.selector: ${selector} and spec.azureIdentity naming the identity`,
  );
}

function identityCheck(m: BindingMatch): Check {
  const identity = m.identity as NormalizedAzureIdentity;
  const id = `identity:${identity.metadata?.namespace}/${identity.metadata?.name}`;
  const result = validate('AzureIdentity', identity);
  if (!result.valid) {
    const issues = result.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    return fail(
      id,
      'identity',
      `${identity.metadata?.namespace}/${identity.metadata?.name} is invalid: ${issues}`,
      'fix the AzureIdentity (kubectl edit); MIC and NMI ignore it until then',
    );
  }
  const backend = identity.spec.backend === IDENTITY_BACKENDS.Federated ? ', federated' : '';
  return pass(
    id,
    'identity',
    `${identity.metadata?.namespace}/${identity.metadata?.name}: type ${identity.spec.type}, client ${redactClientId(identity.spec.clientID ?? '')}${backend}, valid`,
  );
}

function exceptionCheck(pod: PodFacts, facts: ExplainFacts): Check {
  const exception = findPodException({ namespace: pod.namespace, labels: pod.labels }, facts.exceptions);
  if (!exception) return pass('exception', 'exception', 'none matches the pod');
  return fail(
    'exception',
    'exception',
    `AzurePodIdentityException ${pod.namespace}/${exception.metadata?.name} matches: NMI sends this pod's requests to the node's own IMDS`,
    'remove the matching label from the pod, or the exception',
  );
}

function assignedFor(
  pod: PodFacts,
  m: BindingMatch,
  facts: ExplainFacts,
): NormalizedAzureAssignedIdentity | undefined {
  return facts.assigned.find(
    (a) =>
      a.spec.pod === pod.name &&
      a.spec.podNamespace === pod.namespace &&
      a.spec.azureBindingRef?.metadata?.name === m.binding.metadata?.name &&
      (a.spec.azureBindingRef?.metadata?.namespace ?? m.binding.metadata?.namespace) ===
        m.binding.metadata?.namespace,
  );
}

function notAssigned(id: string, a: NormalizedAzureAssignedIdentity, status: string, since: string): Check {
  const st = a.status ?? {};
  // MIC's message says what to do: it is the fix line, not repeated in the detail.
  const detail = `${a.metadata?.namespace}/${a.metadata?.name}: ${status}${since}${st.reason ? `, reason ${st.reason}` : ''}`;
  const waiting =
    "MIC is still putting the identity in place (ARM takes up to a minute); if it stays, see the reason and MIC's Events";
  return fail(
    id,
    'assignment',
    detail,
    st.message ?? (status === 'Created' ? waiting : 'the pod or binding is going away'),
  );
}

function assignmentCheck(pod: PodFacts, m: BindingMatch, facts: ExplainFacts): Check {
  const id = `assignment:${bindingName(m.binding)}`;
  const a = assignedFor(pod, m, facts);
  if (!a)
    return fail(
      id,
      'assignment',
      `no AzureAssignedIdentity for this pod and ${m.binding.metadata?.name}`,
      'MIC writes it within seconds of the pod starting: see the MIC line below and its logs',
    );
  const status = a.status?.status || 'Created';
  const changed = a.status?.lastTransitionTime;
  const since = changed ? ` for ${age(facts.now - Date.parse(changed))}` : '';
  if (status === 'Assigned')
    return pass(id, 'assignment', `${a.metadata?.namespace}/${a.metadata?.name}: Assigned${since}`);
  return notAssigned(id, a, status, since);
}

function federatedAzureCheck(
  id: string,
  pod: PodFacts,
  identity: NormalizedAzureIdentity,
  azure: NonNullable<ExplainFacts['azure']>,
): Check {
  const name = identity.metadata?.name;
  const subject = `system:serviceaccount:${pod.namespace}:${pod.serviceAccount}`;
  const found = azure.federated?.find((f) => f.identityId === (identity.spec.resourceID ?? '').toLowerCase());
  if (!found || found.error)
    return fail(
      id,
      'azure',
      `could not list ${name}'s federated credentials: ${found?.error ?? 'not asked'}`,
      'give --cloudconfig (azure.json) with credentials that may read the identity',
    );
  const credential = found.credentials?.find((c) => c.subject === subject);
  if (credential)
    return pass(
      id,
      'azure',
      `${name} trusts ${subject} (federated credential ${credential.name}, issuer ${credential.issuer})`,
    );
  return fail(
    id,
    'azure',
    `${name} has no federated credential for ${subject}`,
    `run MIC with --manage-federated-credentials, or: az identity federated-credential create --identity-name ${name} --subject ${subject} --issuer <the cluster's OIDC issuer> --audiences api://AzureADTokenExchange -g <group> -n <name>`,
  );
}

function azureCheck(pod: PodFacts, m: BindingMatch, azure: NonNullable<ExplainFacts['azure']>): Check {
  const identity = m.identity as NormalizedAzureIdentity;
  const name = identity.metadata?.name;
  const id = `azure:${identity.metadata?.namespace}/${name}`;
  if (identity.spec.backend === IDENTITY_BACKENDS.Federated)
    return federatedAzureCheck(id, pod, identity, azure);
  if (identity.spec.type !== 0)
    return pass(id, 'azure', `${name} needs nothing on the node's VM (a service principal)`);
  if (azure.error)
    return fail(
      id,
      'azure',
      `could not read the node's VM/VMSS: ${azure.error}`,
      'give --cloudconfig (azure.json) with credentials that may read the VM/VMSS',
    );
  if (azure.identityIds?.includes((identity.spec.resourceID ?? '').toLowerCase()))
    return pass(id, 'azure', `${name} is on ${azure.target} (node ${pod.nodeName})`);
  return fail(
    id,
    'azure',
    `${name} is not on ${azure.target}`,
    'MIC adds it (see the assignment line); if it is Assigned but missing, someone removed it outside MIC: MIC re-adds it at its next check',
  );
}

/** The bindings (and their identities) that give the pod an identity. */
export function podMatches(facts: ExplainFacts): BindingMatch[] {
  const pod = facts.pod;
  if (!pod?.labels[BINDING_LABEL]) return [];
  return matchPodBindings({
    pod,
    bindings: facts.bindings,
    identity: identityLookup(facts),
    forceNamespaced: facts.mic.forceNamespaced,
  }).matches;
}

/** Resource ids of the pod's federated identities (--azure lists their credentials). */
export function federatedIdentityIds(facts: ExplainFacts): string[] {
  return podMatches(facts)
    .map((m) => m.identity as NormalizedAzureIdentity)
    .filter((i) => i.spec.backend === IDENTITY_BACKENDS.Federated && i.spec.resourceID)
    .map((i) => i.spec.resourceID as string);
}

/** Every check for the pod, in chain order. */
export function explain(facts: ExplainFacts): Check[] {
  const first = podCheck(facts);
  const pod = facts.pod;
  if (!pod) return [first];
  const checks = [first, labelCheck(pod, facts)];
  const agents = (): Check[] => [micCheck(facts), ...(pod.nodeName ? [nmiCheck(pod, facts)] : [])];
  if (!pod.labels[BINDING_LABEL]) return [...checks, ...agents()];
  const found = matchPodBindings({
    pod,
    bindings: facts.bindings,
    identity: identityLookup(facts),
    forceNamespaced: facts.mic.forceNamespaced,
  });
  checks.push(bindingCheck(pod, facts, found));
  for (const m of found.matches) checks.push(identityCheck(m));
  checks.push(exceptionCheck(pod, facts));
  for (const m of found.matches) checks.push(assignmentCheck(pod, m, facts));
  checks.push(...agents());
  const azure = facts.azure;
  if (azure) for (const m of found.matches) checks.push(azureCheck(pod, m, azure));
  return checks;
}
