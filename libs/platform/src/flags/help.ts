// --help text in the layout of Go's flag package: name and type on one line, description below.
import { formatDuration } from './duration';
import type { FlagSpec, FlagSpecs } from './types';

export interface HelpOptions {
  /** Program name for the usage line. */
  readonly program: string;
  /** A paragraph under the usage line. */
  readonly summary?: string;
}

export function formatHelp(specs: FlagSpecs, options: HelpOptions): string {
  const lines = [`Usage: ${options.program} [flags]`, ''];
  if (options.summary) lines.push(options.summary, '');
  lines.push('Flags:');
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.hidden) continue;
    const names = [name, ...(spec.aliases ?? [])].map((n) => `--${n}`).join(', ');
    const type = spec.type === 'boolean' ? '' : ` ${spec.type}`;
    lines.push(`  ${names}${type}`, `        ${spec.description}${details(spec)}`);
  }
  if (!('help' in specs)) lines.push('  -h, --help', '        show this help and exit');
  if (!('version' in specs)) lines.push('  --version', '        print the version and exit');
  lines.push(
    '',
    'Flags take one or two dashes and --flag=value or --flag value; booleans take --flag=false.',
  );
  return `${lines.join('\n')}\n`;
}

function details(spec: FlagSpec): string {
  const parts: string[] = [];
  if (spec.type === 'string' && spec.choices) parts.push(`one of: ${spec.choices.join(', ')}`);
  const shown = shownDefault(spec);
  if (shown !== undefined) parts.push(`default ${shown}`);
  if (spec.env) parts.push(`env ${spec.env}`);
  if (spec.required) parts.push('required');
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

function shownDefault(spec: FlagSpec): string | undefined {
  switch (spec.type) {
    case 'boolean':
      return spec.default ? 'true' : undefined;
    case 'duration':
      return spec.default === undefined ? undefined : formatDuration(spec.default);
    case 'list':
      return spec.default && spec.default.length > 0 ? spec.default.join(',') : undefined;
    case 'string':
      return spec.default ? JSON.stringify(spec.default) : undefined;
    case 'int':
      return spec.default === undefined ? undefined : String(spec.default);
  }
}
