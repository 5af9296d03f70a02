// The Lease object leader election reads and writes (coordination.k8s.io/v1), behind a small port.
import type { KubeHttp } from '../http/kube-http';

export interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number;
}

export interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace: string; resourceVersion?: string; [key: string]: unknown };
  spec?: LeaseSpec;
}

export interface LeaseStore {
  readonly namespace: string;
  readonly name: string;
  /** undefined when the Lease does not exist. */
  get(signal?: AbortSignal): Promise<Lease | undefined>;
  /** 409 (AlreadyExists) when someone created it first. */
  create(spec: LeaseSpec, signal?: AbortSignal): Promise<Lease>;
  /** Replaces the spec; conditional on `resourceVersion` (409 when stale). */
  update(resourceVersion: string, spec: LeaseSpec, signal?: AbortSignal): Promise<Lease>;
}

/** LeaseStore over the apiserver. */
export class HttpLeaseStore implements LeaseStore {
  constructor(
    private readonly http: KubeHttp,
    readonly namespace: string,
    readonly name: string,
    /** Bound for each call; keep it below the renew deadline. */
    private readonly timeoutMs = 5000,
  ) {}

  private path(name?: string): string {
    const base = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.namespace)}/leases`;
    return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
  }

  async get(signal?: AbortSignal): Promise<Lease | undefined> {
    try {
      return await this.http.request<Lease>({
        method: 'GET',
        path: this.path(this.name),
        signal,
        timeoutMs: this.timeoutMs,
      });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  create(spec: LeaseSpec, signal?: AbortSignal): Promise<Lease> {
    const body: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, namespace: this.namespace },
      spec,
    };
    return this.http.request<Lease>({
      method: 'POST',
      path: this.path(),
      body,
      signal,
      timeoutMs: this.timeoutMs,
    });
  }

  update(resourceVersion: string, spec: LeaseSpec, signal?: AbortSignal): Promise<Lease> {
    const body: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, namespace: this.namespace, resourceVersion },
      spec,
    };
    return this.http.request<Lease>({
      method: 'PUT',
      path: this.path(this.name),
      body,
      signal,
      timeoutMs: this.timeoutMs,
    });
  }
}

/** MicroTime as the apiserver writes it: RFC 3339 with exactly six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
