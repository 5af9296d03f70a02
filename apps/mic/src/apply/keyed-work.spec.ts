import { ManualClock } from '@pod-identity/platform';
import { KeyedWork } from './keyed-work';

describe('KeyedWork', () => {
  it('wakes the loop only after the settled key is no longer running (else the wake-up sees it busy and is lost)', async () => {
    const seen: Array<[string, boolean]> = [];
    const work: KeyedWork = new KeyedWork(new ManualClock(0), (reason) =>
      seen.push([reason, work.running('t')]),
    );
    let finish!: () => void;
    work.track('t', new Promise<void>((r) => (finish = r)), 'target t settled');
    expect(work.running('t')).toBe(true);
    expect(work.busy).toBe(true);
    finish();
    await work.idle();
    expect(seen).toEqual([['target t settled', false]]);
    expect(work.busy).toBe(false);
  });

  it('holds a key back until its time, then wakes the loop; clear() makes it due at once', async () => {
    const clock = new ManualClock(1_000);
    const reasons: string[] = [];
    const work = new KeyedWork(clock, (reason) => reasons.push(reason));
    work.later('t', 500, 'target t due');
    expect(work.waiting('t')).toBe(true);
    await clock.advance(499);
    expect(work.waiting('t')).toBe(true);
    expect(reasons).toEqual([]);
    await clock.advance(1);
    expect(work.waiting('t')).toBe(false);
    expect(reasons).toEqual(['target t due']);
    work.later('u', 10_000, 'u due');
    work.clear('u');
    expect(work.waiting('u')).toBe(false);
  });

  it('close() cancels pending wake-ups', async () => {
    const clock = new ManualClock(0);
    const reasons: string[] = [];
    const work = new KeyedWork(clock, (reason) => reasons.push(reason));
    work.wakeLater('later', 100);
    work.close();
    await clock.advance(200);
    expect(reasons).toEqual([]);
  });
});
