// Reads a seed document from a JSON or YAML file.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { checkSeed } from './state/seed-check';
import type { SeedDocument } from './state/seed-types';

export function loadSeedFile(path: string): SeedDocument {
  const text = readFileSync(path, 'utf8');
  const doc: unknown = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  return checkSeed(doc);
}
