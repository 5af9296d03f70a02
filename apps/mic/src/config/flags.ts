// MIC's flags: the original's names (Go flag package, one or two dashes) where they still mean
// something, plus new ones. Every difference is listed in apps/mic/README.md.
import { defineFlags } from '@pod-identity/platform';

const dnsLabel = (v: string): string | undefined =>
  v === '' || /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v)
    ? undefined
    : 'must be a namespace name (DNS label)';

export const MIC_FLAGS = defineFlags({
  kubeconfig: { type: 'string', description: 'Path to a kubeconfig; in-cluster configuration when empty' },
  cloudconfig: {
    type: 'string',
    description:
      'Path to the cloud config (azure.json); when empty, CLOUD, TENANT_ID, CLIENT_ID, ... are read from the environment',
  },
  forceNamespaced: {
    type: 'boolean',
    env: 'FORCENAMESPACED',
    description: 'Namespaced mode for every identity: identity, binding and pod must share a namespace',
  },
  'pod-namespace': {
    type: 'string',
    env: 'MIC_POD_NAMESPACE',
    required: true,
    validate: dnsLabel,
    description: "MIC's own namespace (ledger ConfigMaps live here)",
  },
  syncRetryDuration: {
    type: 'duration',
    default: 3_600_000,
    min: 1000,
    bareNumberUnit: 's',
    description: 'Interval of the periodic full resync',
  },
  'identity-assignment-reconcile-interval': {
    type: 'duration',
    default: 180_000,
    min: 0,
    description:
      'Interval of the drift check that re-adds identities removed from VMs/VMSS outside MIC (0 disables it)',
  },
  'leader-election-instance': {
    type: 'string',
    env: 'HOSTNAME',
    description: 'Identity of this replica in the Lease (default: host name)',
  },
  'leader-election-namespace': {
    type: 'string',
    validate: dnsLabel,
    description: 'Namespace of the leader-election Lease (default: --pod-namespace)',
  },
  'leader-election-name': {
    type: 'string',
    default: 'aad-pod-identity-mic',
    description: 'Name of the leader-election Lease',
  },
  'leader-election-duration': {
    type: 'duration',
    default: 15_000,
    min: 3000,
    description: 'Lease duration; renew deadline is 2/3 of it and retry period 1/5',
  },
  'http-probe-port': {
    type: 'int',
    default: 8080,
    min: 0,
    max: 65535,
    description: 'Port of /healthz and /readyz',
  },
  'prometheus-port': {
    type: 'int',
    default: 8888,
    min: 0,
    max: 65535,
    description: 'Port of /metrics (may equal --http-probe-port)',
  },
  'bind-address': {
    type: 'string',
    default: '0.0.0.0',
    description: 'Address the probe and metrics servers listen on',
  },
  createDeleteBatch: {
    type: 'int',
    default: 20,
    min: 1,
    max: 500,
    description: 'Concurrent Kubernetes writes of AzureAssignedIdentities',
  },
  'immutable-user-msis': {
    type: 'list',
    description: 'Client ids of user-assigned identities MIC must never remove from a VM/VMSS',
  },
  'update-user-msi-max-retry': {
    type: 'int',
    default: 2,
    min: 0,
    max: 20,
    description:
      'Retries of a PATCH after setting aside identities ARM refused (LinkedAuthorizationFailed, not found)',
  },
  'update-user-msi-retry-interval': {
    type: 'duration',
    default: 1000,
    min: 0,
    description: 'Wait before a VM/VMSS is tried again after a transient ARM failure (doubles, up to 5 min)',
  },
  'assigned-identity-namespace': {
    type: 'string',
    default: '',
    validate: dnsLabel,
    description: "Namespace for all AzureAssignedIdentities; empty: the pod's namespace (docs/adr/0004)",
  },
  'arm-concurrency': {
    type: 'int',
    default: 10,
    min: 1,
    max: 100,
    description: 'VMs/VMSS updated in parallel (one operation at a time per VM/VMSS)',
  },
  'arm-writes-per-minute': {
    type: 'int',
    default: 120,
    min: 1,
    description: 'Write budget: ARM PATCHes per minute over all VMs/VMSS',
  },
  'arm-write-burst': {
    type: 'int',
    default: 40,
    min: 1,
    description: 'Write budget: burst over all VMs/VMSS',
  },
  'arm-target-writes-per-minute': {
    type: 'int',
    default: 4,
    min: 1,
    description: 'Write budget: PATCHes per minute to one VM/VMSS (ARM allows 4)',
  },
  'arm-target-write-burst': {
    type: 'int',
    default: 10,
    min: 1,
    description: 'Write budget: burst per VM/VMSS (ARM allows 12)',
  },
  'arm-coalesce-quiet': {
    type: 'duration',
    default: 250,
    min: 0,
    description:
      'Hold a VM/VMSS change until its set of identities has not changed for this long, so a burst of pods gives one PATCH (0 disables; docs/adr/0006)',
  },
  'arm-coalesce-max': {
    type: 'duration',
    default: 3000,
    min: 0,
    description: 'Longest a VM/VMSS change is held by --arm-coalesce-quiet (docs/adr/0006)',
  },
  'arm-poll-interval': {
    type: 'duration',
    default: 5000,
    min: 10,
    description: 'Polling interval of ARM long-running operations when ARM sends no Retry-After',
  },
  'shutdown-grace': {
    type: 'duration',
    default: 20_000,
    min: 0,
    description: 'Longest wait for running ARM operations when stopping',
  },
  'ledger-prefix': {
    type: 'string',
    default: 'pod-identity-mic-ledger',
    validate: dnsLabel,
    description: 'Name prefix of the ConfigMaps recording identities MIC added',
  },
  'default-identity-backend': {
    type: 'string',
    default: 'VM',
    choices: ['VM', 'Federated'],
    description:
      'Backend of user-assigned identities without spec.backend; give NMI the same value (docs/adr/0010)',
  },
  'oidc-issuer-url': {
    type: 'string',
    default: '',
    validate: (v: string) =>
      v === '' || /^https:\/\/[^\s]+$/.test(v)
        ? undefined
        : 'must be an https URL (AKS: az aks show --query oidcIssuerProfile.issuerUrl)',
    description:
      "The cluster's ServiceAccount token issuer, exactly as in the tokens' iss claim; required for federated identities",
  },
  'manage-federated-credentials': {
    type: 'boolean',
    default: false,
    description:
      'Create (and delete, when MIC created them) the federated identity credentials federated identities need; off: only check they exist',
  },
  'federated-credential-settle': {
    type: 'duration',
    default: 10_000,
    min: 0,
    description:
      'How long after MIC created a federated credential it counts as in place (Entra ID takes seconds to honour a new one)',
  },
  'custom-user-agent': {
    type: 'string',
    default: '',
    description: 'Appended to the user agent of ARM calls',
  },
  'log-level': {
    type: 'string',
    default: 'info',
    choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'],
    description: 'Log level (JSON lines on stdout)',
  },
  'log-format': {
    type: 'string',
    default: 'json',
    choices: ['json', 'text'],
    description: 'Accepted for compatibility; logs are always JSON',
  },
  enableScaleFeatures: {
    type: 'boolean',
    hidden: true,
    description: 'Deprecated no-op (as in the original)',
  },
  enableProfile: {
    type: 'boolean',
    hidden: true,
    description: 'Not supported (no pprof in Node); ignored with a warning',
  },
  clientQps: {
    type: 'int',
    default: 5,
    hidden: true,
    description: 'Accepted for compatibility; MIC bounds its writes with --createDeleteBatch',
  },
  'config-map-name': {
    type: 'string',
    hidden: true,
    description: 'Type upgrade is not needed (docs/adr/0002); ignored',
  },
  'type-upgrade-status-key': {
    type: 'string',
    hidden: true,
    description: 'Type upgrade is not needed (docs/adr/0002); ignored',
  },
  'enable-type-upgrade': {
    type: 'boolean',
    hidden: true,
    description: 'Type upgrade is not needed (docs/adr/0002); ignored',
  },
});
