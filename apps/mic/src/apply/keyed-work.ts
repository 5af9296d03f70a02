// What both appliers (VM/VMSS targets, federated identities) keep per key: the operation running for
// it, when it may run again, and the timers that wake the sync loop when that time comes.
import type { Clock } from '@pod-identity/platform';

export class KeyedWork {
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly notBefore = new Map<string, number>();
  private readonly timers = new AbortController();

  constructor(
    private readonly clock: Clock,
    private readonly wake: (reason: string) => void,
  ) {}

  /** Running now. */
  running(key: string): boolean {
    return this.inflight.has(key);
  }

  /** Told to wait (later()) and its time has not come. */
  waiting(key: string): boolean {
    return (this.notBefore.get(key) ?? 0) > this.clock.now();
  }

  /** Records the key's operation; it is forgotten when it settles, and then the loop is woken with `settledReason`. */
  track(key: string, task: Promise<void>, settledReason?: string): void {
    const tracked = task.finally(() => {
      this.inflight.delete(key);
      if (settledReason) this.wake(settledReason);
    });
    this.inflight.set(key, tracked);
  }

  /** Not before `delayMs` from now; the loop is woken then. */
  later(key: string, delayMs: number, reason: string): void {
    this.notBefore.set(key, this.clock.now() + delayMs);
    this.wakeLater(reason, delayMs);
  }

  /** Due again at once. */
  clear(key: string): void {
    this.notBefore.delete(key);
  }

  /** Wakes the sync loop after `delayMs` (unless closed first). */
  wakeLater(reason: string, delayMs: number): void {
    this.clock.sleep(delayMs, this.timers.signal).then(
      () => this.wake(reason),
      () => undefined,
    );
  }

  get busy(): boolean {
    return this.inflight.size > 0;
  }

  /** Resolves when every running operation has finished. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight.values()]);
  }

  /** Cancels pending wake-ups (running operations finish on their own). */
  close(): void {
    this.timers.abort();
  }
}

/** busy, idle() and close() of a component whose operations a KeyedWork tracks (both appliers). */
export abstract class KeyedWorkOwner {
  protected abstract readonly work: KeyedWork;

  /** Whether any operation is running. */
  get busy(): boolean {
    return this.work.busy;
  }

  /** Resolves when every running operation has finished. */
  async idle(): Promise<void> {
    await this.work.idle();
  }

  /** Cancels pending wake-up timers (running operations finish on their own). */
  close(): void {
    this.work.close();
  }
}
