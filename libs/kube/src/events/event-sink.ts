// Where Events go: the apiserver (core/v1), or a fake in unit tests.
import type { KubeHttp } from '../http/kube-http';

export interface KubeEvent {
  apiVersion: 'v1';
  kind: 'Event';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  involvedObject: {
    kind: string;
    name: string;
    namespace?: string;
    uid?: string;
    apiVersion?: string;
    resourceVersion?: string;
  };
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: { component: string; host?: string };
  reportingComponent: string;
  reportingInstance: string;
}

export interface EventSink {
  create(namespace: string, event: KubeEvent): Promise<Partial<KubeEvent>>;
  patch(namespace: string, name: string, patch: { count: number; lastTimestamp: string }): Promise<unknown>;
}

export class HttpEventSink implements EventSink {
  constructor(
    private readonly http: KubeHttp,
    private readonly timeoutMs = 10_000,
  ) {}

  create(namespace: string, event: KubeEvent): Promise<Partial<KubeEvent>> {
    return this.http.request<Partial<KubeEvent>>({
      method: 'POST',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`,
      body: event,
      timeoutMs: this.timeoutMs,
    });
  }

  patch(namespace: string, name: string, patch: { count: number; lastTimestamp: string }): Promise<unknown> {
    return this.http.request<unknown>({
      method: 'PATCH',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/events/${encodeURIComponent(name)}`,
      body: patch,
      contentType: 'application/merge-patch+json',
      timeoutMs: this.timeoutMs,
    });
  }
}
