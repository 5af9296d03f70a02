// Every NMI flag, with the original project's names where it had one. README.md documents each and
// every rename; config.ts turns the parsed values into the frozen NmiConfig.
import { defineFlags } from '@pod-identity/platform';

const SECOND = 1000;

export const NMI_FLAGS = defineFlags({
  node: {
    type: 'string',
    env: 'NODE_NAME',
    required: true,
    description: 'name of the node this agent serves',
  },
  'operation-mode': {
    type: 'string',
    default: 'standard',
    choices: ['standard', 'managed'],
    description:
      'standard: AzureAssignedIdentities from MIC; managed: bindings and identities of the pod namespace, no MIC',
  },
  forceNamespaced: {
    type: 'boolean',
    default: true,
    env: 'FORCENAMESPACED',
    description:
      'a pod gets only identities and bindings of its own namespace (ON by default here; --forceNamespaced=false restores the original cross-namespace matching)',
  },
  'metadata-header-required': {
    type: 'boolean',
    default: true,
    description: 'require the header Metadata: true, as IMDS does',
  },
  'block-instance-metadata': {
    type: 'boolean',
    default: true,
    description: 'answer 403 to /metadata/instance instead of forwarding it (ON by default here)',
  },
  'nmi-listen-address': {
    type: 'string',
    default: '127.0.0.1',
    description: 'address the metadata endpoint listens on (the DNAT target)',
  },
  'nmi-port': {
    type: 'int',
    default: 2579,
    min: 0,
    max: 65535,
    description: 'port of the metadata endpoint',
  },
  'host-ip': {
    type: 'string',
    env: 'HOST_IP',
    description: 'node IP; DNAT target when --nmi-listen-address=0.0.0.0 (then no route_localnet is needed)',
  },
  'metadata-ip': {
    type: 'string',
    default: '169.254.169.254',
    description: 'address of the real IMDS (intercepted for pods, called directly by NMI)',
  },
  'metadata-port': { type: 'int', default: 80, min: 1, max: 65535, description: 'port of the real IMDS' },
  'http-probe-port': {
    type: 'int',
    default: 8085,
    min: 0,
    max: 65535,
    description: '/healthz and /readyz port',
  },
  'prometheus-port': { type: 'int', default: 9090, min: 0, max: 65535, description: '/metrics port' },
  'probe-address': {
    type: 'string',
    default: '0.0.0.0',
    description: 'address of the probe and metrics listeners',
  },
  'retry-attempts-for-created': {
    type: 'int',
    min: 0,
    max: 1000,
    description:
      'original wait knob: (created+assigned attempts) x interval sets --assignment-wait when that is not given',
  },
  'retry-attempts-for-assigned': {
    type: 'int',
    min: 0,
    max: 1000,
    description: 'original wait knob, see --retry-attempts-for-created',
  },
  'find-identity-retry-interval': {
    type: 'duration',
    bareNumberUnit: 's',
    min: 0,
    description: 'original wait knob (seconds or a duration), see --retry-attempts-for-created',
  },
  'assignment-wait': {
    type: 'duration',
    default: 1 * SECOND,
    min: 0,
    max: 30 * SECOND,
    description: 'how long a token request waits for a pending assignment before answering 503 + Retry-After',
  },
  'retry-after': {
    type: 'duration',
    default: 15 * SECOND,
    min: SECOND,
    max: 300 * SECOND,
    bareNumberUnit: 's',
    description: 'Retry-After of the 503 for a pending assignment',
  },
  'set-retry-after-header': {
    type: 'boolean',
    default: true,
    description: 'send Retry-After with the pending-assignment 503 (ON by default here)',
  },
  'unprocessed-pod-grace': {
    type: 'duration',
    default: 120 * SECOND,
    min: 0,
    description:
      'standard mode: a labelled pod younger than this without any AzureAssignedIdentity is "pending", not "no identity"',
  },
  'pod-lookup-wait': {
    type: 'duration',
    default: 1 * SECOND,
    min: 0,
    max: 10 * SECOND,
    description: 'how long a request from an unknown source IP waits for the pod informer',
  },
  'multiple-identities': {
    type: 'string',
    default: 'first',
    choices: ['first', 'error'],
    description:
      'several identities and none requested: first = first by (binding namespace, binding name, identity); error = 400 as IMDS does',
  },
  'ipt-update-interval-sec': {
    type: 'duration',
    default: 60 * SECOND,
    min: SECOND,
    bareNumberUnit: 's',
    aliases: ['ipt-update-interval', 'ipTableUpdateTimeIntervalInSeconds'],
    description: 'how often the iptables rules are checked and repaired',
  },
  'manage-iptables': {
    type: 'boolean',
    default: true,
    description: 'install and reconcile the interception rules (off only when something else installs them)',
  },
  'uninstall-iptables': {
    type: 'boolean',
    default: false,
    description: 'remove the interception rules and exit (rules are never removed on a restart)',
  },
  'set-route-localnet': {
    type: 'boolean',
    default: true,
    description: 'set net.ipv4.conf.all.route_localnet=1 when the DNAT target is a loopback address',
  },
  'allow-network-plugin-kubenet': {
    type: 'boolean',
    default: false,
    description: 'start on kubenet nodes (pods with NET_RAW can spoof other pods there)',
  },
  'kubelet-config': {
    type: 'string',
    default: '/etc/default/kubelet',
    description: 'kubelet defaults file read by the kubenet guard',
  },
  'enable-conntrack-deletion': {
    type: 'boolean',
    default: false,
    description:
      'after installing the rules, delete conntrack entries of connections to the metadata address',
  },
  'host-token-mode': {
    type: 'string',
    default: 'disabled',
    choices: ['disabled', 'tokenreview'],
    description:
      '/host/token: disabled, or tokenreview (caller presents a ServiceAccount token checked by TokenReview)',
  },
  'host-token-audience': {
    type: 'string',
    default: 'pod-identity-nmi',
    description: 'audience the /host/token ServiceAccount token must carry',
  },
  'host-token-allowed-service-accounts': {
    type: 'list',
    description: 'namespace/name of ServiceAccounts allowed to call /host/token',
  },
  'token-cache-size': {
    type: 'int',
    default: 2048,
    min: 1,
    description: 'token sets kept in memory (least recently used dropped first)',
  },
  'token-min-validity': {
    type: 'duration',
    default: 300 * SECOND,
    min: 0,
    description: 'a cached token with less validity left is fetched again',
  },
  'imds-rate': {
    type: 'int',
    default: 10,
    min: 1,
    max: 20,
    description: 'upstream token requests started per second (IMDS allows 20/s per VM)',
  },
  'imds-concurrency': {
    type: 'int',
    default: 4,
    min: 1,
    max: 5,
    description: 'upstream token requests at once (IMDS allows 5 per VM)',
  },
  'upstream-timeout': {
    type: 'duration',
    default: 10 * SECOND,
    min: 100,
    description: 'timeout of each call to IMDS or Entra ID',
  },
  'upstream-queue-wait': {
    type: 'duration',
    default: 2 * SECOND,
    min: 0,
    description: 'how long a request waits for the upstream budget before a 429',
  },
  'default-ad-endpoint': {
    type: 'string',
    default: 'https://login.microsoftonline.com/',
    description: 'authority for service principals whose AzureIdentity has no adEndpoint',
  },
  'authority-ca-file': {
    type: 'string',
    description: 'PEM file of extra CAs trusted for Entra ID authorities (private clouds, tests)',
  },
  'default-identity-backend': {
    type: 'string',
    default: 'VM',
    choices: ['VM', 'Federated'],
    description:
      'backend of user-assigned identities without spec.backend (managed mode; standard mode follows MIC); give MIC the same value (docs/adr/0010)',
  },
  'federated-tenant-id': {
    type: 'string',
    default: '',
    description: "Entra tenant of federated identities without spec.tenantID (on AKS: the cluster's tenant)",
  },
  kubeconfig: {
    type: 'string',
    env: 'KUBECONFIG',
    description: 'kubeconfig file (in-cluster config when empty)',
  },
  'shutdown-grace': {
    type: 'duration',
    default: 10 * SECOND,
    min: 0,
    description: 'time requests in flight get to finish on SIGTERM',
  },
  'max-connections': {
    type: 'int',
    default: 4096,
    min: 16,
    max: 1_000_000,
    description: 'open connections to the metadata endpoint at most (new ones are closed above it)',
  },
  'request-timeout': {
    type: 'duration',
    default: 30 * SECOND,
    min: SECOND,
    description: 'bound on one request to the metadata endpoint, headers included',
  },
  'log-level': {
    type: 'string',
    default: 'info',
    choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'],
    description: 'log level',
  },
  'log-format': {
    type: 'string',
    default: 'json',
    choices: ['json', 'text'],
    description: 'accepted for compatibility; logs are always JSON',
  },
  'custom-user-agent': {
    type: 'string',
    default: '',
    description: 'appended to the User-Agent of upstream calls',
  },
  enableScaleFeatures: {
    type: 'boolean',
    default: true,
    hidden: true,
    description: 'accepted for compatibility; assigned identities are always watched by node label',
  },
  MICNamespace: {
    type: 'string',
    hidden: true,
    description:
      'accepted for compatibility; the name-based MIC bypass is gone (use an AzurePodIdentityException)',
  },
  enableProfile: { type: 'boolean', hidden: true, description: 'accepted for compatibility; no pprof' },
});

export type NmiFlags = typeof NMI_FLAGS;
