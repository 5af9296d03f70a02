// Applies the rule set by running `iptables` (with -w, waiting for the xtables lock). Reconcile is
// idempotent: it reads, plans (rules.ts), and runs only what differs. Nothing here removes the rules
// on shutdown: a restarting agent must not open a window to the real IMDS.
import { execFile } from 'node:child_process';
import { planReconcile, planUninstall, type Observed, type RuleSet } from './rules';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type CommandRunner = (command: string, args: readonly string[]) => Promise<RunResult>;

export const execRunner: CommandRunner = (command, args) =>
  new Promise((resolve) => {
    execFile(command, [...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });

export class IptablesError extends Error {
  constructor(args: readonly string[], result: RunResult) {
    super(`iptables ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim()}`);
    this.name = 'IptablesError';
  }
}

export class IptablesManager {
  constructor(
    private readonly set: RuleSet,
    private readonly run: CommandRunner = execRunner,
    private readonly binary = 'iptables',
  ) {}

  async observe(): Promise<Observed> {
    const list = await this.iptables(['-S', this.set.chain], true);
    const check = await this.iptables(['-C', 'PREROUTING', ...this.set.jump], true);
    return {
      chainListing: list.code === 0 ? list.stdout.split('\n') : undefined,
      jumpPresent: check.code === 0,
    };
  }

  /** Makes the node match the rule set; returns whether anything had to change. */
  async reconcile(): Promise<'unchanged' | 'repaired'> {
    const commands = planReconcile(await this.observe(), this.set);
    for (const command of commands) await this.iptables(command, false);
    return commands.length === 0 ? 'unchanged' : 'repaired';
  }

  /** Removes the jump and the chain (the explicit uninstall switch only). */
  async uninstall(): Promise<void> {
    for (const command of planUninstall(await this.observe(), this.set)) await this.iptables(command, false);
  }

  private async iptables(args: readonly string[], allowFailure: boolean): Promise<RunResult> {
    const full = ['-w', '5', '-t', this.set.table, ...args];
    const result = await this.run(this.binary, full);
    if (result.code !== 0 && !allowFailure) throw new IptablesError(full, result);
    return result;
  }
}

/** Deletes conntrack entries of TCP connections to the metadata address opened before the rules existed. */
export async function flushMetadataConntrack(
  metadataIp: string,
  metadataPort: number,
  run: CommandRunner = execRunner,
): Promise<void> {
  const args = ['-D', '-p', 'tcp', '--orig-dst', metadataIp, '--orig-port-dst', String(metadataPort)];
  const result = await run('conntrack', args);
  // Exit 1 with "0 flow entries" means there was nothing to delete.
  if (result.code !== 0 && !/0 flow entries/.test(result.stderr)) {
    throw new Error(`conntrack ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim()}`);
  }
}
