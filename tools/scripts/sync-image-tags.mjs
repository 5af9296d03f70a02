// Writes package.json's version as the tag of our images in deploy/base/kustomization.yaml, the one
// place the overlays take image tags from. With --check, changes nothing and exits 1 when they differ.
// usage: node tools/scripts/sync-image-tags.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const check = process.argv.includes('--check');
const file = join(root, 'deploy', 'base', 'kustomization.yaml');
/** Our images, as the Deployment and DaemonSet name them (kustomize rewrites name and tag). */
const OURS = ['pod-identity/mic', 'pod-identity/nmi'];

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const text = readFileSync(file, 'utf8');
const doc = parseDocument(text);
const images = doc.get('images');
const stale = [];
for (const name of OURS) {
  const entry = images?.items?.find((item) => item.get('name') === name);
  if (!entry) {
    console.error(`${relative(root, file)}: no images entry named ${name}`);
    process.exit(2);
  }
  const tag = String(entry.get('newTag') ?? '');
  if (tag !== version) stale.push(`${name}: ${tag || '(none)'} -> ${version}`);
  entry.set('newTag', version);
}
if (stale.length === 0) {
  console.log(`image tags match package.json (${version})`);
  process.exit(0);
}
if (check) {
  console.error(
    `image tags differ from package.json: ${stale.join(', ')}\nrun: node tools/scripts/sync-image-tags.mjs`,
  );
  process.exit(1);
}
writeFileSync(file, doc.toString());
console.log(`updated ${relative(root, file)}: ${stale.join(', ')}`);
