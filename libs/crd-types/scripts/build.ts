// Builds the publishable package: CommonJS and ESM bundles, type declarations, and the CRD manifests.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const libRoot = join(__dirname, '..');
const dist = join(libRoot, 'dist');
// The CEL evaluator stays a dependency; ajv's tiny runtime helpers are bundled.
const external = ['@bufbuild/cel', '@bufbuild/protobuf'];

async function main(): Promise<void> {
  rmSync(dist, { recursive: true, force: true });
  const common = {
    entryPoints: [join(libRoot, 'src', 'index.ts')],
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    external,
    sourcemap: true,
    logLevel: 'warning' as const,
  };
  await build({ ...common, format: 'cjs', outfile: join(dist, 'index.cjs') });
  await build({ ...common, format: 'esm', outfile: join(dist, 'index.mjs') });
  execFileSync(
    join(libRoot, '..', '..', 'node_modules', '.bin', 'tsc'),
    ['-p', join(libRoot, 'tsconfig.lib.json')],
    { stdio: 'inherit' },
  );
  cpSync(
    join(libRoot, 'src', 'generated', 'validators.d.ts'),
    join(dist, 'types', 'generated', 'validators.d.ts'),
  );
  mkdirSync(join(dist, 'crds'), { recursive: true });
  cpSync(join(libRoot, '..', '..', 'deploy', 'base', 'crds'), join(dist, 'crds'), { recursive: true });
  process.stdout.write(`built ${dist}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
