import { ManualClock, flushMicrotasks } from '@pod-identity/platform';
import { SyncLoop, type SyncKind } from './sync-loop';

const silent = { debug: () => undefined, error: () => undefined };

function harness(options: { resyncIntervalMs?: number; driftIntervalMs?: number; fail?: number } = {}) {
  const clock = new ManualClock(0);
  const kinds: SyncKind[] = [];
  let release: (() => void) | undefined;
  let blocking = false;
  let failures = options.fail ?? 0;
  const errors: SyncKind[] = [];
  const loop = new SyncLoop({
    onSyncError: (kind) => errors.push(kind),
    clock,
    logger: silent,
    resyncIntervalMs: options.resyncIntervalMs ?? 0,
    driftIntervalMs: options.driftIntervalMs ?? 0,
    sync: async (kind) => {
      kinds.push(kind);
      if (failures > 0) {
        failures--;
        throw new Error('boom');
      }
      if (blocking) await new Promise<void>((r) => (release = r));
    },
  });
  const controller = new AbortController();
  const running = loop.run(controller.signal);
  return {
    clock,
    loop,
    kinds,
    errors,
    block: () => (blocking = true),
    unblock: () => {
      blocking = false;
      release?.();
    },
    stop: async () => {
      controller.abort();
      release?.();
      await running;
    },
  };
}

describe('SyncLoop', () => {
  it('syncs once at start', async () => {
    const h = harness();
    await flushMicrotasks();
    expect(h.kinds).toEqual(['event']);
    await h.stop();
  });

  it('coalesces a burst of 1,000 events during a sync into one more sync', async () => {
    const h = harness();
    await flushMicrotasks();
    h.block();
    h.loop.markDirty('pod');
    await flushMicrotasks();
    expect(h.kinds).toHaveLength(2);
    for (let i = 0; i < 1000; i++) h.loop.markDirty('pod');
    h.unblock();
    await flushMicrotasks();
    await flushMicrotasks();
    expect(h.kinds).toHaveLength(3);
    await h.stop();
  });

  it('a burst while idle gives one sync', async () => {
    const h = harness();
    await flushMicrotasks();
    for (let i = 0; i < 1000; i++) h.loop.markDirty('pod');
    await flushMicrotasks();
    await flushMicrotasks();
    expect(h.kinds).toHaveLength(2);
    await h.stop();
  });

  it('resyncs and checks drift on their intervals', async () => {
    const h = harness({ resyncIntervalMs: 60_000, driftIntervalMs: 180_000 });
    await flushMicrotasks();
    await h.clock.advance(60_000);
    await flushMicrotasks();
    expect(h.kinds).toEqual(['event', 'resync']);
    await h.clock.advance(120_000);
    await flushMicrotasks();
    expect(h.kinds.slice(2)).toContain('drift');
    await h.stop();
  });

  it('retries a failed sync after a backoff, keeping its kind', async () => {
    const h = harness({ fail: 1 });
    await flushMicrotasks();
    expect(h.kinds).toEqual(['event']);
    expect(h.errors).toEqual(['event']);
    await h.clock.advance(1000);
    await flushMicrotasks();
    expect(h.kinds).toEqual(['event', 'event']);
    expect(h.loop.syncs).toBe(1);
    expect(h.errors).toEqual(['event']);
    await h.stop();
  });
});
