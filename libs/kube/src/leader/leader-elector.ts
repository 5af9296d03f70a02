// Lease-based leader election with client-go's rules: a Lease is taken over only when its record has
// not changed for leaseDuration by *our* clock (no trust in the holder's clock), the leader renews
// every retryPeriod and steps down when it could not renew within renewDeadline, and a clean stop
// releases the Lease so a standby takes over at once.
import { type Clock, type Logger, systemClock } from '@pod-identity/platform';
import { isConflict } from '../http/errors';
import { type Lease, type LeaseSpec, type LeaseStore, microTime } from './lease-store';

export type ElectionLogger = Pick<Logger, 'info' | 'warn' | 'debug'>;

export interface LeaderElectorOptions {
  readonly store: LeaseStore;
  /** Unique per replica, e.g. the pod name. */
  readonly identity: string;
  /** How long a Lease stays valid without renewal. Default 15 s. */
  readonly leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it steps down. Default 10 s. */
  readonly renewDeadlineMs?: number;
  /** Pause between attempts (acquire and renew). Default 2 s. */
  readonly retryPeriodMs?: number;
  /** Called on becoming leader; `signal` aborts when leadership ends. May be async. */
  readonly onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  /** Called once leadership ended (lost or released), after the leading signal aborted. */
  readonly onStoppedLeading?: () => void;
  /** Called when another holder is observed (or undefined when the Lease is free). */
  readonly onNewLeader?: (identity: string | undefined) => void;
  readonly clock?: Clock;
  readonly logger?: ElectionLogger;
}

interface Observed {
  readonly key: string;
  readonly at: number;
}

export class LeaderElector {
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly clock: Clock;
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;
  private lease: Lease | undefined;
  private observed: Observed | undefined;
  private leading: AbortController | undefined;
  private lastHolder: string | undefined;
  private leaderWork: Promise<void> = Promise.resolve();

  constructor(private readonly options: LeaderElectorOptions) {
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.clock = options.clock ?? systemClock;
    if (!(this.leaseDurationMs > this.renewDeadlineMs))
      throw new RangeError('leaseDuration must exceed renewDeadline');
    if (!(this.renewDeadlineMs > this.retryPeriodMs))
      throw new RangeError('renewDeadline must exceed retryPeriod');
  }

  isLeader(): boolean {
    return this.leading !== undefined;
  }

  /** Starts campaigning (no-op when running). After losing the Lease it campaigns again. */
  start(): void {
    if (this.running) return;
    const controller = new AbortController();
    this.controller = controller;
    this.running = this.run(controller.signal);
  }

  /**
   * Stops campaigning. When leading: ends leadership (aborts the leading signal, waits for the
   * onStartedLeading promise), then releases the Lease unless `release` is false.
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.controller?.abort();
    this.running = undefined;
    await running;
    if (this.leading) await this.stepDown();
    if (options.release !== false) await this.release();
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(signal)) {
        this.becomeLeader();
        await this.renewLoop(signal);
        if (signal.aborted) return;
        await this.stepDown();
      }
      if (!(await this.pause(this.retryPeriodMs, signal))) return;
    }
  }

  /** Renews every retryPeriod until a renewal deadline is missed or the elector stops. */
  private async renewLoop(signal: AbortSignal): Promise<void> {
    let lastRenew = this.clock.now();
    while (!signal.aborted) {
      if (!(await this.pause(this.retryPeriodMs, signal))) return;
      if (await this.tryAcquireOrRenew(signal)) {
        lastRenew = this.clock.now();
      } else if (this.lease?.spec?.holderIdentity !== this.options.identity && this.lease !== undefined) {
        this.options.logger?.warn(
          { holder: this.lease.spec?.holderIdentity },
          'leader election: lease taken by another',
        );
        return;
      } else if (this.clock.now() - lastRenew >= this.renewDeadlineMs) {
        this.options.logger?.warn(
          { renewDeadlineMs: this.renewDeadlineMs },
          'leader election: failed to renew in time',
        );
        return;
      }
    }
  }

  /** One attempt; true when we hold the Lease afterwards. */
  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = this.clock.now();
    try {
      const current = await this.options.store.get(signal);
      if (!current) {
        this.setLease(await this.options.store.create(this.ourSpec(now, undefined), signal));
        return true;
      }
      this.setLease(current);
      const holder = current.spec?.holderIdentity ?? '';
      if (holder !== '' && holder !== this.options.identity && !this.expired(now)) return false;
      const spec = this.ourSpec(now, current.spec);
      this.setLease(await this.options.store.update(current.metadata.resourceVersion ?? '', spec, signal));
      return true;
    } catch (err) {
      if (!signal.aborted && !isConflict(err)) {
        this.options.logger?.debug({ err }, 'leader election: attempt failed');
      }
      return false;
    }
  }

  private ourSpec(now: number, previous: LeaseSpec | undefined): LeaseSpec {
    const renewing = previous?.holderIdentity === this.options.identity;
    return {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.leaseDurationMs / 1000)),
      acquireTime: renewing ? (previous?.acquireTime ?? microTime(now)) : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: renewing ? (previous?.leaseTransitions ?? 0) : (previous?.leaseTransitions ?? -1) + 1,
    };
  }

  /** Records the Lease; the observation time moves only when the record changed. */
  private setLease(lease: Lease): void {
    this.lease = lease;
    const spec = lease.spec ?? {};
    const key = `${spec.holderIdentity ?? ''}|${spec.renewTime ?? ''}|${spec.leaseDurationSeconds ?? ''}`;
    if (this.observed?.key !== key) this.observed = { key, at: this.clock.now() };
    const holder = spec.holderIdentity || undefined;
    if (holder !== this.lastHolder) {
      this.lastHolder = holder;
      this.options.onNewLeader?.(holder);
    }
  }

  private expired(now: number): boolean {
    const seconds = this.lease?.spec?.leaseDurationSeconds ?? Math.ceil(this.leaseDurationMs / 1000);
    return this.observed === undefined || this.observed.at + seconds * 1000 <= now;
  }

  private becomeLeader(): void {
    const leading = new AbortController();
    this.leading = leading;
    this.options.logger?.info({ identity: this.options.identity }, 'leader election: became leader');
    this.leaderWork = Promise.resolve()
      .then(() => this.options.onStartedLeading(leading.signal))
      .catch((err: unknown) => this.options.logger?.warn({ err }, 'leader election: leader work failed'));
  }

  private async stepDown(): Promise<void> {
    const leading = this.leading;
    if (!leading) return;
    this.leading = undefined;
    leading.abort();
    await this.leaderWork;
    this.options.logger?.info({ identity: this.options.identity }, 'leader election: stopped leading');
    this.options.onStoppedLeading?.();
  }

  /** Gives the Lease up if we still hold it: empty holder, so others need not wait for expiry. */
  private async release(): Promise<void> {
    const lease = this.lease;
    if (!lease || lease.spec?.holderIdentity !== this.options.identity) return;
    try {
      const now = this.clock.now();
      const released = await this.options.store.update(lease.metadata.resourceVersion ?? '', {
        ...lease.spec,
        holderIdentity: null,
        leaseDurationSeconds: 1,
        acquireTime: null,
        renewTime: microTime(now),
      });
      this.setLease(released);
    } catch (err) {
      this.options.logger?.warn({ err }, 'leader election: could not release the lease');
    }
  }

  /** Sleeps; false when aborted. */
  private async pause(ms: number, signal: AbortSignal): Promise<boolean> {
    try {
      await this.clock.sleep(ms, signal);
      return true;
    } catch {
      return false;
    }
  }
}
