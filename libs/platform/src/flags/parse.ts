// Parses argv + env against flag declarations. Pure: the caller passes process.argv/env in.
import { parseArgs } from 'node:util';
import { normalizeArgv, planArgv } from './argv';
import { convertFlag } from './convert';
import type { IgnoredFlags } from './klog';
import { FlagError, type FlagSource, type FlagSpec, type FlagSpecs, type ParsedFlags } from './types';

export interface ParseFlagsInput {
  /** Arguments after the program name (process.argv.slice(2)). */
  readonly argv: readonly string[];
  /** Usually process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Flags accepted and dropped with a warning, e.g. KLOG_FLAGS. */
  readonly ignore?: IgnoredFlags;
}

type ParseArgsOption = { type: 'string'; multiple: true } | { type: 'boolean' };

/**
 * Throws FlagError listing every problem; otherwise returns values, sources and warnings.
 * When --help or --version is present no error is thrown and `values` may be incomplete.
 */
export function parseFlags<const T extends FlagSpecs>(specs: T, input: ParseFlagsInput): ParsedFlags<T> {
  const builtins = ['help', 'version'].filter((b) => !(b in specs));
  const normalized = normalizeArgv(input.argv, planArgv(specs, builtins, input.ignore ?? {}));
  const issues = [...normalized.issues];
  const parsedArgs = runParseArgs(specs, builtins, normalized.args, issues);

  const values: Record<string, unknown> = {};
  const sources: Record<string, FlagSource> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const { raw, source, origin } = rawValue(spec, parsedArgs[name], input.env ?? {});
    sources[name] = source;
    if (raw === undefined) {
      values[name] = defaultValue(spec);
      if (spec.required && values[name] === undefined) issues.push(requiredText(name, spec));
      continue;
    }
    const converted = convertFlag(name, spec, raw, origin);
    if (converted.ok) values[name] = converted.value;
    else issues.push(converted.error);
  }
  const help = builtinSet(builtins, parsedArgs, 'help');
  const version = builtinSet(builtins, parsedArgs, 'version');
  // --help and --version must work without the required flags; values are then not for use.
  if (issues.length > 0 && !help && !version) throw new FlagError(issues);
  return {
    values: values as ParsedFlags<T>['values'],
    sources: sources as ParsedFlags<T>['sources'],
    help,
    version,
    warnings: normalized.warnings,
  };
}

function runParseArgs(
  specs: FlagSpecs,
  builtins: readonly string[],
  args: string[],
  issues: string[],
): Record<string, string[] | boolean | undefined> {
  const options: Record<string, ParseArgsOption> = {};
  for (const b of builtins) options[b] = { type: 'boolean' };
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = spec.type === 'boolean' ? { type: 'boolean' } : { type: 'string', multiple: true };
  }
  try {
    const { values } = parseArgs({
      args,
      options,
      strict: true,
      allowPositionals: false,
      allowNegative: true,
    });
    return values as Record<string, string[] | boolean | undefined>;
  } catch (err) {
    // normalizeArgv already rejected unknown flags and missing values; this is a backstop.
    issues.push(`invalid command line: ${(err as Error).message}`);
    return {};
  }
}

function builtinSet(builtins: readonly string[], parsed: Record<string, unknown>, name: string): boolean {
  return builtins.includes(name) && parsed[name] === true;
}

interface Raw {
  readonly raw: readonly string[] | undefined;
  readonly source: FlagSource;
  readonly origin: string;
}

function rawValue(
  spec: FlagSpec,
  fromArgv: string[] | boolean | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Raw {
  if (typeof fromArgv === 'boolean') return { raw: [String(fromArgv)], source: 'argv', origin: '' };
  if (fromArgv !== undefined) return { raw: fromArgv, source: 'argv', origin: '' };
  const envValue = spec.env === undefined ? undefined : env[spec.env];
  if (envValue !== undefined && envValue !== '') {
    return { raw: [envValue], source: 'env', origin: ` (from env ${spec.env})` };
  }
  const source: FlagSource = spec.default !== undefined ? 'default' : 'unset';
  return { raw: undefined, source, origin: '' };
}

function defaultValue(spec: FlagSpec): unknown {
  if (spec.type === 'boolean') return spec.default ?? false;
  if (spec.type === 'list') return [...(spec.default ?? [])];
  return spec.default;
}

function requiredText(name: string, spec: FlagSpec): string {
  const env = spec.env ? ` or set env ${spec.env}` : '';
  return `flag --${name} is required: pass --${name}=<${spec.type}>${env}`;
}
