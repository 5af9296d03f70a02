// Typed client of the control API, for tests and benchmarks (in-process or against the CLI).
import type { CountersSnapshot } from '../counters';
import type { FaultRule, FaultRuleInput } from '../faults/rules';
import type { EmulatorRuntimeOptions, RuntimeOptionsPatch } from '../options';
import type { SeedDocument } from '../state/seed-types';
import type { RequestLogEntry } from '../http/types';

export interface NodeInfo {
  readonly key: string;
  readonly name: string;
  readonly computerName: string;
  readonly resourceId: string;
  readonly vmId: string;
  readonly kind: 'vm' | 'vmss';
  /** URL of the node's own IMDS listener (set AZURE_POD_IDENTITY_AUTHORITY_HOST to it). */
  readonly imdsUrl?: string;
  readonly addresses: string[];
  readonly providerId: string;
}

export class ControlClientError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`control API answered ${status}: ${JSON.stringify(body)}`);
    this.name = 'ControlClientError';
  }
}

export class ControlClient {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const json = (await res.json()) as unknown;
    if (!res.ok) throw new ControlClientError(res.status, json);
    return json as T;
  }

  health(): Promise<{ ok: boolean }> {
    return this.call('GET', '/healthz');
  }

  /** Adds / replaces the records the document describes. */
  async seed(doc: SeedDocument): Promise<void> {
    await this.call('POST', '/state/seed', doc);
  }

  /** Forgets everything, then seeds. */
  async replaceState(doc: SeedDocument): Promise<void> {
    await this.call('PUT', '/state', doc);
  }

  state(): Promise<SeedDocument> {
    return this.call('GET', '/state');
  }

  nodes(): Promise<NodeInfo[]> {
    return this.call('GET', '/nodes');
  }

  addFault(rule: FaultRuleInput): Promise<FaultRule> {
    return this.call('POST', '/faults', rule);
  }

  faults(): Promise<FaultRule[]> {
    return this.call('GET', '/faults');
  }

  async removeFault(id: string): Promise<void> {
    await this.call('DELETE', `/faults/${encodeURIComponent(id)}`);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  counters(): Promise<CountersSnapshot> {
    return this.call('GET', '/counters');
  }

  async resetCounters(): Promise<void> {
    await this.call('DELETE', '/counters');
  }

  options(): Promise<EmulatorRuntimeOptions> {
    return this.call('GET', '/options');
  }

  setOptions(patch: RuntimeOptionsPatch): Promise<EmulatorRuntimeOptions> {
    return this.call('PATCH', '/options', patch);
  }

  requests(limit = 100): Promise<RequestLogEntry[]> {
    return this.call('GET', `/requests?limit=${limit}`);
  }
}
