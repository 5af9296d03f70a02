// Figures a security or fault suite reports: attacks tried and refused, faults injected and survived,
// requests served during faults and how they failed, identities lost. Each suite prints its tally as
// one line (`[security-tally] {...}`) so a run's totals can be read off the test output.

export interface TallyFigures {
  attacksTried: number;
  attacksRefused: number;
  faultsInjected: number;
  faultsSurvived: number;
  requestsDuringFaults: number;
  requestsServed: number;
  failedRetryable: number;
  failedNotRetryable: number;
  identitiesLost: number;
}

/** Statuses an Azure SDK retries (with Retry-After when given); transport errors are retried too. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

export type RequestOutcome = { readonly status: number } | { readonly transportError: string };

export class Tally {
  readonly figures: TallyFigures = {
    attacksTried: 0,
    attacksRefused: 0,
    faultsInjected: 0,
    faultsSurvived: 0,
    requestsDuringFaults: 0,
    requestsServed: 0,
    failedRetryable: 0,
    failedNotRetryable: 0,
    identitiesLost: 0,
  };

  constructor(readonly suite: string) {}

  /** One attack; `refused` is whether it failed safe. */
  attack(refused: boolean): boolean {
    this.figures.attacksTried++;
    if (refused) this.figures.attacksRefused++;
    return refused;
  }

  fault(survived: boolean): boolean {
    this.figures.faultsInjected++;
    if (survived) this.figures.faultsSurvived++;
    return survived;
  }

  /** One client request made while a fault was active. Returns true when it was served or retryable. */
  request(outcome: RequestOutcome): boolean {
    this.figures.requestsDuringFaults++;
    if ('transportError' in outcome) {
      this.figures.failedRetryable++;
      return true;
    }
    if (outcome.status >= 200 && outcome.status < 300) {
      this.figures.requestsServed++;
      return true;
    }
    if (RETRYABLE_STATUSES.has(outcome.status)) {
      this.figures.failedRetryable++;
      return true;
    }
    this.figures.failedNotRetryable++;
    return false;
  }

  lost(count: number): void {
    this.figures.identitiesLost += count;
  }

  line(): string {
    return `[security-tally] ${JSON.stringify({ suite: this.suite, ...this.figures })}\n`;
  }

  /** Writes the tally line to stdout (jest does not capture process.stdout.write). */
  print(): void {
    process.stdout.write(this.line());
  }
}
