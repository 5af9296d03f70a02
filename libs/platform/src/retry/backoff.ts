// Exponential backoff with bounds and jitter. The schedule is pure; randomness is injected.

export interface BackoffOptions {
  /** First delay (ms). Default 200. */
  readonly initialMs?: number;
  /** Upper bound of any delay (ms), jitter included. Default 30 000. */
  readonly maxMs?: number;
  /** Growth per attempt. Default 2. */
  readonly factor?: number;
  /**
   * Fraction of the delay that is randomised, 0..1. With 0.2 a 1000 ms step becomes 800..1200 ms
   * ("equal-ish jitter", centred). Default 0.2.
   */
  readonly jitter?: number;
}

export interface ResolvedBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  readonly jitter: number;
}

export function resolveBackoff(options: BackoffOptions = {}): ResolvedBackoff {
  const resolved = {
    initialMs: options.initialMs ?? 200,
    maxMs: options.maxMs ?? 30_000,
    factor: options.factor ?? 2,
    jitter: options.jitter ?? 0.2,
  };
  if (!(resolved.initialMs >= 0))
    throw new RangeError(`backoff initialMs must be >= 0, got ${resolved.initialMs}`);
  if (!(resolved.maxMs >= resolved.initialMs)) {
    throw new RangeError(`backoff maxMs (${resolved.maxMs}) must be >= initialMs (${resolved.initialMs})`);
  }
  if (!(resolved.factor >= 1)) throw new RangeError(`backoff factor must be >= 1, got ${resolved.factor}`);
  if (!(resolved.jitter >= 0 && resolved.jitter <= 1)) {
    throw new RangeError(`backoff jitter must be within 0..1, got ${resolved.jitter}`);
  }
  return resolved;
}

/**
 * Delay before retry number `attempt` (0-based: attempt 0 is the first retry).
 * `random` returns a number in [0, 1); 0.5 gives the un-jittered value.
 * Always within [0, maxMs].
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const { initialMs, maxMs, factor, jitter } = resolveBackoff(options);
  const exponent = Math.max(0, Math.floor(attempt));
  // initialMs * factor^exponent, computed so that huge exponents saturate instead of overflowing
  const grown = initialMs === 0 ? 0 : initialMs * Math.pow(factor, exponent);
  const base = Number.isFinite(grown) ? Math.min(maxMs, grown) : maxMs;
  const spread = base * jitter;
  const value = base - spread + 2 * spread * clampUnit(random());
  return Math.round(Math.min(maxMs, Math.max(0, value)));
}

/** A stateful view of the schedule: next() grows the delay, reset() starts over (after a success). */
export class Backoff {
  private attempt = 0;
  private readonly options: ResolvedBackoff;

  constructor(
    options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.options = resolveBackoff(options);
  }

  next(): number {
    return backoffDelay(this.attempt++, this.options, this.random);
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}

function clampUnit(x: number): number {
  if (!Number.isFinite(x) || x < 0) return 0;
  return x >= 1 ? 1 : x;
}
