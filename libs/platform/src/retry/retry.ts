// Runs an async operation until it succeeds, a bound is reached, or the caller aborts.
import { type Clock, systemClock } from '../clock/clock';
import { Backoff, type BackoffOptions } from './backoff';

export interface RetryOptions extends BackoffOptions {
  /** Total attempts including the first. Default 5. Infinity retries until aborted. */
  readonly maxAttempts?: number;
  /** Whether an error is worth another attempt. Default: every error. */
  readonly shouldRetry?: (err: unknown, attempt: number) => boolean;
  /**
   * A server-requested delay for this error (e.g. Retry-After), in ms; used instead of the schedule
   * when defined, still capped by maxMs.
   */
  readonly delayFor?: (err: unknown) => number | undefined;
  /** Called before each wait; for logs and metrics. */
  readonly onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  readonly random?: () => number;
}

/** Thrown when the attempts run out; `cause` is the last error. */
export class RetryExhaustedError extends Error {
  constructor(
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`gave up after ${attempts} attempt(s): ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'RetryExhaustedError';
  }
}

/**
 * Calls `fn(attempt)` (attempt starts at 1). A non-retryable error is rethrown as is; when attempts
 * run out, RetryExhaustedError wraps the last one. An abort rejects with the clock's SleepAbortedError.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const clock = options.clock ?? systemClock;
  const maxAttempts = options.maxAttempts ?? 5;
  const backoff = new Backoff(options, options.random);
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      if (options.shouldRetry && !options.shouldRetry(err, attempt)) throw err;
      if (attempt >= maxAttempts) throw new RetryExhaustedError(attempt, err);
      const delay = nextDelay(err, backoff, options);
      options.onRetry?.(err, attempt, delay);
      await clock.sleep(delay, options.signal);
    }
  }
}

function nextDelay(err: unknown, backoff: Backoff, options: RetryOptions): number {
  const scheduled = backoff.next();
  const requested = options.delayFor?.(err);
  if (requested === undefined) return scheduled;
  return Math.min(options.maxMs ?? 30_000, Math.max(0, requested));
}
