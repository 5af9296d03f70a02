// Runs one jest config and keeps its JSON results in .local/test-results, for the CI summary line.
// usage: node tools/scripts/jest-tier.mjs <tier> <jest config> [jest args...]
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [tier, config, ...rest] = process.argv.slice(2);
if (!tier || !config) {
  console.error('usage: jest-tier.mjs <tier> <jest config> [jest args...]');
  process.exit(2);
}
const slug = relative(root, dirname(resolve(config))).replace(/[\\/]/g, '-');
const resultsDir = join(root, '.local', 'test-results');
mkdirSync(resultsDir, { recursive: true });
const outputFile = join(resultsDir, `${tier}-${slug}.json`);
const jest = join(root, 'node_modules', '.bin', 'jest');
const result = spawnSync(jest, ['-c', config, '--ci', '--json', `--outputFile=${outputFile}`, ...rest], {
  stdio: 'inherit',
  cwd: root,
});
if (result.error) {
  console.error(`could not start jest: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
