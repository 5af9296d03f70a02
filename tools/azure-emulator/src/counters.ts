// Counters read through the control API: how benchmarks count ARM calls, writes and tokens.
import type { ServiceName } from './faults/rules';

export interface CountersSnapshot {
  /** Requests per `<service>:<operation>`. */
  readonly requests: Record<string, number>;
  /** Requests per resource id (lower-cased) or IMDS node / Entra client. */
  readonly requestsByResource: Record<string, number>;
  /** Requests per `<service>:<operation> <resource>`. */
  readonly requestsByOperationAndResource: Record<string, number>;
  /** Accepted writes (PUT/PATCH/DELETE) per resource id (lower-cased). */
  readonly writes: Record<string, number>;
  /** Tokens issued per `imds:<identity>` / `entra:<client id>`. */
  readonly tokens: Record<string, number>;
  readonly tokensIssued: number;
  /** Responses per status code. */
  readonly statuses: Record<string, number>;
  readonly faultsInjected: number;
  readonly throttled: number;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export class Counters {
  private requests = new Map<string, number>();
  private byResource = new Map<string, number>();
  private byOpResource = new Map<string, number>();
  private writes = new Map<string, number>();
  private tokens = new Map<string, number>();
  private statuses = new Map<string, number>();
  private faults = 0;
  private throttled = 0;

  request(service: ServiceName, operation: string, resource?: string): void {
    const op = `${service}:${operation}`;
    bump(this.requests, op);
    if (resource) {
      bump(this.byResource, resource.toLowerCase());
      bump(this.byOpResource, `${op} ${resource.toLowerCase()}`);
    }
  }

  status(code: number): void {
    bump(this.statuses, String(code));
  }

  write(resourceId: string): void {
    bump(this.writes, resourceId.toLowerCase());
  }

  token(source: 'imds' | 'entra', subject: string): void {
    bump(this.tokens, `${source}:${subject.toLowerCase()}`);
  }

  fault(): void {
    this.faults += 1;
  }

  throttle(): void {
    this.throttled += 1;
  }

  snapshot(): CountersSnapshot {
    const tokens = Object.fromEntries(this.tokens);
    return {
      requests: Object.fromEntries(this.requests),
      requestsByResource: Object.fromEntries(this.byResource),
      requestsByOperationAndResource: Object.fromEntries(this.byOpResource),
      writes: Object.fromEntries(this.writes),
      tokens,
      tokensIssued: Object.values(tokens).reduce((a, b) => a + b, 0),
      statuses: Object.fromEntries(this.statuses),
      faultsInjected: this.faults,
      throttled: this.throttled,
    };
  }

  reset(): void {
    for (const map of [
      this.requests,
      this.byResource,
      this.byOpResource,
      this.writes,
      this.tokens,
      this.statuses,
    ]) {
      map.clear();
    }
    this.faults = 0;
    this.throttled = 0;
  }
}
