// The kubenet guard, on the real process (main.ts): NMI refuses to start on a node whose kubelet uses
// kubenet (pods with NET_RAW could ARP-spoof each other there), unless --allow-network-plugin-kubenet;
// a CNI node starts. The kubelet defaults file is a real file on disk, as on an AKS node.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChildNmi, removeDir, writeKubeconfig } from './support/child-nmi';
import { World } from './support/world';

const world = new World();
let kubeconfig: { path: string; dir: string };
const children: ChildNmi[] = [];

beforeAll(async () => {
  await world.open([]);
  kubeconfig = writeKubeconfig(world.nmiKc);
});

afterAll(async () => {
  for (const child of children) await child.kill();
  removeDir(kubeconfig.dir);
  await world.close();
});

/** An AKS-style /etc/default/kubelet with the given network plugin. */
function kubeletFile(name: string, plugin: string): string {
  const path = join(kubeconfig.dir, name);
  writeFileSync(path, `KUBELET_FLAGS=--address=0.0.0.0 --network-plugin=${plugin} --max-pods=110\n`);
  return path;
}

function nmi(kubeletConfig: string, extra: string[] = []): ChildNmi {
  const child = new ChildNmi([
    `--node=${world.node}`,
    `--kubeconfig=${kubeconfig.path}`,
    '--nmi-port=0',
    '--http-probe-port=0',
    '--prometheus-port=0',
    '--probe-address=127.0.0.1',
    '--metadata-ip=127.0.0.1',
    `--metadata-port=${world.imdsPort}`,
    '--manage-iptables=false',
    `--kubelet-config=${kubeletConfig}`,
    ...extra,
  ]);
  children.push(child);
  return child;
}

it('refuses to start on a kubenet node, saying why and what to do', async () => {
  const child = nmi(kubeletFile('kubenet', 'kubenet'));
  expect(await child.waitForExit(90_000)).toEqual({ code: 1, signal: null });
  const fatal = child.lines.find((l) => l.msg === 'nmi failed to start');
  expect(JSON.stringify(fatal)).toContain('not supported for Kubenet');
  expect(JSON.stringify(fatal)).toContain('--allow-network-plugin-kubenet');
  expect(child.lines.some((l) => l.msg === 'nmi started')).toBe(false);
});

it.each([
  ['on a kubenet node with --allow-network-plugin-kubenet', 'kubenet', ['--allow-network-plugin-kubenet']],
  ['on a CNI node', 'cni', []],
])('starts %s', async (_name, plugin, extra) => {
  const child = nmi(kubeletFile(`allowed-${plugin}`, plugin), extra);
  await expect(child.started()).resolves.toMatchObject({ port: expect.any(Number) });
  child.signal('SIGTERM');
  expect(await child.waitForExit()).toEqual({ code: 0, signal: null });
});
