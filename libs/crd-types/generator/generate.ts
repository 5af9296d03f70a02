// Entry point: `generate` writes every output; `check` fails when a committed output is stale.
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { format } from 'prettier';
import { emitConstants, emitSchemas } from './emit-constants';
import { crdFileName, emitCrdManifest, emitKustomization } from './emit-manifests';
import { emitTypes } from './emit-types';
import { emitValidatorDeclarations, emitValidators } from './emit-validators';
import { loadCrdSources } from './source';

const libRoot = join(__dirname, '..');
const workspaceRoot = join(libRoot, '..', '..');
const generatedDir = join(libRoot, 'src', 'generated');
const crdDir = join(workspaceRoot, 'deploy', 'base', 'crds');

async function renderAll(): Promise<Map<string, string>> {
  const sources = loadCrdSources(join(libRoot, 'schemas'));
  const ts = (code: string): Promise<string> =>
    format(code, { parser: 'typescript', singleQuote: true, printWidth: 110, trailingComma: 'all' });
  const files = new Map<string, string>();
  files.set(join(generatedDir, 'types.ts'), await ts(await emitTypes(sources)));
  files.set(join(generatedDir, 'constants.ts'), await ts(emitConstants(sources)));
  files.set(join(generatedDir, 'schemas.ts'), await ts(emitSchemas(sources)));
  files.set(join(generatedDir, 'validators.js'), emitValidators(sources));
  files.set(join(generatedDir, 'validators.d.ts'), await ts(emitValidatorDeclarations(sources)));
  for (const source of sources) files.set(join(crdDir, crdFileName(source)), emitCrdManifest(source));
  files.set(join(crdDir, 'kustomization.yaml'), emitKustomization(sources));
  return files;
}

async function main(mode: string): Promise<void> {
  const files = await renderAll();
  if (mode === 'generate') {
    for (const [path, content] of files) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
    process.stdout.write(`generated ${files.size} files\n`);
    return;
  }
  const stale = [...files].filter(
    ([path, content]) => !existsSync(path) || readFileSync(path, 'utf8') !== content,
  );
  if (stale.length > 0) {
    const names = stale.map(([p]) => `  ${relative(workspaceRoot, p)}`).join('\n');
    process.stderr.write(
      `Generated CRD code is out of date with libs/crd-types/schemas:\n${names}\n` +
        'Run `npx nx run crd-types:generate` and commit the result.\n',
    );
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`generated code is up to date (${files.size} files)\n`);
}

const mode = process.argv[2] ?? 'generate';
if (mode !== 'generate' && mode !== 'check') {
  process.stderr.write(`usage: generate.ts [generate|check]\n`);
  process.exit(2);
}
main(mode).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
