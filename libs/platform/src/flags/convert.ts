// Turns one flag's raw text (from argv, env or nothing) into its typed value, or an error text.
import { parseBoolean } from './argv';
import { formatDuration, parseDuration } from './duration';
import type { DurationFlag, FlagSpec, IntFlag, StringFlag } from './types';

export type Converted = { ok: true; value: unknown } | { ok: false; error: string };

/** `raw` holds every occurrence (repeated flags); scalars use the last one, as Go's flag package does. */
export function convertFlag(name: string, spec: FlagSpec, raw: readonly string[], origin: string): Converted {
  const last = raw[raw.length - 1];
  const fail = (expected: string, value = last): Converted => ({
    ok: false,
    error: `flag --${name}${origin} expects ${expected}, got "${value}"`,
  });
  switch (spec.type) {
    case 'boolean': {
      const value = parseBoolean(last);
      return value === undefined ? fail('true or false') : { ok: true, value };
    }
    case 'list':
      return { ok: true, value: splitList(raw) };
    case 'int':
      return convertInt(spec, last, fail);
    case 'duration':
      return convertDuration(spec, last, fail);
    case 'string':
      return convertString(spec, last, fail);
  }
}

export function splitList(raw: readonly string[]): string[] {
  return raw
    .flatMap((r) => r.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

type Fail = (expected: string) => Converted;

function rangeText(min: number | undefined, max: number | undefined, show: (n: number) => string): string {
  if (min !== undefined && max !== undefined) return ` between ${show(min)} and ${show(max)}`;
  if (min !== undefined) return ` of at least ${show(min)}`;
  if (max !== undefined) return ` of at most ${show(max)}`;
  return '';
}

function inRange(value: number, min: number | undefined, max: number | undefined): boolean {
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

function convertInt(spec: IntFlag, text: string, fail: Fail): Converted {
  const expected = `an integer${rangeText(spec.min, spec.max, String)}`;
  if (!/^[-+]?\d+$/.test(text.trim())) return fail(expected);
  const value = Number(text.trim());
  if (!Number.isSafeInteger(value) || !inRange(value, spec.min, spec.max)) return fail(expected);
  return { ok: true, value };
}

function convertDuration(spec: DurationFlag, text: string, fail: Fail): Converted {
  const bare = spec.bareNumberUnit;
  const example = bare
    ? `a duration like 30s, 3m or 1h (a bare number means ${bare === 's' ? 'seconds' : 'milliseconds'})`
    : 'a duration like 30s, 3m or 1h';
  const expected = `${example}${rangeText(spec.min, spec.max, formatDuration)}`;
  let value = parseDuration(text);
  if (value === undefined && bare && /^\d+(\.\d+)?$/.test(text.trim())) {
    value = Math.round(Number(text.trim()) * (bare === 's' ? 1000 : 1));
  }
  if (value === undefined || !inRange(value, spec.min, spec.max)) return fail(expected);
  return { ok: true, value };
}

function convertString(spec: StringFlag, text: string, fail: Fail): Converted {
  let value = text;
  if (spec.choices) {
    const match = spec.choices.find((c) => c.toLowerCase() === text.trim().toLowerCase());
    if (match === undefined) return fail(`one of ${spec.choices.join(', ')}`);
    value = match;
  }
  const problem = spec.validate?.(value);
  return problem === undefined ? { ok: true, value } : fail(problem);
}
