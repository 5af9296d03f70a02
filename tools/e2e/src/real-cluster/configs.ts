// The configuration files of one node's daemons (pure): containerd, the CNI network, the kubelet and
// kube-proxy. Every path is the node's own, so two nodes share nothing but the machine's kernel: their own
// containerd root, state, socket and runc root, their own CNI configuration and IPAM store, their own
// kubelet root, pod log directory, runc root (where `make down` finds each node's containers) and ports. The settings this machine needs are explained
// in ../shared/reference/real-node.md.
import { CLUSTER_CIDR, type ClusterNode } from './topology';

export interface NodeDirs {
  /** Persistent state: containerd's root, the kubelet's root, pod logs, CNI configuration. */
  readonly data: string;
  /** Sockets and runtime state (short paths: unix sockets are limited to 107 bytes). */
  readonly run: string;
}

export const containerdSocket = (dirs: NodeDirs): string => `${dirs.run}/containerd.sock`;
export const cniConfDir = (dirs: NodeDirs): string => `${dirs.data}/cni/net.d`;
export const kubeletRootDir = (dirs: NodeDirs): string => `${dirs.data}/kubelet`;
export const podLogsDir = (dirs: NodeDirs): string => `${dirs.data}/pod-logs`;
/** runc's state directory of the node's containers (runc --root … list finds them for make down). */
export const runcRoot = (dirs: NodeDirs): string => `${dirs.run}/runc`;

/** containerd 1.6 (config version 2). */
export function containerdConfig(node: ClusterNode, dirs: NodeDirs, sandboxImage: string): string {
  return `# containerd of ${node.name} (written by make up)
version = 2
root = "${dirs.data}/containerd"
state = "${dirs.run}/containerd"
oom_score = 0

[grpc]
  address = "${containerdSocket(dirs)}"

[ttrpc]
  address = "${dirs.run}/containerd-ttrpc.sock"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${sandboxImage}"
  # Without it every pod sandbox fails here: a negative oom_score_adj is not permitted on this machine.
  restrict_oom_score_adj = true
  enable_selinux = false
  # Pod network namespaces under the node's own state directory, where make down finds them.
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "${runcRoot(dirs)}"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${cniConfDir(dirs)}"
    max_conf_num = 1
`;
}

/** A bridge network with host-local addresses from the node's pod range; pods keep their own source IP. */
export function cniConflist(node: ClusterNode, dirs: NodeDirs): string {
  return `${JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: `${node.netns}-pods`,
      plugins: [
        {
          type: 'bridge',
          bridge: 'cni0',
          isGateway: true,
          // No masquerade: NMI tells pods apart by their source address, and the control plane routes
          // every pod range back to its node.
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            dataDir: `${dirs.data}/cni/ipam`,
            ranges: [[{ subnet: node.podCidr, gateway: node.podGateway }]],
            routes: [{ dst: '0.0.0.0/0' }],
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  )}\n`;
}

/** KubeletConfiguration (JSON is YAML). */
export function kubeletConfig(node: ClusterNode, dirs: NodeDirs, clientCaFile: string): string {
  const config = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    // This machine has hybrid cgroups (v1 controllers); 1.35+ refuses cgroup v1 unless told otherwise.
    failCgroupV1: false,
    cgroupDriver: 'cgroupfs',
    // No QoS cgroup tree (cgroup v1 here); containers land in containerd's default /k8s.io/<id> cgroups.
    cgroupsPerQOS: false,
    enforceNodeAllocatable: [],
    failSwapOn: false,
    localStorageCapacityIsolation: false,
    containerRuntimeEndpoint: `unix://${containerdSocket(dirs)}`,
    providerID: node.providerId,
    address: node.ip,
    port: 10250,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
    podLogsDir: podLogsDir(dirs),
    volumePluginDir: `${dirs.data}/volume-plugins`,
    // The apiserver proves itself with a client certificate (for logs and exec); the kubelet asks the
    // apiserver whether that user may (SubjectAccessReview).
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: clientCaFile },
    },
    authorization: { mode: 'Webhook' },
    serializeImagePulls: false,
    // The disk is shared with everything else on the machine: evict only when it is really full.
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    maxPods: 40,
    rotateCertificates: false,
    serverTLSBootstrap: false,
    registerNode: true,
    nodeStatusReportFrequency: '10s',
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** KubeProxyConfiguration in iptables mode, bound to the node; leaves the kernel's conntrack sizes alone. */
export function kubeProxyConfig(node: ClusterNode, kubeconfig: string, metricsPort: number): string {
  const config = {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    clientConnection: { kubeconfig },
    mode: 'iptables',
    hostnameOverride: node.name,
    bindAddress: node.ip,
    clusterCIDR: CLUSTER_CIDR,
    // nf_conntrack_max and the TCP timeouts are not writable outside the machine's own network namespace.
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
    metricsBindAddress: `127.0.0.1:${metricsPort}`,
    healthzBindAddress: `127.0.0.1:${metricsPort + 1}`,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
