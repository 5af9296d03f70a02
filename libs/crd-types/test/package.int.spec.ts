// The library as another controller gets it: packed with npm, installed in a scratch project outside
// the workspace, loaded once with require and once with import.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const libRoot = join(__dirname, '..');
const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });

const consumerCheck = `
  const identity = {
    apiVersion: lib.API_VERSION, kind: 'AzureIdentity', metadata: { name: 'x' },
    spec: { type: 0, clientID: '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
      resourceID: '/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/x' } };
  const good = lib.validate('AzureIdentity', identity);
  const bad = lib.validate('AzureIdentity', { ...identity, spec: { type: 0, clientID: 'nope' } });
  console.log(JSON.stringify({ good: good.valid, bad: bad.issues.map((i) => i.path), label: lib.BINDING_LABEL,
    legacy: lib.normalizeIdentitySpec({ ClientID: 'c' }).clientID }));
`;

describe('packed @pod-identity/crd-types', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'crd-types-consumer-'));
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', scratch], libRoot)) as { filename: string }[];
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', join(scratch, packed[0].filename)], scratch);
    writeFileSync(join(scratch, 'use.cjs'), `const lib = require('@pod-identity/crd-types');\n${consumerCheck}`);
    writeFileSync(join(scratch, 'use.mjs'), `import * as lib from '@pod-identity/crd-types';\n${consumerCheck}`);
  });

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const expected = { good: true, bad: ['spec', 'spec.clientID'], label: 'aadpodidbinding', legacy: 'c' };

  it('works with require', () => {
    const out = execFileSync(process.execPath, ['use.cjs'], { cwd: scratch, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(expected);
  });

  it('works with import', () => {
    const out = execFileSync(process.execPath, ['use.mjs'], { cwd: scratch, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(expected);
  });

  it('ships the CRD manifests and the schemas', () => {
    const pkg = join(scratch, 'node_modules', '@pod-identity', 'crd-types');
    expect(readFileSync(join(pkg, 'dist', 'crds', 'aadpodidentity.k8s.io_azureidentities.yaml'), 'utf8')).toContain(
      'kind: CustomResourceDefinition',
    );
    expect(readFileSync(join(pkg, 'schemas', 'azureidentity.yaml'), 'utf8')).toContain('openAPIV3Schema');
  });
});
