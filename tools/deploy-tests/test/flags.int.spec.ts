// The Deployment's and DaemonSet's args and env are flags MIC and NMI really accept: the flags are read
// from each app's --help (run from source with tsx), so the check follows the apps as their flags change.
// The ports the manifests name are the ports the flags make the apps listen on, and the flag tables of
// docs/operations.md are the ones --help gives.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { helpText } from '../src/app-cli';
import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { checkContainer, effectiveValue } from '../src/args-check';
import { currentBlock, flagTable } from '../src/flag-docs';
import { findFlag, parseHelp, type FlagInfo } from '../src/help';
import type { KubeObject } from '../src/kustomize';
import { APPS, componentNames, overlayNames, ROOT, type AppName } from '../src/repo';
import { appContainer, podTemplate, renderBaseWith, renderOverlay, workload } from './support';

/**
 * Environment variables an app reads outside its flags (none used by the manifests today):
 * MIC's cloud config from the environment when --cloudconfig is empty and its custom-cloud file; Node's extra CAs.
 */
const EXTRA_ENV: Record<AppName, readonly string[]> = {
  mic: [
    'AZURE_ENVIRONMENT_FILEPATH',
    'NODE_EXTRA_CA_CERTS',
    'CLOUD',
    'TENANT_ID',
    'CLIENT_ID',
    'CLIENT_SECRET',
    'SUBSCRIPTION_ID',
    'RESOURCE_GROUP',
    'VM_TYPE',
    'USE_MSI',
    'USER_ASSIGNED_MSI_CLIENT_ID',
  ],
  nmi: ['NODE_EXTRA_CA_CERTS'],
};

const flags = new Map<AppName, FlagInfo[]>();

beforeAll(async () => {
  for (const app of APPS) flags.set(app, parseHelp(await helpText(app)));
});

function appFlags(app: AppName): FlagInfo[] {
  const f = flags.get(app);
  if (!f || f.length === 0) throw new Error(`no flags parsed from ${app} --help`);
  return f;
}

const renderings: [string, () => KubeObject[]][] = [
  ...overlayNames().map((o): [string, () => KubeObject[]] => [`overlay ${o}`, () => renderOverlay(o)]),
  ...componentNames().map((c): [string, () => KubeObject[]] => [
    `base + component ${c}`,
    () => renderBaseWith(c),
  ]),
];

describe('--help', () => {
  it.each(APPS)('%s lists its flags, among them the probe and metrics ports', (app) => {
    const f = appFlags(app);
    expect(findFlag(f, 'http-probe-port')?.type).toBe('int');
    expect(findFlag(f, 'prometheus-port')?.type).toBe('int');
    expect(f.length).toBeGreaterThan(10);
  });
});

describe.each(renderings)('%s', (_label, objects) => {
  it.each(APPS)('the %s container uses only flags and env the app accepts', (app) => {
    const w = workload(objects(), app);
    if (!w) return; // managed mode has no MIC
    expect(checkContainer(appFlags(app), appContainer(w, app), EXTRA_ENV[app])).toEqual([]);
  });

  it.each(APPS)('the %s ports named probe and metrics are --http-probe-port and --prometheus-port', (app) => {
    const w = workload(objects(), app);
    if (!w) return;
    const c = appContainer(w, app);
    const ports = Object.fromEntries(
      ((c.ports ?? []) as { name: string; containerPort: number }[]).map((p) => [
        p.name,
        String(p.containerPort),
      ]),
    );
    expect(ports).toEqual({
      probe: effectiveValue(appFlags(app), c, 'http-probe-port'),
      metrics: effectiveValue(appFlags(app), c, 'prometheus-port'),
    });
  });
});

describe('MIC cloud configuration', () => {
  it.each(overlayNames().filter((o) => workload(renderOverlay(o), 'mic')))(
    'overlay %s: --cloudconfig is the azure.json of the mounted Secret',
    (overlay) => {
      const w = workload(renderOverlay(overlay), 'mic') as KubeObject;
      const c = appContainer(w, 'mic');
      const volumes = (podTemplate(w).spec.volumes ?? []) as V1Volume[];
      const path = effectiveValue(appFlags('mic'), c, 'cloudconfig') ?? '';
      const mount = (c.volumeMounts as V1VolumeMount[]).find((m) => path.startsWith(`${m.mountPath}/`));
      const volume = volumes.find((v) => v.name === mount?.name);
      expect(mount?.readOnly).toBe(true);
      expect(volume?.secret?.secretName).toBe('pod-identity-mic-cloud-config');
      expect(volume?.secret?.items).toContainEqual({
        key: 'azure.json',
        path: path.slice((mount?.mountPath.length ?? 0) + 1),
      });
    },
  );
});

describe('docs/operations.md', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');

  it.each(APPS)('the %s flag table is the one --help gives (npx nx run deploy-tests:update-docs)', (app) => {
    expect(currentBlock(doc, app)).toBe(flagTable(appFlags(app)));
  });
});
