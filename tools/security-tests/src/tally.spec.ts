import { Tally } from './tally';

describe('Tally', () => {
  it('classifies outcomes: 2xx served, 429/503 and transport errors retryable, 400/403 not', () => {
    const t = new Tally('unit');
    expect(
      [
        { status: 200 },
        { status: 503 },
        { status: 429 },
        { transportError: 'ECONNRESET' },
        { status: 400 },
        { status: 403 },
      ].map((o) => t.request(o)),
    ).toEqual([true, true, true, true, false, false]);
    expect(t.figures).toMatchObject({
      requestsDuringFaults: 6,
      requestsServed: 1,
      failedRetryable: 3,
      failedNotRetryable: 2,
    });
  });

  it('counts attacks and faults and prints one line', () => {
    const t = new Tally('unit');
    t.attack(true);
    t.attack(false);
    t.fault(true);
    t.lost(0);
    expect(t.line()).toBe(
      '[security-tally] {"suite":"unit","attacksTried":2,"attacksRefused":1,"faultsInjected":1,"faultsSurvived":1,"requestsDuringFaults":0,"requestsServed":0,"failedRetryable":0,"failedNotRetryable":0,"identitiesLost":0}\n',
    );
  });
});
