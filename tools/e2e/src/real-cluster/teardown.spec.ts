import { belongsToCluster, clusterMounts, removedNothing } from './teardown';

describe('make down finds what make up made', () => {
  const dirs = ['/repo/.local/cluster', '/run/pod-identity-cluster'];

  it('claims processes whose command line names a cluster directory, and no others', () => {
    expect(
      belongsToCluster(
        'containerd-shim-runc-v2\0-address\0/run/pod-identity-cluster/0/containerd.sock\0',
        dirs,
      ),
    ).toBe(true);
    expect(belongsToCluster('kubelet\0--root-dir=/repo/.local/cluster/nodes/a/kubelet\0', dirs)).toBe(true);
    expect(belongsToCluster('containerd\0--config\0/etc/containerd/config.toml\0', dirs)).toBe(false);
  });

  it('lists the mounts under the cluster directories, deepest first', () => {
    const mountinfo = [
      '22 1 0:21 / / rw - ext4 /dev/vda rw',
      '90 22 0:50 / /repo/.local/cluster/nodes/a/kubelet/pods/x/volumes/token rw - tmpfs tmpfs rw',
      '91 22 0:51 / /run/pod-identity-cluster/0/containerd/io.containerd.grpc.v1.cri/sandboxes/y/shm rw - tmpfs shm rw',
      '92 22 0:52 / /repo/.local/clusters-other rw - tmpfs tmpfs rw',
      '93 22 0:53 / /repo/.local/cluster rw - tmpfs tmpfs rw',
    ].join('\n');
    expect(clusterMounts(mountinfo, dirs)).toEqual([
      '/run/pod-identity-cluster/0/containerd/io.containerd.grpc.v1.cri/sandboxes/y/shm',
      '/repo/.local/cluster/nodes/a/kubelet/pods/x/volumes/token',
      '/repo/.local/cluster',
    ]);
  });

  it('says nothing was there only when nothing was removed', () => {
    expect(removedNothing({ processes: 0, mounts: 0, network: 0, cgroups: 0, directories: 0 })).toBe(true);
    expect(removedNothing({ processes: 0, mounts: 0, network: 1, cgroups: 0, directories: 0 })).toBe(false);
  });
});
