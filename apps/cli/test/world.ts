// A cluster state for `kubectl pod-identity` to read, written with admin credentials on the real API
// server: what MIC and NMI would have written (AzureAssignedIdentity, Lease, Events, NMI's pod, MIC's
// Deployment) is written here directly, so each case can break exactly one link of the chain.
import { randomBytes } from 'node:crypto';
import { API_VERSION, GROUP, PLURALS, VERSION } from '@pod-identity/crd-types';
import { createTestNamespace, envtestKubeConfig } from '@pod-identity/envtest';
import { KubeHttp } from '@pod-identity/kube';

export const SUB = '00000000-0000-4000-8000-00000000c11a';
export const CLIENT_ID = '12345678-1234-4234-8234-123456789abc';
export const resourceIdOf = (name: string): string =>
  `/subscriptions/${SUB}/resourceGroups/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;

const micro = (ms: number): string => new Date(ms).toISOString().replace('Z', '000Z');
const seconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export interface Breakage {
  readonly podPhase?: string;
  readonly podNode?: string | null;
  readonly noPod?: boolean;
  readonly noLabel?: boolean;
  readonly bindingSelector?: string;
  readonly bindingNamespace?: 'other';
  readonly bindingIdentity?: string;
  readonly exception?: boolean;
  readonly assigned?: { readonly status: string; readonly reason?: string; readonly message?: string } | null;
  readonly lease?: 'missing' | 'stale';
  readonly nmi?: 'missing' | 'not-ready';
  readonly forceNamespaced?: boolean;
  readonly federated?: boolean;
  /** Scale set of the node (its providerID), for --azure. */
  readonly pool?: string;
}

export class World {
  readonly http = new KubeHttp(envtestKubeConfig());
  readonly namespace: string;
  readonly system: string;
  readonly other: string;
  readonly node: string;
  /** The pod's aadpodidbinding value: unique, so other cases' bindings (other namespaces) do not select it. */
  readonly selector: string;

  constructor(readonly label: string) {
    const id = randomBytes(3).toString('hex');
    this.namespace = `cli-${label}-${id}`.slice(0, 50);
    this.system = `cli-sys-${label}-${id}`.slice(0, 50);
    this.other = `cli-other-${label}-${id}`.slice(0, 50);
    this.node = `node-${label}-${id}`.slice(0, 50);
    this.selector = `web-${id}`;
  }

  private post(path: string, body: unknown): Promise<unknown> {
    return this.http.request({ method: 'POST', path, body });
  }

  private custom(
    namespace: string,
    kind: keyof typeof PLURALS,
    body: Record<string, unknown>,
  ): Promise<unknown> {
    return this.post(`/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURALS[kind]}`, {
      apiVersion: API_VERSION,
      kind,
      ...body,
    });
  }

  async pod(
    namespace: string,
    name: string,
    spec: { node?: string; labels?: Record<string, string>; serviceAccount?: string; image?: string },
    status: Record<string, unknown>,
  ): Promise<void> {
    const path = `/api/v1/namespaces/${namespace}/pods`;
    const body = {
      metadata: { name, labels: spec.labels ?? {} },
      spec: {
        ...(spec.node ? { nodeName: spec.node } : {}),
        serviceAccountName: spec.serviceAccount ?? 'default',
        containers: [{ name: 'app', image: spec.image ?? 'example.invalid/app:1' }],
      },
    };
    const created = (await this.post(path, body)) as Record<string, unknown>;
    await this.http.request({ method: 'PUT', path: `${path}/${name}/status`, body: { ...created, status } });
  }

  /** Everything a healthy pod needs, minus what `b` breaks. Returns the pod's name. */
  async build(b: Breakage = {}, now = Date.now()): Promise<string> {
    for (const ns of [this.namespace, this.system, this.other])
      await createTestNamespace(envtestKubeConfig(), ns);
    await this.post('/api/v1/nodes', {
      metadata: { name: this.node },
      spec: {
        providerID: `azure:///subscriptions/${SUB}/resourceGroups/nodes/providers/Microsoft.Compute/virtualMachineScaleSets/${b.pool ?? 'pool'}/virtualMachines/0`,
      },
    }).catch(() => undefined);
    await this.mic(b, now);
    await this.nmi(b);
    return this.app(b, now);
  }

  private async mic(b: Breakage, now: number): Promise<void> {
    const args = [`--forceNamespaced=${b.forceNamespaced ? 'true' : 'false'}`];
    await this.post(`/apis/apps/v1/namespaces/${this.system}/deployments`, {
      metadata: { name: 'pod-identity-mic' },
      spec: {
        selector: { matchLabels: { app: 'mic' } },
        template: {
          metadata: { labels: { app: 'mic' } },
          spec: { containers: [{ name: 'mic', image: 'ghcr.io/pod-identity/mic:1.2.3', args }] },
        },
      },
    });
    if (b.lease === 'missing') return;
    const renewed = b.lease === 'stale' ? now - 120_000 : now - 2_000;
    await this.post(`/apis/coordination.k8s.io/v1/namespaces/${this.system}/leases`, {
      metadata: { name: 'aad-pod-identity-mic' },
      spec: {
        holderIdentity: 'pod-identity-mic-7d9f-abcde',
        leaseDurationSeconds: 15,
        acquireTime: micro(now - 600_000),
        renewTime: micro(renewed),
      },
    });
  }

  private async nmi(b: Breakage): Promise<void> {
    if (b.nmi === 'missing') return;
    const ready = b.nmi === 'not-ready' ? 'False' : 'True';
    await this.pod(
      this.system,
      `pod-identity-nmi-${this.node.slice(-6)}`,
      {
        node: this.node,
        labels: { 'app.kubernetes.io/component': 'nmi' },
        image: 'ghcr.io/pod-identity/nmi:1.2.3',
      },
      { phase: 'Running', conditions: [{ type: 'Ready', status: ready }] },
    );
  }

  private async app(b: Breakage, now: number): Promise<string> {
    const pod = 'web';
    const bindingNs = b.bindingNamespace === 'other' ? this.other : this.namespace;
    await this.custom(bindingNs, 'AzureIdentity', {
      metadata: { name: 'web-id' },
      spec: {
        type: 0,
        resourceID: resourceIdOf('web-id'),
        clientID: CLIENT_ID,
        ...(b.federated ? { backend: 'Federated' } : {}),
      },
    });
    const binding = {
      metadata: { name: 'web-binding' },
      spec: { azureIdentity: b.bindingIdentity ?? 'web-id', selector: b.bindingSelector ?? this.selector },
    };
    await this.custom(bindingNs, 'AzureIdentityBinding', binding);
    if (b.exception)
      await this.custom(this.namespace, 'AzurePodIdentityException', {
        metadata: { name: 'skip-web' },
        spec: { podLabels: { app: 'web' } },
      });
    if (b.noPod) return pod;
    await this.appPod(pod, b);
    if (b.assigned !== null)
      await this.assigned(pod, bindingNs, binding, b.assigned ?? { status: 'Assigned' }, now);
    await this.micEvent(pod, now);
    return pod;
  }

  private async micEvent(pod: string, now: number): Promise<void> {
    await this.post(`/api/v1/namespaces/${this.namespace}/events`, {
      metadata: { name: `web.${now.toString(16)}` },
      involvedObject: { kind: 'Pod', namespace: this.namespace, name: pod },
      reason: 'IdentityAssigned',
      message: 'identity web-id assigned',
      type: 'Normal',
      source: { component: 'pod-identity-mic' },
      firstTimestamp: seconds(now - 60_000),
      lastTimestamp: seconds(now - 60_000),
    });
  }

  private async appPod(pod: string, b: Breakage): Promise<void> {
    const labels = { app: 'web', ...(b.noLabel ? {} : { aadpodidbinding: this.selector }) };
    const node = b.podNode === null ? undefined : (b.podNode ?? this.node);
    await this.pod(
      this.namespace,
      pod,
      { node, labels, serviceAccount: 'default' },
      { phase: b.podPhase ?? 'Running' },
    );
  }

  private async assigned(
    pod: string,
    bindingNs: string,
    binding: Record<string, unknown>,
    st: { status: string; reason?: string; message?: string },
    now: number,
  ): Promise<void> {
    await this.custom(this.namespace, 'AzureAssignedIdentity', {
      metadata: { name: `${pod}-${this.namespace}-web-id` },
      spec: {
        pod,
        podNamespace: this.namespace,
        nodename: this.node,
        azureIdentityRef: {
          apiVersion: API_VERSION,
          kind: 'AzureIdentity',
          metadata: { name: 'web-id', namespace: bindingNs },
          spec: { type: 0, resourceID: resourceIdOf('web-id'), clientID: CLIENT_ID },
        },
        azureBindingRef: {
          apiVersion: API_VERSION,
          kind: 'AzureIdentityBinding',
          ...binding,
          metadata: { name: 'web-binding', namespace: bindingNs },
        },
      },
      status: {
        status: st.status,
        reason: st.reason,
        message: st.message,
        lastTransitionTime: seconds(now - 180_000),
      },
    });
  }

  async cleanup(): Promise<void> {
    for (const ns of [this.namespace, this.system, this.other])
      await this.http.request({ method: 'DELETE', path: `/api/v1/namespaces/${ns}` }).catch(() => undefined);
    await this.http.request({ method: 'DELETE', path: `/api/v1/nodes/${this.node}` }).catch(() => undefined);
    this.http.close();
  }
}
