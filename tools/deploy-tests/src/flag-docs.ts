// The flag tables of docs/operations.md, generated from the apps' --help so they cannot drift: each
// table sits between "<!-- flags:<app>:begin -->" and "<!-- flags:<app>:end -->".
import type { FlagInfo } from './help';

const BUILTINS = new Set(['help', 'version']);

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}

function flagCell(flag: FlagInfo): string {
  const names = flag.names.map((n) => `\`--${n}\``).join(', ');
  return flag.type ? `${names} _${flag.type}_` : names;
}

function defaultCell(flag: FlagInfo): string {
  if (flag.required) return '**required**';
  if (flag.defaultValue !== undefined) return `\`${flag.defaultValue}\``;
  return flag.type === undefined ? '`false`' : '';
}

function notes(flag: FlagInfo): string {
  const parts =
    flag.description && !/[.!?]$/.test(flag.description) ? [`${flag.description}.`] : [flag.description];
  if (flag.choices) parts.push(`One of: ${flag.choices.map((c) => `\`${c}\``).join(', ')}.`);
  if (flag.env) parts.push(`Env \`${flag.env}\`.`);
  return parts.join(' ');
}

/** A markdown table of the app's flags (without --help and --version). */
export function flagTable(flags: readonly FlagInfo[]): string {
  const rows = flags
    .filter((f) => !f.names.some((n) => BUILTINS.has(n)))
    .map((f) => `| ${cell(flagCell(f))} | ${cell(defaultCell(f))} | ${cell(notes(f))} |`);
  return ['| flag | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

export function markers(app: string): { readonly begin: string; readonly end: string } {
  return { begin: `<!-- flags:${app}:begin -->`, end: `<!-- flags:${app}:end -->` };
}

/** The text between an app's markers, or undefined when the markers are missing. */
export function currentBlock(doc: string, app: string): string | undefined {
  const { begin, end } = markers(app);
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) return undefined;
  return doc.slice(from + begin.length, to).trim();
}

/** The doc with the app's block replaced by `table`. Throws when the markers are missing. */
export function replaceBlock(doc: string, app: string, table: string): string {
  const { begin, end } = markers(app);
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`markers ${begin} … ${end} not found`);
  return `${doc.slice(0, from + begin.length)}\n${table}\n${doc.slice(to)}`;
}
