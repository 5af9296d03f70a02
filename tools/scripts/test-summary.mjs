// Sums every jest JSON result in .local/test-results and prints the one line CI reads:
// "N passed, N failed". Names each failed test and suite with the first line of its error, since CI
// keeps only the end of the output. Exits non-zero when a test failed, a suite failed to run, or nothing ran.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(root, '.local', 'test-results');
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
let passed = 0;
let failed = 0;
let brokenSuites = 0;
const failures = [];
const firstLine = (text) =>
  (
    (text ?? '')
      .replace(/\u001b\[[0-9;]*m/g, '')
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !l.startsWith('●')) ?? ''
  ).slice(0, 200);
for (const file of files.sort()) {
  const r = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  brokenSuites += r.numRuntimeErrorTestSuites ?? 0;
  for (const suite of r.testResults ?? []) {
    const where = suite.name ? suite.name.replace(`${root}/`, '') : file;
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) {
      failures.push(`${where}: suite did not run: ${firstLine(suite.message)}`);
    }
    for (const a of suite.assertionResults ?? []) {
      if (a.status === 'failed')
        failures.push(`${where} › ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
    }
  }
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(
    `  ${file.replace(/\.json$/, '').padEnd(40)} ${r.numPassedTests} passed, ${r.numFailedTests} failed` +
      (skipped ? `, ${skipped} skipped` : '') +
      (r.numRuntimeErrorTestSuites ? `, ${r.numRuntimeErrorTestSuites} suites did not run` : ''),
  );
}
if (failures.length > 0) console.log(['failed:', ...failures.map((f) => `  ✕ ${f}`)].join('\n'));
console.log(`${passed} passed, ${failed} failed`);
if (failed > 0 || brokenSuites > 0) process.exit(1);
if (passed === 0) {
  console.error('no test ran');
  process.exit(1);
}
