// Time as an injected port: production code asks a Clock, tests drive a ManualClock.

/** Why a sleep ended early: the caller's AbortSignal fired. */
export class SleepAbortedError extends Error {
  constructor(reason?: unknown) {
    super(reason instanceof Error ? `sleep aborted: ${reason.message}` : 'sleep aborted');
    this.name = 'SleepAbortedError';
  }
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds. Rejects with SleepAbortedError as soon as `signal` aborts
   * (immediately when it is already aborted); the timer is released either way.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The wall clock, on setTimeout. A timer may fire a millisecond before Date.now() says its time has come,
 * so sleep re-arms for the remainder: callers that compare now() with a deadline they slept until (MIC's
 * per-target backoff) would otherwise see "not yet", skip, and wait for an unrelated wake-up.
 */
export class SystemClock implements Clock {
  constructor(private readonly wallNow: () => number = Date.now) {}

  now(): number {
    return this.wallNow();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new SleepAbortedError(signal.reason));
        return;
      }
      const until = this.wallNow() + Math.max(0, ms);
      let timer: NodeJS.Timeout;
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new SleepAbortedError(signal?.reason));
      };
      const arm = (delay: number): void => {
        timer = setTimeout(() => {
          const left = until - this.wallNow();
          if (left > 0) return arm(left);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, delay);
      };
      arm(Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** The one SystemClock most callers need; it holds no state. */
export const systemClock: Clock = new SystemClock();

/** True when `err` is the rejection of an aborted sleep. */
export function isSleepAborted(err: unknown): err is SleepAbortedError {
  return err instanceof SleepAbortedError;
}
