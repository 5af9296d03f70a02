// The one bounded polling loop of the project (tests, the e2e and bench harnesses, cluster start-up):
// every wait names what it waits for, has a deadline, and reports the last error it saw.

export interface PollOptions {
  readonly timeoutMs: number;
  /** Pause between tries (default 50 ms). */
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
  /** Checked before each try: an error it returns ends the wait at once (the awaited process died, say). */
  readonly failure?: () => Error | undefined;
  /** An error the probe throws that ends the wait at once instead of being retried. */
  readonly isFatal?: (err: unknown) => boolean;
}

export class PollTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly lastError?: unknown,
  ) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    this.name = 'PollTimeoutError';
  }
}

type Probe<T> = () => Promise<T | undefined | null | false> | T | undefined | null | false;

function isDone<T>(value: T | undefined | null | false): value is T {
  return value !== undefined && value !== null && value !== false;
}

/**
 * Tries `probe` until it returns a value other than undefined, null or false, and returns that value.
 * A throw counts as "not yet" (remembered for the timeout message) unless `isFatal` says otherwise.
 */
export async function pollUntil<T>(what: string, probe: Probe<T>, options: PollOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 50;
  let last: unknown;
  for (;;) {
    options.signal?.throwIfAborted();
    const failed = options.failure?.();
    if (failed) throw failed;
    try {
      const value = await probe();
      if (isDone(value)) return value;
    } catch (err) {
      if (options.isFatal?.(err)) throw err;
      last = err;
    }
    if (Date.now() >= deadline) throw new PollTimeoutError(what, options.timeoutMs, last);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
