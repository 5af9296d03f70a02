import {
  cniConflist,
  containerdConfig,
  kubeletConfig,
  kubeProxyConfig,
  runcRoot,
  type NodeDirs,
} from './configs';
import { clusterNode } from './topology';

describe('node daemon configuration', () => {
  const node = clusterNode(1);
  const dirs: NodeDirs = { data: '/data/n1', run: '/run/pi/1' };

  it('containerd: own root, state, socket and runc root; the settings this machine needs', () => {
    const toml = containerdConfig(node, dirs, 'localhost/pod-identity/pause:1.2.3');
    expect(toml).toContain('root = "/data/n1/containerd"');
    expect(toml).toContain('state = "/run/pi/1/containerd"');
    expect(toml).toContain('address = "/run/pi/1/containerd.sock"');
    expect(toml).toContain(`Root = "${runcRoot(dirs)}"`);
    expect(toml).toContain('restrict_oom_score_adj = true');
    expect(toml).toContain('SystemdCgroup = false');
    expect(toml).toContain('sandbox_image = "localhost/pod-identity/pause:1.2.3"');
    expect(toml).toContain('netns_mounts_under_state_dir = true');
    expect(toml).toContain('conf_dir = "/data/n1/cni/net.d"');
  });

  it('CNI: a bridge with the node pod range, no masquerade (NMI tells pods apart by source address)', () => {
    const conf = JSON.parse(cniConflist(node, dirs)) as { plugins: Record<string, unknown>[] };
    const bridge = conf.plugins[0] as {
      ipMasq: boolean;
      ipam: { ranges: { subnet: string }[][]; dataDir: string };
    };
    expect(bridge.ipMasq).toBe(false);
    expect(bridge.ipam.ranges[0][0].subnet).toBe('10.244.1.0/24');
    expect(bridge.ipam.dataDir).toBe('/data/n1/cni/ipam');
  });

  it('kubelet: cgroup v1 allowed, the VMSS provider id, its own pod logs, x509 + webhook authentication', () => {
    const config = JSON.parse(kubeletConfig(node, dirs, '/pki/ca.crt')) as Record<string, unknown>;
    expect(config).toMatchObject({
      failCgroupV1: false,
      cgroupDriver: 'cgroupfs',
      cgroupsPerQOS: false,
      providerID: node.providerId,
      address: '10.250.0.11',
      podLogsDir: '/data/n1/pod-logs',
      containerRuntimeEndpoint: 'unix:///run/pi/1/containerd.sock',
      authentication: { anonymous: { enabled: false }, x509: { clientCAFile: '/pki/ca.crt' } },
      authorization: { mode: 'Webhook' },
    });
  });

  it('kube-proxy: iptables mode on the node address, leaving the kernel conntrack sizes alone', () => {
    const config = JSON.parse(kubeProxyConfig(node, '/k/proxy.kubeconfig', 10249)) as Record<string, unknown>;
    expect(config).toMatchObject({
      mode: 'iptables',
      hostnameOverride: node.name,
      bindAddress: '10.250.0.11',
      conntrack: { maxPerCore: 0, tcpEstablishedTimeout: '0s' },
    });
  });
});
