// Level-based, coalescing control loop. Events only mark the world dirty; one sync runs at a time; a
// sync started after a burst sees the whole burst, so 1,000 events give one or two syncs. A periodic
// resync marks the world dirty anyway, and a periodic drift check asks for a sync that also verifies
// targets with nothing pending (identities stripped outside MIC are re-added).
import { Backoff, isSleepAborted, type Clock, type Logger } from '@pod-identity/platform';

export type SyncKind = 'event' | 'resync' | 'drift';

export interface SyncLoopOptions {
  readonly clock: Clock;
  readonly logger: Pick<Logger, 'debug' | 'error'>;
  /** Runs one sync. Errors are logged and retried after `errorBackoffMs`. */
  readonly sync: (kind: SyncKind) => Promise<void>;
  readonly resyncIntervalMs: number;
  readonly driftIntervalMs: number;
  /** Delay before retrying a sync that threw (default 1 s), doubling up to `errorBackoffMaxMs` (default 30 s). */
  readonly errorBackoffMs?: number;
  readonly errorBackoffMaxMs?: number;
  readonly onPendingChange?: (pending: number) => void;
  /** A sync threw (counted as result="error" in mic_syncs_total); it is retried after the backoff. */
  readonly onSyncError?: (kind: SyncKind) => void;
}

export const DEFAULT_SYNC_ERROR_BACKOFF_MS = 1000;
export const DEFAULT_SYNC_ERROR_BACKOFF_MAX_MS = 30_000;

export class SyncLoop {
  private dirty = true;
  private drift = false;
  private resync = false;
  private pending = 0;
  private wakeUp: (() => void) | undefined;
  private syncCount = 0;

  constructor(private readonly options: SyncLoopOptions) {}

  /** Something changed: sync soon. Cheap; call it from every event handler. */
  markDirty(_reason?: string): void {
    this.dirty = true;
    this.pending++;
    this.options.onPendingChange?.(this.pending);
    this.wakeUp?.();
  }

  /** Ask for a drift check at the next sync. */
  requestDriftCheck(): void {
    this.drift = true;
    this.markDirty('drift');
  }

  /** Syncs performed so far. */
  get syncs(): number {
    return this.syncCount;
  }

  /** Runs until the signal aborts; the sync in progress finishes first. */
  async run(signal: AbortSignal): Promise<void> {
    const timers = [
      this.every(this.options.resyncIntervalMs, signal, () => {
        this.resync = true;
        this.markDirty('resync');
      }),
      this.every(this.options.driftIntervalMs, signal, () => this.requestDriftCheck()),
    ];
    const initialMs = this.options.errorBackoffMs ?? DEFAULT_SYNC_ERROR_BACKOFF_MS;
    const errors = new Backoff({
      initialMs,
      maxMs: Math.max(initialMs, this.options.errorBackoffMaxMs ?? DEFAULT_SYNC_ERROR_BACKOFF_MAX_MS),
      jitter: 0,
    });
    while (!signal.aborted) {
      if (!this.dirty) {
        await this.waitForWork(signal);
        continue;
      }
      const kind: SyncKind = this.drift ? 'drift' : this.resync ? 'resync' : 'event';
      this.dirty = false;
      this.drift = false;
      this.resync = false;
      this.pending = 0;
      this.options.onPendingChange?.(0);
      try {
        await this.options.sync(kind);
        this.syncCount++;
        errors.reset();
      } catch (err) {
        this.options.logger.error({ err }, 'sync failed');
        this.options.onSyncError?.(kind);
        this.dirty = true;
        if (kind === 'drift') this.drift = true;
        await this.pause(errors.next(), signal);
      }
    }
    await Promise.allSettled(timers);
  }

  private async waitForWork(signal: AbortSignal): Promise<void> {
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.wakeUp = undefined;
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.wakeUp = done;
      signal.addEventListener('abort', done, { once: true });
      if (this.dirty || signal.aborted) done();
    });
  }

  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    try {
      await this.options.clock.sleep(ms, signal);
    } catch (err) {
      if (!isSleepAborted(err)) throw err;
    }
  }

  private async every(intervalMs: number, signal: AbortSignal, fn: () => void): Promise<void> {
    if (!(intervalMs > 0)) return;
    while (!signal.aborted) {
      try {
        await this.options.clock.sleep(intervalMs, signal);
      } catch (err) {
        if (isSleepAborted(err)) return;
        throw err;
      }
      fn();
    }
  }
}
