// Bad input on the command line and in azure.json: NMI and MIC stop at once (exit 2) with a message that
// names what to fix, never echo a secret, and never start half-configured.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tally } from '../src';
import { runApp } from './support/cli';

const dir = mkdtempSync(join(tmpdir(), 'sec-bad-input-'));
const SECRET = 'Azure-Json-Secret-0123456789';
const tally = new Tally('bad-input');

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  tally.print();
});

interface Case {
  readonly name: string;
  readonly app: 'nmi' | 'mic';
  readonly args: () => string[];
  /** Fragments stderr must contain. */
  readonly says: readonly string[];
  /** Exit code (2 = configuration refused before anything started). */
  readonly code?: number;
}

const azure = (fields: Record<string, unknown>): string => JSON.stringify(fields);
const FULL = {
  tenantId: 't',
  subscriptionId: 's',
  resourceGroup: 'rg',
  aadClientId: 'c',
  aadClientSecret: SECRET,
  vmType: 'vmss',
};

const CASES: readonly Case[] = [
  {
    name: 'nmi: unknown flag',
    app: 'nmi',
    args: () => ['--node=n', '--bogus-flag=1'],
    says: ['--bogus-flag'],
  },
  {
    name: 'nmi: port that is not a number',
    app: 'nmi',
    args: () => ['--node=n', '--nmi-port=abc'],
    says: ['--nmi-port', 'integer'],
  },
  { name: 'nmi: no node name', app: 'nmi', args: () => [], says: ['--node'] },
  {
    name: 'nmi: managed mode without namespaced rules',
    app: 'nmi',
    args: () => ['--node=n', '--operation-mode=managed', '--forceNamespaced=false'],
    says: ['--operation-mode=managed', '--forceNamespaced'],
  },
  {
    name: 'nmi: host token without an allow list',
    app: 'nmi',
    args: () => ['--node=n', '--host-token-mode=tokenreview'],
    says: ['--host-token-allowed-service-accounts'],
  },
  {
    name: 'nmi: unknown operation mode',
    app: 'nmi',
    args: () => ['--node=n', '--operation-mode=open'],
    says: ['--operation-mode'],
  },
  {
    name: 'mic: unknown flag',
    app: 'mic',
    args: () => ['--pod-namespace=x', '--bogus-flag'],
    says: ['--bogus-flag'],
  },
  {
    name: 'mic: missing azure.json',
    app: 'mic',
    args: () => ['--pod-namespace=x', `--cloudconfig=${join(dir, 'absent.json')}`],
    says: ['--cloudconfig', 'absent.json'],
  },
  {
    name: 'mic: azure.json that is not JSON',
    app: 'mic',
    args: () => [
      '--pod-namespace=x',
      `--cloudconfig=${file('broken.json', `{"aadClientSecret":"${SECRET}",`)}`,
    ],
    says: ['broken.json', 'not valid JSON'],
  },
  {
    name: 'mic: azure.json without the fields MIC needs',
    app: 'mic',
    args: () => [
      '--pod-namespace=x',
      `--cloudconfig=${file('partial.json', azure({ tenantId: 't', aadClientSecret: SECRET }))}`,
    ],
    says: ['partial.json', 'subscriptionId', 'resourceGroup'],
  },
  {
    name: 'mic: azure.json with a field of the wrong type',
    app: 'mic',
    args: () => [
      '--pod-namespace=x',
      `--cloudconfig=${file('types.json', azure({ ...FULL, subscriptionId: 42 }))}`,
    ],
    says: ['subscriptionId'],
  },
  // Valid flags and azure.json, but no cluster to talk to: one line naming the flag, no stack trace
  // (finding F2 in docs/security.md, fixed).
  {
    name: 'mic: no kubeconfig outside a cluster',
    app: 'mic',
    args: () => ['--pod-namespace=x', `--cloudconfig=${file('full.json', azure(FULL))}`],
    says: ['--kubeconfig', 'KUBERNETES_SERVICE_HOST'],
  },
];

describe('invalid configuration stops the component with a message that names what to fix', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const result = await runApp(c.app, c.args());
    const code = c.code ?? 2;
    const clear = result.code === code && c.says.every((s) => result.stderr.includes(s));
    tally.attack(clear && !result.stderr.includes(SECRET) && !result.stdout.includes(SECRET));
    expect(result.code).toBe(code);
    for (const fragment of c.says) expect(result.stderr).toContain(fragment);
    expect(result.stderr + result.stdout).not.toContain(SECRET);
    // Refused configuration: one short message, not a stack trace.
    if (code === 2) expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
