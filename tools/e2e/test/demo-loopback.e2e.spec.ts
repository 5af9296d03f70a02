// `make demo` in loopback mode (the path a non-root user gets): the demo script itself, as a process,
// forced into loopback mode with --loopback so it takes that path even when this tier runs as root.
// Loopback mode needs no privilege: no network namespaces, no iptables; each simulated pod calls its
// node's NMI from its own 127.x address.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/artifacts';

interface DemoRun {
  readonly code: number | null;
  readonly out: string;
}

function runDemo(args: string[], timeoutMs: number): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'tools', 'e2e', 'src', 'cli', 'demo.ts'), ...args],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, TSX_TSCONFIG_PATH: join(REPO_ROOT, 'tools', 'e2e', 'tsconfig.json') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    // The demo stops everything on SIGINT (its Ctrl-C path): the bound of this test.
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`demo did not finish in ${timeoutMs} ms; output so far:\n${out}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

it('runs the demo end to end in loopback mode: a token for the labelled pod, a refusal for the other', async () => {
  const { code, out } = await runDemo(['--loopback'], 170_000);
  expect({ code, tail: out.slice(-3000) }).toMatchObject({ code: 0 });
  expect(out).toContain(
    'pod identity demo: loopback mode (asked for); each pod calls its node NMI from its own 127.x address',
  );
  expect(out).not.toContain('ip netns exec');
  // The labelled pod's request answered by NMI with an IMDS-shaped token …
  expect(out).toMatch(/HTTP 200\n/);
  expect(out).toContain('"token_type": "Bearer"');
  // … and the pod without the label refused.
  expect(out).toMatch(/As that pod, make the same request: NMI refuses it[\s\S]*HTTP [45]\d\d /);
  expect(out).toMatch(/Done \(wall time/);
}, 180_000);
