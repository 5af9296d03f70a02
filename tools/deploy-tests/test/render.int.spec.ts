// Every overlay and every component renders, and the rendered objects keep the invariants the apps and
// the other manifests rely on (labels, selectors, security settings, image tags).
import type { V1Container, V1DaemonSet, V1Deployment, V1PodSpec } from '@kubernetes/client-node';
import { objectKey, type KubeObject } from '../src/kustomize';
import { componentNames, overlayNames, packageVersion, APPS } from '../src/repo';
import {
  appContainer,
  find,
  kustomizeTool,
  NAMESPACE,
  podTemplate,
  renderBaseWith,
  renderOverlay,
  selects,
  workload,
} from './support';

const overlays = overlayNames();

describe('kustomize rendering', () => {
  it('finds a kustomize', () => {
    expect(kustomizeTool().command.length).toBeGreaterThan(0);
  });

  it('has the overlays dev, prod and managed', () => {
    expect(overlays).toEqual(expect.arrayContaining(['dev', 'prod', 'managed']));
  });

  it.each(overlays)('renders overlay %s into unique, namespaced objects', (name) => {
    const objects = renderOverlay(name);
    expect(objects.length).toBeGreaterThan(5);
    const keys = objects.map(objectKey);
    expect(new Set(keys).size).toBe(keys.length);
    const clusterScoped = new Set([
      'Namespace',
      'CustomResourceDefinition',
      'ClusterRole',
      'ClusterRoleBinding',
    ]);
    for (const o of objects.filter((x) => !clusterScoped.has(x.kind))) {
      expect([NAMESPACE, 'kube-system']).toContain(o.metadata.namespace);
    }
  });

  it.each(componentNames())('renders deploy/base with component %s', (component) => {
    expect(renderBaseWith(component).length).toBeGreaterThan(5);
  });

  it.each(overlays)('overlay %s tags our images with the package.json version', (name) => {
    const version = packageVersion();
    for (const app of APPS) {
      const w = workload(renderOverlay(name), app);
      if (!w) continue;
      expect(String(appContainer(w, app).image)).toMatch(
        new RegExp(`/${app}:${version.replace(/\./g, '\\.')}$`),
      );
    }
  });
});

describe('MIC Deployment', () => {
  const mic = (): KubeObject => workload(renderOverlay('prod'), 'mic') as KubeObject;
  const typed = (): V1Deployment => mic() as unknown as V1Deployment;

  it('runs 2 replicas spread over the nodes', () => {
    const spec = typed().spec as NonNullable<V1Deployment['spec']>;
    expect(spec.replicas).toBe(2);
    const term =
      spec.template.spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0]
        .podAffinityTerm;
    expect(term?.topologyKey).toBe('kubernetes.io/hostname');
    expect(
      selects(term?.labelSelector?.matchLabels ?? { none: 'x' }, podTemplate(mic()).metadata.labels),
    ).toBe(true);
  });

  it('runs as non-root on a read-only root filesystem, with probes and resources', () => {
    const pod = typed().spec?.template.spec as V1PodSpec;
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    const c = pod.containers.find((x) => x.name === 'mic') as V1Container;
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'probe' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'probe' });
    expect(c.resources?.requests).toBeDefined();
  });

  it('is selected by the PodDisruptionBudget and the MIC exception', () => {
    const objects = renderOverlay('prod');
    const labels = podTemplate(mic()).metadata.labels;
    expect(labels['app.kubernetes.io/component']).toBe('mic');
    const pdb = find(objects, 'PodDisruptionBudget', 'pod-identity-mic') as KubeObject;
    expect(
      selects(
        (pdb.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
        labels,
      ),
    ).toBe(true);
    const exception = find(objects, 'AzurePodIdentityException', 'mic-exception') as KubeObject;
    expect(selects((exception.spec as { podLabels: Record<string, string> }).podLabels, labels)).toBe(true);
  });

  it('dev runs one replica and a PDB that allows it to go', () => {
    const objects = renderOverlay('dev');
    expect((workload(objects, 'mic')?.spec as { replicas: number }).replicas).toBe(1);
    expect(
      (find(objects, 'PodDisruptionBudget', 'pod-identity-mic')?.spec as { minAvailable: number })
        .minAvailable,
    ).toBe(0);
  });
});

describe('NMI DaemonSet', () => {
  const pod = (): V1PodSpec =>
    (workload(renderOverlay('prod'), 'nmi') as unknown as V1DaemonSet).spec?.template.spec as V1PodSpec;
  const container = (): V1Container => pod().containers.find((x) => x.name === 'nmi') as V1Container;

  it('runs on every Linux node, in the host network', () => {
    expect(pod()).toMatchObject({
      hostNetwork: true,
      dnsPolicy: 'ClusterFirstWithHostNet',
      nodeSelector: { 'kubernetes.io/os': 'linux' },
    });
    expect(pod().tolerations).toEqual([{ operator: 'Exists' }]);
    expect(
      podTemplate(workload(renderOverlay('prod'), 'nmi') as KubeObject).metadata.labels[
        'app.kubernetes.io/component'
      ],
    ).toBe('nmi');
  });

  it('has only NET_ADMIN and NET_RAW, its node name, and the host xtables lock', () => {
    expect(container().securityContext?.capabilities).toEqual({
      drop: ['ALL'],
      add: ['NET_ADMIN', 'NET_RAW'],
    });
    expect(container().env).toContainEqual({
      name: 'NODE_NAME',
      valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
    });
    const lock = pod().volumes?.find((v) => v.hostPath?.path === '/run/xtables.lock');
    expect(container().volumeMounts).toContainEqual({ name: lock?.name, mountPath: '/run/xtables.lock' });
  });
});

describe('components', () => {
  it('managed mode removes everything of MIC and runs NMI in managed mode', () => {
    const objects = renderOverlay('managed');
    expect(
      objects
        .filter((o) => o.metadata.name === 'pod-identity-mic' || o.metadata.name === 'mic-exception')
        .map(objectKey),
    ).toEqual([]);
    expect(appContainer(workload(objects, 'nmi') as KubeObject, 'nmi').args).toContain(
      '--operation-mode=managed',
    );
  });

  it('namespaced-off turns namespaced rules off in MIC and NMI (last flag wins)', () => {
    const objects = renderBaseWith('namespaced-off');
    for (const app of APPS) {
      const args = (appContainer(workload(objects, app) as KubeObject, app).args ?? []).filter((a) =>
        a.startsWith('--forceNamespaced'),
      );
      expect(args[args.length - 1]).toBe('--forceNamespaced=false');
    }
  });

  it('monitoring Services and ServiceMonitors select the pods and their metrics port', () => {
    const objects = renderOverlay('prod');
    for (const app of APPS) {
      const template = podTemplate(workload(objects, app) as KubeObject);
      const svc = objects.find(
        (o) => o.kind === 'Service' && o.metadata.labels?.['app.kubernetes.io/component'] === app,
      ) as KubeObject;
      const spec = svc.spec as {
        selector: Record<string, string>;
        ports: { name: string; targetPort: string }[];
      };
      expect(selects(spec.selector, template.metadata.labels)).toBe(true);
      const ports = (appContainer(workload(objects, app) as KubeObject, app).ports ?? []) as {
        name: string;
      }[];
      expect(ports.map((p) => p.name)).toContain(spec.ports[0].targetPort);
      const monitor = objects.find(
        (o) => o.kind === 'ServiceMonitor' && o.metadata.name === `pod-identity-${app}`,
      ) as KubeObject;
      const monSpec = monitor.spec as {
        selector: { matchLabels: Record<string, string> };
        endpoints: { port: string }[];
      };
      expect(selects(monSpec.selector.matchLabels, svc.metadata.labels ?? {})).toBe(true);
      expect(monSpec.endpoints[0].port).toBe(spec.ports[0].name);
    }
  });
});
