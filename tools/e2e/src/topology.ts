// The e2e network: one "node" network namespace and "pod" namespaces joined to it by veth pairs, the
// way a CNI wires pods to a node. 169.254.169.254 sits on the node's loopback, so the node's own calls
// reach the (forwarded) emulator IMDS while pod calls are DNATed to NMI by NMI's own rules.
// Pure: these functions only produce the commands; runCommands executes them.

export interface NodeNet {
  /** Short unique suffix, so parallel runs and leftovers never clash (interface names ≤ 15 chars). */
  id: string;
  /** Pod subnet prefix, e.g. "10.244.7" → gateway 10.244.7.1, pods 10.244.7.2+. */
  subnet: string;
}

export interface PodNet {
  index: number;
}

export const METADATA_IP = '169.254.169.254';

export const nodeNamespace = (n: NodeNet): string => `pi-node-${n.id}`;
export const podNamespace = (n: NodeNet, p: PodNet): string => `pi-pod-${n.id}-${p.index}`;
export const podIp = (n: NodeNet, p: PodNet): string => `${n.subnet}.${p.index + 2}`;
const gatewayIp = (n: NodeNet): string => `${n.subnet}.1`;
const hostVeth = (n: NodeNet, p: PodNet): string => `pv${n.id}${p.index}h`;
const podVeth = (n: NodeNet, p: PodNet): string => `pv${n.id}${p.index}p`;

export function nodeSetupCommands(n: NodeNet): string[][] {
  const ns = nodeNamespace(n);
  return [
    ['ip', 'netns', 'add', ns],
    ['ip', '-n', ns, 'link', 'set', 'lo', 'up'],
    ['ip', '-n', ns, 'addr', 'add', `${METADATA_IP}/32`, 'dev', 'lo'],
    // DNAT to 127.0.0.1 is only routed when route_localnet is on (NMI sets it too; harmless twice).
    ['ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.conf.all.route_localnet=1'],
  ];
}

export function podSetupCommands(n: NodeNet, p: PodNet): string[][] {
  const node = nodeNamespace(n);
  const pod = podNamespace(n, p);
  return [
    ['ip', 'netns', 'add', pod],
    ['ip', '-n', pod, 'link', 'set', 'lo', 'up'],
    [
      'ip',
      'link',
      'add',
      hostVeth(n, p),
      'netns',
      node,
      'type',
      'veth',
      'peer',
      'name',
      podVeth(n, p),
      'netns',
      pod,
    ],
    ['ip', '-n', node, 'link', 'set', hostVeth(n, p), 'up'],
    // Every pod veth on the node carries the gateway address with a host route to its pod (/32 style).
    ['ip', '-n', node, 'addr', 'add', `${gatewayIp(n)}/32`, 'dev', hostVeth(n, p)],
    ['ip', '-n', node, 'route', 'add', `${podIp(n, p)}/32`, 'dev', hostVeth(n, p)],
    ['ip', 'netns', 'exec', node, 'sysctl', '-qw', `net.ipv4.conf.${hostVeth(n, p)}.route_localnet=1`],
    ['ip', '-n', pod, 'addr', 'add', `${podIp(n, p)}/32`, 'dev', podVeth(n, p)],
    ['ip', '-n', pod, 'link', 'set', podVeth(n, p), 'up'],
    ['ip', '-n', pod, 'route', 'add', `${gatewayIp(n)}/32`, 'dev', podVeth(n, p)],
    ['ip', '-n', pod, 'route', 'add', 'default', 'via', gatewayIp(n), 'dev', podVeth(n, p)],
  ];
}

export function teardownCommands(n: NodeNet, pods: PodNet[]): string[][] {
  // Deleting a namespace deletes its veth ends and its iptables tables with it.
  return [
    ...pods.map((p) => ['ip', 'netns', 'delete', podNamespace(n, p)]),
    ['ip', 'netns', 'delete', nodeNamespace(n)],
  ];
}

/** `iptables -t nat -S` inside a namespace (what NMI installed there). */
export const natRulesCommand = (ns: string): string[] =>
  inNamespace(ns, ['iptables', '-w', '5', '-t', 'nat', '-S']);

/** Prefix that runs a command inside a namespace. */
export function inNamespace(ns: string, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', ns, ...argv];
}
