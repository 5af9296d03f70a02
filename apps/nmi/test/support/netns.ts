// A throwaway network namespace (root only) and a command runner that runs inside it, so that NMI's
// own iptables code can be exercised for real without touching the host's rules.
import { randomBytes } from 'node:crypto';
import { type CommandRunner, execRunner, type RunResult } from '../../src/node-net/iptables';

/** Fails (never skips) when the netns tier runs without root: it is only wired in for root. */
export function requireRoot(): void {
  const uid = process.getuid?.();
  if (uid !== 0) {
    throw new Error(
      `the netns tier (apps/nmi/jest.netns.config.cjs) needs root (uid 0) to create network namespaces; running as uid ${uid ?? 'unknown'}. Run it only as root.`,
    );
  }
}

async function must(command: string, args: readonly string[]): Promise<RunResult> {
  const result = await execRunner(command, args);
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim()}`);
  return result;
}

export class NetNs {
  /** Runs a command inside the namespace (`ip netns exec <name> …`). */
  readonly run: CommandRunner = (command, args) =>
    execRunner('ip', ['netns', 'exec', this.name, command, ...args]);
  private created = false;

  constructor(readonly name = `nmi-t-${process.pid}-${randomBytes(3).toString('hex')}`) {}

  async create(): Promise<void> {
    await must('ip', ['netns', 'add', this.name]);
    this.created = true;
  }

  /** Deletes the namespace (and with it every rule in it); safe to call when creation failed. */
  async delete(): Promise<void> {
    if (!this.created) return;
    await must('ip', ['netns', 'delete', this.name]);
    this.created = false;
  }

  /** `iptables -t nat -S` inside the namespace, one rule per entry. */
  async natRules(): Promise<string[]> {
    const result = await this.run('iptables', ['-w', '5', '-t', 'nat', '-S']);
    if (result.code !== 0)
      throw new Error(`iptables -t nat -S failed in ${this.name}: ${result.stderr.trim()}`);
    return result.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
  }

  async iptables(args: readonly string[]): Promise<void> {
    const result = await this.run('iptables', ['-w', '5', ...args]);
    if (result.code !== 0)
      throw new Error(`iptables ${args.join(' ')} failed in ${this.name}: ${result.stderr.trim()}`);
  }
}

/** Whether `ip netns list` still shows the namespace. */
export async function netnsExists(name: string): Promise<boolean> {
  const result = await must('ip', ['netns', 'list']);
  return result.stdout.split('\n').some((line) => line.split(' ')[0] === name);
}
