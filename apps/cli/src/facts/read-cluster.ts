// Reads what `explain` and `status` need from the API server, with read-only calls (the ClusterRole in
// deploy/components/cli-reader grants exactly these). Custom objects come normalised (libs/kube).
import { BINDING_LABEL, type NormalizedAzureAssignedIdentity } from '@pod-identity/crd-types';
import { crdClients, isNotFound, type KubeHttp } from '@pod-identity/kube';
import { MIC_LEASE } from '../explain/agents';
import type { StatusFacts } from '../status/summary';
import type { ExplainFacts, LeaseFacts, MicEvent, MicFacts, NmiPodFacts, PodFacts } from './model';

export const MIC_DEPLOYMENT = 'pod-identity-mic';
export const MIC_COMPONENT = 'pod-identity-mic';
export const NMI_POD_LABEL = 'app.kubernetes.io/component=nmi';

interface RawPod {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: { nodeName?: string; serviceAccountName?: string; containers?: Array<{ image?: string }> };
  status?: { phase?: string; conditions?: Array<{ type?: string; status?: string }> };
}

interface RawEvent {
  type?: string;
  reason?: string;
  message?: string;
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string };
  source?: { component?: string };
  reportingComponent?: string;
}

async function getOrUndefined<T>(http: KubeHttp, path: string): Promise<T | undefined> {
  try {
    return await http.request<T>({ method: 'GET', path });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function toPodFacts(raw: RawPod): PodFacts {
  const meta = raw.metadata ?? {};
  const spec = raw.spec ?? {};
  return {
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    phase: raw.status?.phase ?? 'Unknown',
    nodeName: spec.nodeName || undefined,
    labels: meta.labels ?? {},
    serviceAccount: spec.serviceAccountName || 'default',
  };
}

function toEvent(e: RawEvent): MicEvent {
  const at = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
  const o = e.involvedObject ?? {};
  return {
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: e.message ?? '',
    atMs: at ? Date.parse(at) : 0,
    object: `${o.kind ?? ''} ${o.namespace ?? ''}/${o.name ?? ''}`,
  };
}

function imageTag(image: string | undefined): string {
  const tag = image?.split('@')[0]?.split('/').pop()?.split(':')[1];
  return tag ?? 'unknown';
}

/** What `migrate` plans from. */
export interface MigrationInput {
  readonly bindings: ExplainFacts['bindings'];
  readonly identities: ExplainFacts['identities'];
  readonly pods: PodFacts[];
}

export class ClusterReader {
  private readonly crds;

  constructor(
    private readonly http: KubeHttp,
    /** Namespace of MIC and NMI (the installation's). */
    private readonly systemNamespace: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.crds = crdClients(http);
  }

  async pod(namespace: string, name: string): Promise<PodFacts | undefined> {
    const raw = await getOrUndefined<RawPod>(
      this.http,
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`,
    );
    return raw ? toPodFacts(raw) : undefined;
  }

  async lease(): Promise<LeaseFacts | undefined> {
    const raw = await getOrUndefined<{
      spec?: {
        holderIdentity?: string;
        acquireTime?: string;
        renewTime?: string;
        leaseDurationSeconds?: number;
      };
    }>(
      this.http,
      `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.systemNamespace)}/leases/${MIC_LEASE}`,
    );
    if (!raw) return undefined;
    const ms = (t?: string): number | undefined => (t ? Date.parse(t) : undefined);
    const s = raw.spec ?? {};
    return {
      holder: s.holderIdentity || undefined,
      acquiredMs: ms(s.acquireTime),
      renewedMs: ms(s.renewTime),
      durationSeconds: s.leaseDurationSeconds,
    };
  }

  /** MIC's Deployment and whether its args turn namespaced mode on. */
  async micDeployment(): Promise<{ found: boolean; forceNamespaced: boolean }> {
    const raw = await getOrUndefined<{
      spec?: { template?: { spec?: { containers?: Array<{ args?: string[] }> } } };
    }>(
      this.http,
      `/apis/apps/v1/namespaces/${encodeURIComponent(this.systemNamespace)}/deployments/${MIC_DEPLOYMENT}`,
    );
    const args = raw?.spec?.template?.spec?.containers?.flatMap((c) => c.args ?? []) ?? [];
    const flag = args.filter((a) => /^--?forceNamespaced(=|$)/.test(a)).pop();
    return { found: raw !== undefined, forceNamespaced: flag !== undefined && !/=(false|0|f)$/i.test(flag) };
  }

  /** MIC's Events in `namespace` about the named objects, newest first. */
  async micEvents(namespace: string, objects: ReadonlySet<string>): Promise<MicEvent[]> {
    const list = await this.http.request<{ items?: RawEvent[] }>({
      method: 'GET',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`,
    });
    return (list.items ?? [])
      .filter(
        (e) =>
          (e.source?.component ?? e.reportingComponent) === MIC_COMPONENT &&
          objects.has(e.involvedObject?.name ?? ''),
      )
      .map(toEvent)
      .sort((a, b) => b.atMs - a.atMs);
  }

  async nmiOn(node: string): Promise<NmiPodFacts | undefined> {
    return (await this.nmiPods(node))[0];
  }

  async mic(eventsNamespace: string, about: ReadonlySet<string>): Promise<MicFacts> {
    const [deployment, lease, events] = await Promise.all([
      this.micDeployment(),
      this.lease(),
      this.micEvents(eventsNamespace, about),
    ]);
    return {
      namespace: this.systemNamespace,
      deploymentFound: deployment.found,
      forceNamespaced: deployment.forceNamespaced,
      lease,
      events,
    };
  }

  async assignedIdentities(): Promise<NormalizedAzureAssignedIdentity[]> {
    return (await this.crds.assignedIdentities.list()).items;
  }

  async explainFacts(namespace: string, name: string): Promise<ExplainFacts> {
    const [pod, bindings, identities, exceptions, assigned] = await Promise.all([
      this.pod(namespace, name),
      this.crds.bindings.list().then((r) => r.items),
      this.crds.identities.list().then((r) => r.items),
      this.crds.exceptions.list({ namespace }).then((r) => r.items),
      this.assignedIdentities(),
    ]);
    const selector = pod?.labels[BINDING_LABEL];
    const about = new Set([
      name,
      ...bindings.filter((b) => b.spec.selector === selector && selector).map((b) => b.metadata?.name ?? ''),
    ]);
    const mic = await this.mic(namespace, about);
    const nmi = pod?.nodeName ? await this.nmiOn(pod.nodeName) : undefined;
    const mine = assigned.filter((a) => a.spec.pod === name && a.spec.podNamespace === namespace);
    return {
      now: this.clock(),
      podRef: { namespace, name },
      pod,
      bindings,
      identities,
      exceptions,
      assigned: mine,
      mic,
      nmi,
    };
  }

  /** Pods with the aadpodidbinding label, in `namespace` or everywhere. */
  async labelledPods(namespace?: string): Promise<PodFacts[]> {
    const path = namespace ? `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods` : '/api/v1/pods';
    const list = await this.http.request<{ items?: RawPod[] }>({
      method: 'GET',
      path,
      query: { labelSelector: BINDING_LABEL },
    });
    return (list.items ?? []).map(toPodFacts);
  }

  /** NMI's pods, on one node or on all. */
  async nmiPods(node?: string): Promise<StatusFacts['nmi']> {
    const list = await this.http.request<{ items?: RawPod[] }>({
      method: 'GET',
      path: `/api/v1/namespaces/${encodeURIComponent(this.systemNamespace)}/pods`,
      query: { labelSelector: NMI_POD_LABEL, fieldSelector: node ? `spec.nodeName=${node}` : undefined },
    });
    return (list.items ?? []).map((pod) => ({
      node: pod.spec?.nodeName ?? '',
      name: pod.metadata?.name ?? '',
      ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      version: imageTag(pod.spec?.containers?.[0]?.image),
    }));
  }

  async statusFacts(): Promise<StatusFacts> {
    const [identities, bindings, pods, assigned, lease, nmi] = await Promise.all([
      this.crds.identities.list().then((r) => r.items),
      this.crds.bindings.list().then((r) => r.items),
      this.labelledPods(),
      this.assignedIdentities(),
      this.lease(),
      this.nmiPods(),
    ]);
    return { now: this.clock(), identities, bindings, pods, assigned, lease, nmi };
  }

  async migrationInput(namespace?: string): Promise<MigrationInput> {
    const [bindings, identities, pods] = await Promise.all([
      this.crds.bindings.list({ namespace }).then((r) => r.items),
      this.crds.identities.list({ namespace }).then((r) => r.items),
      this.labelledPods(namespace),
    ]);
    return { bindings, identities, pods };
  }

  /** The cluster's ServiceAccount issuer, when the API server serves its discovery document to us. */
  async issuer(): Promise<string | undefined> {
    try {
      return (
        await this.http.request<{ issuer?: string }>({
          method: 'GET',
          path: '/.well-known/openid-configuration',
        })
      ).issuer;
    } catch {
      return undefined;
    }
  }
}
