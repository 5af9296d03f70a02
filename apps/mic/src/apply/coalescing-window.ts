// Per-VM/VMSS coalescing window (docs/adr/0006). Pods of one rollout arrive over a few seconds; writing
// to ARM as soon as the first of them is seen makes one PATCH per trickle instead of one per target. A
// target whose change set is still changing is released only once it has been quiet for `quietMs`, or
// pending for `maxMs` (so a never-ending stream still gets written). Pure: time is passed in.

export interface WindowSettings {
  /** Release a target once its change set has not changed for this long (0: no window). */
  readonly quietMs: number;
  /** Release a target at the latest this long after its work was first seen. */
  readonly maxMs: number;
}

/** Dispatch now, or wait; `wakeInMs` asks the caller to sync again then (absent: a wake-up is already due). */
export type WindowDecision =
  { readonly dispatch: true } | { readonly dispatch: false; readonly wakeInMs?: number };

interface Pending {
  signature: string;
  readonly firstSeen: number;
  lastChange: number;
  /** When the wake-up already asked for fires; at most one per target at a time. */
  wakeAt?: number;
}

export class CoalescingWindow {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly settings: WindowSettings) {}

  /** Looks at a target's current change set; `signature` changes whenever the set does. */
  observe(key: string, signature: string, now: number): WindowDecision {
    if (this.settings.quietMs <= 0) return { dispatch: true };
    let p = this.pending.get(key);
    if (!p) {
      p = { signature, firstSeen: now, lastChange: now };
      this.pending.set(key, p);
    } else if (p.signature !== signature) {
      p.signature = signature;
      p.lastChange = now;
    }
    const dueAt = Math.min(
      p.lastChange + this.settings.quietMs,
      p.firstSeen + Math.max(this.settings.maxMs, this.settings.quietMs),
    );
    if (now >= dueAt) return { dispatch: true };
    // The due time only moves later within one window, so an earlier wake-up still on its way suffices:
    // that sync looks again and asks for the next one.
    if (p.wakeAt !== undefined && p.wakeAt > now) return { dispatch: false };
    p.wakeAt = dueAt;
    return { dispatch: false, wakeInMs: dueAt - now };
  }

  /** The target's work was dispatched: the next change opens a new window. */
  dispatched(key: string): void {
    this.pending.delete(key);
  }

  /** Forgets targets that no longer have work (their window would otherwise outlive the work). */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.pending.keys()) if (!keys.has(key)) this.pending.delete(key);
  }

  get size(): number {
    return this.pending.size;
  }
}
