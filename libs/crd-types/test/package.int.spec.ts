// The library as another controller gets it: packed with npm, installed in a scratch project outside
// the workspace, loaded once with require and once with import, and type-checked with tsc as a
// TypeScript consumer would compile against it.
import { execFileSync, spawnSync } from 'node:child_process';
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

/** A TypeScript consumer: narrows on kind, uses the named identity types, and must not compile mistakes. */
const consumerTs = `
import {
  API_VERSION, IDENTITY_TYPES, isAzureIdentity, normalizeCrdObject, validate,
  type AzureIdentity, type IdentityType, type NormalizedAzureIdentity, type TypedCrdObject,
} from '@pod-identity/crd-types';

export function clientIdOf(event: unknown): string | undefined {
  if (!isAzureIdentity(event)) return undefined;
  const kind: 'AzureIdentity' = event.kind;
  const identity: NormalizedAzureIdentity = normalizeCrdObject(kind, event);
  const type: IdentityType = identity.spec.type;
  return type === IDENTITY_TYPES.UserAssignedMSI ? identity.spec.clientID : undefined;
}

export const sp: TypedCrdObject<'AzureIdentity'> = {
  apiVersion: API_VERSION,
  kind: 'AzureIdentity',
  spec: { type: IDENTITY_TYPES.ServicePrincipal, clientID: 'c', tenantID: 't', clientPassword: { name: 's' } },
};
export const ok: boolean = validate('AzureIdentity', sp).valid;

// @ts-expect-error kind is a literal type: a binding's kind is not an identity's
export const wrongKind: AzureIdentity = { kind: 'AzureIdentityBinding', spec: {} };
// @ts-expect-error there is no identity type 3
export const wrongType: IdentityType = 3;
`;

const tsconfig = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    module: 'node16',
    moduleResolution: 'node16',
    target: 'es2022',
    skipLibCheck: false,
    types: [],
  },
  files: ['consumer.ts'],
};

describe('packed @pod-identity/crd-types', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'crd-types-consumer-'));
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', scratch], libRoot)) as {
      filename: string;
    }[];
    writeFileSync(
      join(scratch, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
    );
    npm(
      ['install', '--prefer-offline', '--no-audit', '--no-fund', join(scratch, packed[0].filename)],
      scratch,
    );
    writeFileSync(
      join(scratch, 'use.cjs'),
      `const lib = require('@pod-identity/crd-types');\n${consumerCheck}`,
    );
    writeFileSync(
      join(scratch, 'use.mjs'),
      `import * as lib from '@pod-identity/crd-types';\n${consumerCheck}`,
    );
    writeFileSync(join(scratch, 'consumer.ts'), consumerTs);
    writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify(tsconfig));
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

  it('type-checks a TypeScript consumer with strict tsc (declarations, literal kinds, guards, constants)', () => {
    const tsc = join(libRoot, '..', '..', 'node_modules', '.bin', 'tsc');
    const run = () => spawnSync(tsc, ['-p', scratch], { cwd: scratch, encoding: 'utf8', timeout: 120_000 });
    const clean = run();
    expect(clean.stdout + clean.stderr).toBe('');
    expect(clean.status).toBe(0);
    // And tsc does fail on a type error against the package, so the check above means something.
    writeFileSync(
      join(scratch, 'consumer.ts'),
      `${consumerTs}\nexport const bad: IdentityType = IDENTITY_TYPES.UserAssignedMSI + 7;\n`,
    );
    const broken = run();
    expect(broken.status).not.toBe(0);
    expect(broken.stdout).toMatch(/consumer\.ts\(\d+,\d+\): error TS2322/);
    writeFileSync(join(scratch, 'consumer.ts'), consumerTs);
  });

  it('ships the CRD manifests and the schemas', () => {
    const pkg = join(scratch, 'node_modules', '@pod-identity', 'crd-types');
    expect(
      readFileSync(join(pkg, 'dist', 'crds', 'aadpodidentity.k8s.io_azureidentities.yaml'), 'utf8'),
    ).toContain('kind: CustomResourceDefinition');
    expect(readFileSync(join(pkg, 'schemas', 'azureidentity.yaml'), 'utf8')).toContain('openAPIV3Schema');
  });
});
