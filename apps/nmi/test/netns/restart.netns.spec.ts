// NMI as a child process managing real iptables rules: the process stays in the host namespace (it
// must reach the envtest API server on loopback) while an `iptables` shim first on its PATH runs every
// iptables call inside a throwaway network namespace. Rules appear when it starts, stay when it stops
// (SIGTERM, exit 0) and when it starts again, and go only with --uninstall-iptables. Root only.
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CHAIN } from '../../src/node-net/rules';
import { ChildNmi, freePort, removeDir, writeKubeconfig } from '../support/child-nmi';
import { call } from '../support/client';
import { NetNs, requireRoot } from '../support/netns';
import { eventually, World } from '../support/world';

const netns = new NetNs();
const world = new World();
const children: ChildNmi[] = [];
const dirs: string[] = [];
let baseArgs: string[] = [];
let env: NodeJS.ProcessEnv = {};
let port = 0;

function which(binary: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, binary);
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  throw new Error(`${binary} not found on PATH`);
}

/** A directory whose `iptables` runs the real one inside the namespace. */
function iptablesShim(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nmi-shim-'));
  dirs.push(dir);
  const script = `#!/bin/sh\nexec '${which('ip')}' netns exec '${netns.name}' '${which('iptables')}' "$@"\n`;
  writeFileSync(join(dir, 'iptables'), script);
  chmodSync(join(dir, 'iptables'), 0o755);
  return dir;
}

function startChild(extra: readonly string[] = []): ChildNmi {
  const child = new ChildNmi([...baseArgs, ...extra], env);
  children.push(child);
  return child;
}

async function ours(): Promise<string[]> {
  return (await netns.natRules()).filter((r) => r.includes(CHAIN));
}

async function runUntilReady(): Promise<ChildNmi> {
  const child = startChild();
  const { probePort } = await child.started();
  await eventually(
    'ready (informers synced, rules in place)',
    async () => (await call(probePort, '/readyz', { from: '127.0.0.1', headers: {} })).status === 200,
    30_000,
  );
  return child;
}

beforeAll(async () => {
  requireRoot();
  await netns.create();
  await world.open([]);
  const kubeconfig = writeKubeconfig(world.nmiKc);
  dirs.push(kubeconfig.dir);
  port = await freePort();
  env = { PATH: `${iptablesShim()}${delimiter}${process.env.PATH ?? ''}` };
  baseArgs = [
    `--node=${world.node}`,
    `--kubeconfig=${kubeconfig.path}`,
    `--nmi-port=${port}`,
    '--http-probe-port=0',
    '--prometheus-port=0',
    '--probe-address=127.0.0.1',
    '--metadata-ip=127.0.0.1',
    `--metadata-port=${world.imdsPort}`,
    '--manage-iptables=true',
    '--set-route-localnet=false',
    '--kubelet-config=/nonexistent/kubelet',
    '--shutdown-grace=5s',
  ];
});

afterAll(async () => {
  for (const child of children) await child.kill();
  await netns.delete();
  for (const dir of dirs) removeDir(dir);
  await world.close();
});

describe('NMI process and its interception rules', () => {
  let installed: string[] = [];

  it('installs the rules when it starts', async () => {
    expect(await ours()).toEqual([]);
    const child = await runUntilReady();
    installed = await ours();
    expect(installed).toEqual([
      `-N ${CHAIN}`,
      `-A PREROUTING -j ${CHAIN}`,
      `-A ${CHAIN} ! -s 127.0.0.1/32 -d 127.0.0.1/32 -p tcp -m tcp --dport ${world.imdsPort} -j DNAT --to-destination 127.0.0.1:${port}`,
      `-A ${CHAIN} -j RETURN`,
    ]);
    child.signal('SIGTERM');
    expect(await child.waitForExit()).toEqual({ code: 0, signal: null });
  });

  it('leaves them in place after SIGTERM, and a restart finds nothing to repair', async () => {
    expect(await ours()).toEqual(installed);
    const child = await runUntilReady();
    expect(await ours()).toEqual(installed);
    expect(child.lines.some((l) => typeof l.msg === 'string' && l.msg.includes('repaired'))).toBe(false);
    child.signal('SIGTERM');
    expect(await child.waitForExit()).toEqual({ code: 0, signal: null });
    expect(await ours()).toEqual(installed);
  });

  it('removes them only with --uninstall-iptables', async () => {
    const child = startChild(['--uninstall-iptables']);
    expect(await child.waitForExit(90_000)).toEqual({ code: 0, signal: null });
    expect(await ours()).toEqual([]);
  });
});
