// How MIC and NMI are started from their bundles: their command lines (pure) and the environment they
// get. MIC is pointed at the emulator the way a user points it at a custom cloud (azure.json with
// cloud AzureStackCloud, AZURE_ENVIRONMENT_FILEPATH, NODE_EXTRA_CA_CERTS). NMI runs as in a DaemonSet:
// inside a node network namespace with its own iptables rules, or (without root) on loopback with a
// port of its own and the node's emulator IMDS as its metadata endpoint.

export interface MicArgs {
  readonly kubeconfig: string;
  readonly cloudconfig: string;
  readonly namespace: string;
  readonly instance: string;
  readonly leaseDuration: string;
  /** deploy/base runs MIC with --forceNamespaced=true; false = the original's cross-namespace matching. */
  readonly forceNamespaced?: boolean;
  readonly extra?: readonly string[];
}

export function micArgs(a: MicArgs): string[] {
  return [
    `--kubeconfig=${a.kubeconfig}`,
    `--cloudconfig=${a.cloudconfig}`,
    `--pod-namespace=${a.namespace}`,
    `--leader-election-instance=${a.instance}`,
    `--leader-election-duration=${a.leaseDuration}`,
    `--forceNamespaced=${a.forceNamespaced ?? true}`,
    '--bind-address=127.0.0.1',
    '--http-probe-port=0',
    '--prometheus-port=0',
    '--arm-poll-interval=250ms',
    '--update-user-msi-retry-interval=500ms',
    '--shutdown-grace=5s',
    ...(a.extra ?? []),
  ];
}

/** The environment of a MIC process: nothing inherited but PATH and HOME, so no Azure variable leaks in. */
export function micEnv(cloudEnvironmentPath: string, caPath: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AZURE_ENVIRONMENT_FILEPATH: cloudEnvironmentPath,
    NODE_EXTRA_CA_CERTS: caPath,
    NO_PROXY: 'localhost,127.0.0.1,::1',
  };
}

export type NmiPlacement =
  /** Inside the node's network namespace: default ports, NMI installs its iptables rules there. */
  | { readonly kind: 'netns' }
  /** On the host's loopback, without iptables: pods call `port` from their own 127.x address. */
  | {
      readonly kind: 'loopback';
      readonly port: number;
      readonly imdsHost: string;
      readonly imdsPort: number;
    };

export interface NmiArgs {
  readonly node: string;
  readonly kubeconfig: string;
  readonly placement: NmiPlacement;
  readonly extra?: readonly string[];
}

export function nmiArgs(a: NmiArgs): string[] {
  const common = [
    `--node=${a.node}`,
    `--kubeconfig=${a.kubeconfig}`,
    '--probe-address=127.0.0.1',
    '--retry-after=2s',
  ];
  const placement =
    a.placement.kind === 'netns'
      ? ['--http-probe-port=8085', '--prometheus-port=9090']
      : [
          '--manage-iptables=false',
          `--nmi-port=${a.placement.port}`,
          `--metadata-ip=${a.placement.imdsHost}`,
          `--metadata-port=${a.placement.imdsPort}`,
          '--http-probe-port=0',
          '--prometheus-port=0',
        ];
  return [...common, ...placement, ...(a.extra ?? [])];
}

/** NMI needs no Azure settings for user-assigned identities (IMDS only). */
export function nmiEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME };
}
