// Checks a container's args and env against the flags its app accepts (from --help): every flag exists,
// booleans get true/false, ints and durations look like ints and durations, choices are respected, each
// $(VAR) is defined in env, each env variable is read by the app (a flag's env, an allowed extra, or a
// $(VAR) of the args), and every required flag is given.
import { findFlag, type FlagInfo } from './help';

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: unknown;
}

export interface ContainerSpec {
  readonly name: string;
  readonly args?: readonly string[];
  readonly command?: readonly string[];
  readonly env?: readonly EnvVar[];
}

/** Effective flag values after the args (last occurrence wins, as the apps do), keyed by main name. */
export type FlagValues = Map<string, string>;

const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$|^\d+$/;
const VAR_REF = /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g;
const HAS_VAR_REF = /\$\([A-Za-z_][A-Za-z0-9_]*\)/;

function valueProblem(flag: FlagInfo, value: string): string | undefined {
  if (HAS_VAR_REF.test(value)) return undefined;
  if (flag.type === undefined)
    return value === 'true' || value === 'false' ? undefined : 'takes true or false';
  if (flag.choices && !flag.choices.includes(value)) return `must be one of ${flag.choices.join(', ')}`;
  if (flag.type === 'int' && !/^-?\d+$/.test(value)) return 'must be an integer';
  if (flag.type === 'duration' && !DURATION.test(value)) return 'must be a duration like 30s or 5m';
  return undefined;
}

interface Parsed {
  readonly values: FlagValues;
  readonly problems: string[];
}

interface Step {
  /** How many args this flag used (1, or 2 for "--flag value"). */
  readonly used: number;
  readonly flag?: FlagInfo;
  readonly value?: string;
  readonly problem?: string;
}

/** One flag at args[i]: its value (inline or the next arg) and what is wrong with it. */
function step(flags: readonly FlagInfo[], args: readonly string[], i: number): Step {
  const arg = args[i];
  const m = /^--?([^=]+)(?:=(.*))?$/s.exec(arg);
  if (!m) return { used: 1, problem: `arg "${arg}": not a flag` };
  const flag = findFlag(flags, m[1]);
  if (!flag) return { used: 1, problem: `arg "${arg}": no such flag` };
  if (m[2] !== undefined || flag.type === undefined) {
    const value = m[2] ?? 'true';
    const problem = m[2] === undefined ? undefined : valueProblem(flag, value);
    return { used: 1, flag, value, problem: problem && `arg "${arg}": --${flag.names[0]} ${problem}` };
  }
  const value = args[i + 1];
  if (value === undefined) return { used: 1, problem: `arg "${arg}": needs a value` };
  const problem = valueProblem(flag, value);
  return { used: 2, flag, value, problem: problem && `arg "${arg}": --${flag.names[0]} ${problem}` };
}

function parseArgs(flags: readonly FlagInfo[], args: readonly string[]): Parsed {
  const values: FlagValues = new Map();
  const problems: string[] = [];
  for (let i = 0; i < args.length;) {
    const s = step(flags, args, i);
    if (s.problem) problems.push(s.problem);
    if (s.flag && s.value !== undefined) values.set(s.flag.names[0], s.value);
    i += s.used;
  }
  return { values, problems };
}

function envProblems(
  flags: readonly FlagInfo[],
  container: ContainerSpec,
  extraEnv: readonly string[],
): string[] {
  const problems: string[] = [];
  const envNames = new Set((container.env ?? []).map((e) => e.name));
  const referenced = new Set(
    (container.args ?? []).flatMap((arg) => [...arg.matchAll(VAR_REF)].map((m) => m[1])),
  );
  for (const name of referenced)
    if (!envNames.has(name)) problems.push(`$(${name}) is used in args but not defined in env`);
  const flagEnv = new Set(flags.map((f) => f.env).filter((e): e is string => e !== undefined));
  for (const name of envNames) {
    if (!flagEnv.has(name) && !referenced.has(name) && !extraEnv.includes(name))
      problems.push(`env ${name} is read by no flag of the app`);
  }
  return problems;
}

function requiredProblems(
  flags: readonly FlagInfo[],
  container: ContainerSpec,
  values: FlagValues,
): string[] {
  const envNames = new Set((container.env ?? []).map((e) => e.name));
  return flags
    .filter((f) => f.required && !values.has(f.names[0]) && !(f.env !== undefined && envNames.has(f.env)))
    .map((f) => `required flag --${f.names[0]} is not given${f.env ? ` (nor env ${f.env})` : ''}`);
}

/** Problems of one container; empty when its args and env are all accepted by the app. */
export function checkContainer(
  flags: readonly FlagInfo[],
  container: ContainerSpec,
  extraEnv: readonly string[] = [],
): string[] {
  const parsed = parseArgs(flags, container.args ?? []);
  return [
    ...parsed.problems,
    ...envProblems(flags, container, extraEnv),
    ...requiredProblems(flags, container, parsed.values),
  ];
}

/** The effective value of a flag: the last arg, else the help's default. */
export function effectiveValue(
  flags: readonly FlagInfo[],
  container: ContainerSpec,
  name: string,
): string | undefined {
  const flag = findFlag(flags, name);
  if (!flag) return undefined;
  return parseArgs(flags, container.args ?? []).values.get(flag.names[0]) ?? flag.defaultValue;
}
