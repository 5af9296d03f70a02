// Declarations of command-line flags; the value types follow from them.

interface BaseFlag {
  /** One line for --help. */
  readonly description: string;
  /** Environment variable consulted when the flag is absent from argv. */
  readonly env?: string;
  /** Other accepted names (e.g. an old spelling); --help lists them. */
  readonly aliases?: readonly string[];
  /** Missing from argv, env and default -> error. */
  readonly required?: boolean;
  /** Left out of --help (still accepted). */
  readonly hidden?: boolean;
}

export interface StringFlag extends BaseFlag {
  readonly type: 'string';
  readonly default?: string;
  /** Allowed values, matched case-insensitively; the value is returned spelled as here. */
  readonly choices?: readonly string[];
  /** Extra check: return an error text ("must be ...") or undefined. */
  readonly validate?: (value: string) => string | undefined;
}

export interface BooleanFlag extends BaseFlag {
  readonly type: 'boolean';
  /** Default false. */
  readonly default?: boolean;
}

export interface IntFlag extends BaseFlag {
  readonly type: 'int';
  readonly default?: number;
  readonly min?: number;
  readonly max?: number;
}

export interface DurationFlag extends BaseFlag {
  readonly type: 'duration';
  /** In milliseconds. */
  readonly default?: number;
  /** Bounds in milliseconds. */
  readonly min?: number;
  readonly max?: number;
  /**
   * Unit of a bare number ("5"), for flags that used to be plain seconds. Without it, a bare number
   * other than 0 is an error.
   */
  readonly bareNumberUnit?: 'ms' | 's';
}

export interface ListFlag extends BaseFlag {
  readonly type: 'list';
  /** Comma-separated values; the flag may also be repeated. Default []. */
  readonly default?: readonly string[];
}

export type FlagSpec = StringFlag | BooleanFlag | IntFlag | DurationFlag | ListFlag;
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type ValueOf<S extends FlagSpec> = S extends BooleanFlag
  ? boolean
  : S extends IntFlag | DurationFlag
    ? number
    : S extends ListFlag
      ? string[]
      : string;

type AlwaysSet<S> = S extends
  { type: 'boolean' } | { type: 'list' } | { default: unknown } | { required: true }
  ? true
  : false;

/** Parsed values: booleans and lists always present; others present when defaulted or required. */
export type FlagValues<T extends FlagSpecs> = {
  readonly [K in keyof T]: AlwaysSet<T[K]> extends true ? ValueOf<T[K]> : ValueOf<T[K]> | undefined;
};

export type FlagSource = 'argv' | 'env' | 'default' | 'unset';

export interface ParsedFlags<T extends FlagSpecs> {
  readonly values: FlagValues<T>;
  /** Where each value came from (for a startup log line). */
  readonly sources: { readonly [K in keyof T]: FlagSource };
  /** --help / -h was given: print formatHelp() and exit 0. */
  readonly help: boolean;
  /** --version was given (unless a flag named "version" is declared). */
  readonly version: boolean;
  /** Accepted-and-ignored flags that were present, and uses of deprecated aliases. */
  readonly warnings: readonly string[];
}

/** Identity helper that keeps literal types (`required: true`) for FlagValues. */
export function defineFlags<const T extends FlagSpecs>(specs: T): T {
  return specs;
}

/** Every problem found in one parse; the message lists them all, one a line. */
export class FlagError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(issues.length === 1 ? issues[0] : `invalid flags:\n  ${issues.join('\n  ')}`);
    this.name = 'FlagError';
  }
}
