// Maintenance commands of the manifest tests.
//   update-docs: regenerate the flag tables of docs/operations.md from the apps' --help.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helpText } from './app-cli';
import { flagTable, replaceBlock } from './flag-docs';
import { parseHelp } from './help';
import { APPS, ROOT } from './repo';

async function updateDocs(): Promise<void> {
  const file = join(ROOT, 'docs', 'operations.md');
  let doc = readFileSync(file, 'utf8');
  for (const app of APPS) doc = replaceBlock(doc, app, flagTable(parseHelp(await helpText(app))));
  writeFileSync(file, doc);
  console.log(`updated the flag tables of ${file}`);
}

const command = process.argv[2];
if (command === 'update-docs') {
  updateDocs().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
} else {
  console.error('usage: cli.ts update-docs');
  process.exit(2);
}
