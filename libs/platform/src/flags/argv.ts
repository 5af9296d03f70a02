// Rewrites Go-style argv into the strict form handed to node:util parseArgs:
// "-flag", "--flag value", "--flag=value", "--bool=false" -> "--flag=value", "--bool", "--no-bool".
import type { IgnoredFlags } from './klog';
import type { FlagSpecs } from './types';

export interface ArgvPlan {
  /** canonical name by every accepted spelling (names and aliases) */
  readonly names: ReadonlyMap<string, string>;
  readonly booleans: ReadonlySet<string>;
  /** accepted and dropped (e.g. klog's --logtostderr, -v 2), with whether they take a value */
  readonly ignored: IgnoredFlags;
}

export interface NormalizedArgv {
  readonly args: string[];
  readonly issues: string[];
  readonly warnings: string[];
}

const TRUE_WORDS = new Set(['1', 't', 'true']);
const FALSE_WORDS = new Set(['0', 'f', 'false']);

/** Go's strconv.ParseBool, case-insensitive. */
export function parseBoolean(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (TRUE_WORDS.has(t)) return true;
  if (FALSE_WORDS.has(t)) return false;
  return undefined;
}

export function planArgv(specs: FlagSpecs, builtins: readonly string[], ignored: IgnoredFlags): ArgvPlan {
  const names = new Map<string, string>();
  const booleans = new Set<string>(builtins);
  for (const b of builtins) names.set(b, b);
  for (const [name, spec] of Object.entries(specs)) {
    names.set(name, name);
    for (const alias of spec.aliases ?? []) names.set(alias, name);
    if (spec.type === 'boolean') booleans.add(name);
  }
  if (names.has('help')) names.set('h', names.get('h') ?? 'help');
  return { names, booleans, ignored };
}

export function normalizeArgv(argv: readonly string[], plan: ArgvPlan): NormalizedArgv {
  const out: NormalizedArgv = { args: [], issues: [], warnings: [] };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') {
      out.args.push(...argv.slice(i));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      out.issues.push(`unexpected argument "${token}": flags only (use --flag=value)`);
      continue;
    }
    i = normalizeFlag(argv, i, plan, out);
  }
  return out;
}

/** Handles the flag at argv[i]; returns the index of the last token it consumed. */
function normalizeFlag(argv: readonly string[], i: number, plan: ArgvPlan, out: NormalizedArgv): number {
  const body = argv[i].replace(/^--?/, '');
  const eq = body.indexOf('=');
  const given = eq === -1 ? body : body.slice(0, eq);
  const inline = eq === -1 ? undefined : body.slice(eq + 1);
  if (Object.hasOwn(plan.ignored, given)) return skipIgnored({ argv, i, given, inline }, plan, out);
  const name = plan.names.get(given);
  if (name === undefined) {
    out.issues.push(`unknown flag --${given} (see --help)`);
    return i;
  }
  if (given !== name && given !== 'h') out.warnings.push(`flag --${given} is deprecated: use --${name}`);
  if (plan.booleans.has(name)) {
    pushBoolean(name, inline, out);
    return i;
  }
  if (inline !== undefined) {
    out.args.push(`--${name}=${inline}`);
    return i;
  }
  if (i + 1 >= argv.length) {
    out.issues.push(`flag --${name} needs a value (--${name}=<value>)`);
    return i;
  }
  out.args.push(`--${name}=${argv[i + 1]}`);
  return i + 1;
}

/** Drops an ignored flag with a warning; returns the index of the last token it consumed. */
function skipIgnored(
  {
    argv,
    i,
    given,
    inline,
  }: { argv: readonly string[]; i: number; given: string; inline: string | undefined },
  plan: ArgvPlan,
  out: NormalizedArgv,
): number {
  out.warnings.push(`flag --${given} is accepted for compatibility and ignored`);
  // Go's flag and pflag give a non-boolean flag the next argument when it has no "=value".
  const takesNext = plan.ignored[given] === 'value' && inline === undefined;
  if (takesNext && i + 1 >= argv.length)
    out.issues.push(`flag --${given} needs a value (--${given}=<value>)`);
  return takesNext ? i + 1 : i;
}

function pushBoolean(name: string, inline: string | undefined, out: NormalizedArgv): void {
  if (inline === undefined) {
    out.args.push(`--${name}`);
    return;
  }
  const value = parseBoolean(inline);
  if (value === undefined) {
    out.issues.push(`flag --${name} expects true or false, got "${inline}"`);
    return;
  }
  out.args.push(value ? `--${name}` : `--no-${name}`);
}
