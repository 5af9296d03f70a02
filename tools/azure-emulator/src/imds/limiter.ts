// IMDS managed-identity limits per VM: requests per second and concurrent requests.

export class ImdsLimiter {
  private readonly recent = new Map<string, number[]>();
  private readonly active = new Map<string, number>();

  /** Returns a release function, or undefined when the VM is over its limits. */
  acquire(key: string, now: number, perSecond: number, maxConcurrent: number): (() => void) | undefined {
    const window = (this.recent.get(key) ?? []).filter((t) => now - t < 1000);
    const running = this.active.get(key) ?? 0;
    if (window.length >= perSecond || running >= maxConcurrent) {
      this.recent.set(key, window);
      return undefined;
    }
    window.push(now);
    this.recent.set(key, window);
    this.active.set(key, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active.set(key, Math.max(0, (this.active.get(key) ?? 1) - 1));
    };
  }
}
