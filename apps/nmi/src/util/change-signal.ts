// Wakes waiters when something they depend on changed (an informer event). Waits are always bounded.
import type { Clock } from './clock';

export class ChangeSignal {
  private waiters = new Set<() => void>();
  private readonly listeners = new Set<() => void>();

  /** Wakes every current waiter and calls every listener. */
  notify(): void {
    const current = this.waiters;
    this.waiters = new Set();
    for (const wake of current) wake();
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` on every notify() until the returned function is called. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves `true` at the next notify(), `false` when `timeoutMs` passed or `signal` aborted first.
   * Never rejects.
   */
  async wait(timeoutMs: number, clock: Clock, signal?: AbortSignal): Promise<boolean> {
    if (timeoutMs <= 0 || signal?.aborted) return false;
    const timer = new AbortController();
    const onAbort = (): void => timer.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let wake: () => void = () => undefined;
    const notified = new Promise<boolean>((resolve) => {
      wake = () => resolve(true);
      this.waiters.add(wake);
    });
    const timedOut = clock.sleep(timeoutMs, timer.signal).then(
      () => false,
      () => false,
    );
    try {
      return await Promise.race([notified, timedOut]);
    } finally {
      this.waiters.delete(wake);
      timer.abort();
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
