// The interception rules as data, and the pure plan that brings a node from what `iptables -S` shows
// to them. Table nat: PREROUTING jumps to our chain; the chain DNATs pod traffic for the metadata
// address to the agent and returns everything else. Only PREROUTING is hooked, so host processes
// (NMI's own upstream calls) still reach the real IMDS.

export const CHAIN = 'aad-metadata';

export interface RuleOptions {
  readonly metadataIp: string;
  readonly metadataPort: number;
  /** Where pod traffic is sent: the agent's address and port. */
  readonly targetIp: string;
  readonly targetPort: number;
}

export interface RuleSet {
  readonly table: 'nat';
  readonly chain: string;
  /** Each rule as `iptables -S` prints it (and as `iptables -A` takes it). */
  readonly rules: readonly (readonly string[])[];
  /** The PREROUTING jump, as `-C`/`-I`/`-D` take it after the chain name. */
  readonly jump: readonly string[];
}

export function desiredRules(options: RuleOptions): RuleSet {
  const dnat = [
    '-A',
    CHAIN,
    '!',
    '-s',
    '127.0.0.1/32',
    '-d',
    `${options.metadataIp}/32`,
    '-p',
    'tcp',
    '-m',
    'tcp',
    '--dport',
    String(options.metadataPort),
    '-j',
    'DNAT',
    '--to-destination',
    `${options.targetIp}:${options.targetPort}`,
  ];
  return { table: 'nat', chain: CHAIN, rules: [dnat, ['-A', CHAIN, '-j', 'RETURN']], jump: ['-j', CHAIN] };
}

/** DNAT target: the listen address, except that a wildcard listener is reached on loopback (or the host IP). */
export function dnatTarget(listenAddress: string, hostIp: string | undefined): string {
  if (listenAddress !== '0.0.0.0' && listenAddress !== '::') return listenAddress;
  return hostIp && hostIp !== '' ? hostIp : '127.0.0.1';
}

/** What `iptables -t nat -S <chain>` prints when the chain is exactly ours. */
export function expectedListing(set: RuleSet): string[] {
  return [`-N ${set.chain}`, ...set.rules.map((r) => r.join(' '))];
}

export interface Observed {
  /** Lines of `iptables -t nat -S <chain>`, or undefined when the chain does not exist. */
  readonly chainListing: readonly string[] | undefined;
  readonly jumpPresent: boolean;
}

export type Command = readonly string[];

/** Commands (arguments after `iptables -w -t nat`) that make the node match `set`; [] when it does. */
export function planReconcile(observed: Observed, set: RuleSet): Command[] {
  const commands: Command[] = [];
  const listing = observed.chainListing?.map((l) => l.trim()).filter((l) => l !== '');
  const expected = expectedListing(set);
  if (listing === undefined) {
    commands.push(['-N', set.chain], ...set.rules);
  } else if (listing.join('\n') !== expected.join('\n')) {
    commands.push(['-F', set.chain], ...set.rules);
  }
  if (!observed.jumpPresent) commands.push(['-I', 'PREROUTING', '1', ...set.jump]);
  return commands;
}

/** Commands that remove everything ours (explicit uninstall only; a restart never does this). */
export function planUninstall(observed: Observed, set: RuleSet): Command[] {
  const commands: Command[] = [];
  if (observed.jumpPresent) commands.push(['-D', 'PREROUTING', ...set.jump]);
  if (observed.chainListing !== undefined) commands.push(['-F', set.chain], ['-X', set.chain]);
  return commands;
}

/** The kubenet guard: kubenet lets a pod with NET_RAW ARP-spoof another pod's IP and take its token. */
export function kubeletUsesKubenet(kubeletConfig: string): boolean {
  return /--network-plugin[=\s]+["']?kubenet\b/.test(kubeletConfig);
}
