import { CoalescingWindow } from './coalescing-window';

describe('CoalescingWindow', () => {
  const settings = { quietMs: 250, maxMs: 3000 };

  it('holds a new change until it has been quiet, and asks for one wake-up at the end', () => {
    const w = new CoalescingWindow(settings);
    expect(w.observe('t', 'a', 0)).toEqual({ dispatch: false, wakeInMs: 250 });
    expect(w.observe('t', 'a', 100)).toEqual({ dispatch: false });
    expect(w.observe('t', 'a', 250)).toEqual({ dispatch: true });
  });

  it('restarts the quiet period whenever the change set changes', () => {
    const w = new CoalescingWindow(settings);
    w.observe('t', 'a', 0);
    expect(w.observe('t', 'ab', 200)).toEqual({ dispatch: false });
    // The first wake-up (at 250) arrives, finds the set changed 50 ms ago and asks for the next one.
    expect(w.observe('t', 'ab', 250)).toEqual({ dispatch: false, wakeInMs: 200 });
    expect(w.observe('t', 'ab', 450)).toEqual({ dispatch: true });
  });

  it('releases a target that never goes quiet once the cap is reached', () => {
    const w = new CoalescingWindow(settings);
    let decision = w.observe('t', 's0', 0);
    for (let t = 100; t < 3000; t += 100) decision = w.observe('t', `s${t}`, t);
    expect(decision.dispatch).toBe(false);
    expect(w.observe('t', 'last', 3000)).toEqual({ dispatch: true });
  });

  it('opens a fresh window after a dispatch, and forgets targets whose work went away', () => {
    const w = new CoalescingWindow(settings);
    w.observe('t', 'a', 0);
    w.observe('u', 'a', 0);
    expect(w.observe('t', 'a', 300)).toEqual({ dispatch: true });
    w.dispatched('t');
    expect(w.observe('t', 'a', 400)).toEqual({ dispatch: false, wakeInMs: 250 });
    w.retain(new Set(['t']));
    expect(w.size).toBe(1);
  });

  it('keeps targets apart', () => {
    const w = new CoalescingWindow(settings);
    w.observe('t', 'a', 0);
    expect(w.observe('u', 'a', 200)).toEqual({ dispatch: false, wakeInMs: 250 });
    expect(w.observe('t', 'a', 250)).toEqual({ dispatch: true });
  });

  it('dispatches at once when disabled', () => {
    expect(new CoalescingWindow({ quietMs: 0, maxMs: 3000 }).observe('t', 'a', 0)).toEqual({
      dispatch: true,
    });
  });
});
