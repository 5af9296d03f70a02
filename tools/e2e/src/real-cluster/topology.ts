// The local cluster's network and names (pure). One bridge in the machine's own network namespace joins the
// control plane (apiserver, emulator) to two node network namespaces; each node has its own CNI bridge and
// pod range, and routes send every pod range to its node:
//
//   root ns: pi-br0 10.250.0.1 ── veth ── pi-node-0 ns: eth0 10.250.0.10, cni0 10.244.0.1/24, 169.254.169.254 on lo
//                              └─ veth ── pi-node-1 ns: eth0 10.250.0.11, cni0 10.244.1.1/24, 169.254.169.254 on lo
//
// Names are prefixed "pi-" so `make down` finds everything that `make up` made, and nothing else.
import { scaleSetComputerName } from '@pod-identity/azure-emulator';
import { providerIdOf, VMSS_NAME } from '../world';

export const PREFIX = 'pi-';
export const BRIDGE = 'pi-br0';
export const HOST_IP = '10.250.0.1';
export const NODE_SUBNET_BITS = 24;
export const CLUSTER_CIDR = '10.244.0.0/16';
/** The envtest control plane's --service-cluster-ip-range; its first address is the `kubernetes` Service. */
export const SERVICE_CIDR = '10.0.0.0/24';
export const KUBERNETES_SERVICE_IP = '10.0.0.1';
export const METADATA_IP = '169.254.169.254';

export interface ClusterNode {
  readonly index: number;
  /** The Kubernetes node name: the VMSS instance's computer name, as on AKS. */
  readonly name: string;
  readonly providerId: string;
  readonly netns: string;
  /** Host end of the veth to the bridge (interface names are at most 15 characters). */
  readonly hostVeth: string;
  readonly ip: string;
  readonly podCidr: string;
  readonly podGateway: string;
}

export function clusterNode(index: number): ClusterNode {
  return {
    index,
    name: scaleSetComputerName(VMSS_NAME, String(index)),
    providerId: providerIdOf(index),
    netns: `${PREFIX}node-${index}`,
    hostVeth: `${PREFIX}n${index}h`,
    ip: `10.250.0.${10 + index}`,
    podCidr: `10.244.${index}.0/24`,
    podGateway: `10.244.${index}.1`,
  };
}

export const clusterNodes = (count: number): ClusterNode[] =>
  Array.from({ length: count }, (_, i) => clusterNode(i));

/** Commands that create the bridge in the root namespace (idempotence is the caller's: it runs them once). */
export function bridgeCommands(): string[][] {
  return [
    ['ip', 'link', 'add', BRIDGE, 'type', 'bridge'],
    ['ip', 'addr', 'add', `${HOST_IP}/${NODE_SUBNET_BITS}`, 'dev', BRIDGE],
    ['ip', 'link', 'set', BRIDGE, 'up'],
  ];
}

/** Commands that create one node's namespace, wire it to the bridge and route pod ranges (all nodes given). */
export function nodeNetworkCommands(node: ClusterNode, all: readonly ClusterNode[]): string[][] {
  const ns = node.netns;
  const inNs = (...argv: string[]): string[] => ['ip', '-n', ns, ...argv];
  const sysctl = (setting: string): string[] => ['ip', 'netns', 'exec', ns, 'sysctl', '-qw', setting];
  return [
    ['ip', 'netns', 'add', ns],
    inNs('link', 'set', 'lo', 'up'),
    inNs('addr', 'add', `${METADATA_IP}/32`, 'dev', 'lo'),
    ['ip', 'link', 'add', node.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns],
    ['ip', 'link', 'set', node.hostVeth, 'master', BRIDGE, 'up'],
    inNs('addr', 'add', `${node.ip}/${NODE_SUBNET_BITS}`, 'dev', 'eth0'),
    inNs('link', 'set', 'eth0', 'up'),
    // The node routes its pods' traffic; NMI's DNAT to 127.0.0.1 needs route_localnet.
    sysctl('net.ipv4.ip_forward=1'),
    sysctl('net.ipv4.conf.all.route_localnet=1'),
    // A default route, as every real node has: without one, the host network's connections to a Service IP
    // (NMI's in-cluster config: 10.0.0.1) fail before kube-proxy's OUTPUT rule can rewrite them.
    inNs('route', 'add', 'default', 'via', HOST_IP),
    // The other nodes' pods, and the machine's own route to this node's pods.
    ...all.filter((n) => n.index !== node.index).map((n) => inNs('route', 'add', n.podCidr, 'via', n.ip)),
    ['ip', 'route', 'add', node.podCidr, 'via', node.ip, 'dev', BRIDGE],
  ];
}

/** The node namespace's path, for nsenter (which keeps the machine's mount namespace, unlike `ip netns exec`). */
export const netnsPath = (node: ClusterNode): string => `/var/run/netns/${node.netns}`;

/**
 * Runs argv inside a node's network namespace only. `ip netns exec` would also give the process a private
 * mount namespace, and then the kubelet's volume mounts (service account tokens) would be invisible to
 * containerd and the containers: every daemon of a node shares the machine's mount namespace instead.
 */
export const inNode = (node: ClusterNode, argv: readonly string[]): string[] => [
  'nsenter',
  `--net=${netnsPath(node)}`,
  '--',
  ...argv,
];
