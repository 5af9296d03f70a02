// status, migrate, the read-only ClusterRole and the standalone bundle (with --azure against the Azure
// emulator), on the real API server.
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startAzureEmulator, type AzureEmulator } from '@pod-identity/azure-emulator';
import { envtestKubeConfig, installCrds, serviceAccountKubeConfig } from '@pod-identity/envtest';
import type { MigrationPlan } from '../src/migrate/plan';
import type { StatusSummary } from '../src/status/summary';
import { cli, type Ran } from './run';
import { CLIENT_ID, resourceIdOf, SUB, World } from './world';

const ROOT = resolve(__dirname, '..', '..', '..');
const worlds: World[] = [];
async function world(label: string, b: Parameters<World['build']>[0] = {}): Promise<World> {
  const w = new World(label);
  worlds.push(w);
  await w.build(b);
  return w;
}

beforeAll(async () => {
  await installCrds(envtestKubeConfig());
});

afterAll(async () => {
  for (const w of worlds) await w.cleanup();
});

describe('kubectl pod-identity status', () => {
  it("lists assignments in error with their reasons, MIC's leader, NMI per node and nodes waiting for ARM; exit 1 when not healthy", async () => {
    const healthy = await world('st-ok');
    const broken = await world('st-bad', {
      assigned: {
        status: 'Created',
        reason: 'LinkedAuthorizationFailed',
        message: 'give MIC Managed Identity Operator',
      },
    });
    const r = await cli(['status', '--system-namespace', healthy.system, '-o', 'json']);
    const s = JSON.parse(r.out) as StatusSummary;
    expect(r.code).toBe(1);
    expect(s).toMatchObject({
      apiVersion: 'pod-identity.cli/v1',
      kind: 'Status',
      healthy: false,
      mic: { leader: 'pod-identity-mic-7d9f-abcde', healthy: true },
    });
    expect(s.assignments.inError).toContainEqual(
      expect.objectContaining({
        pod: `${broken.namespace}/web`,
        status: 'Created',
        reason: 'LinkedAuthorizationFailed',
      }),
    );
    expect(s.nmi).toContainEqual({
      node: healthy.node,
      pod: expect.any(String),
      ready: true,
      version: '1.2.3',
    });
    expect(s.pendingArm).toContainEqual({ node: broken.node, assignments: 1 });
    expect(s.pods.withAssignment).toBeGreaterThanOrEqual(2);
    const text = await cli(['status', '--system-namespace', healthy.system]);
    expect(text.out).toMatch(/✘ assignments \d+, \d+ Assigned, \d+ in error/);
    expect(text.out).toContain(
      `(pod ${broken.namespace}/web): Created LinkedAuthorizationFailed: give MIC Managed Identity Operator`,
    );
    expect(text.out).toMatch(/✔ MIC +leader pod-identity-mic-7d9f-abcde, renewed \d+s ago/);
  });
});

describe('kubectl pod-identity migrate --to workload-identity', () => {
  it('gives each binding its ServiceAccount annotation and one federated credential per ServiceAccount, as YAML and ARM requests', async () => {
    const w = await world('mig');
    const r = await cli([
      'migrate',
      '--to',
      'workload-identity',
      '-n',
      w.namespace,
      '--issuer',
      'https://issuer.example/abc/',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out) as MigrationPlan;
    expect(plan).toMatchObject({ kind: 'WorkloadIdentityMigration', issuer: 'https://issuer.example/abc/' });
    expect(plan.bindings).toHaveLength(1);
    const [b] = plan.bindings;
    expect(b?.serviceAccounts).toEqual([{ namespace: w.namespace, name: 'default' }]);
    expect(b?.manifests).toEqual([
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          name: 'default',
          namespace: w.namespace,
          annotations: { 'azure.workload.identity/client-id': CLIENT_ID },
        },
      },
    ]);
    expect(b?.federatedCredentials).toEqual([
      {
        name: `kubernetes-${w.namespace}-default`,
        method: 'PUT',
        url: `https://management.azure.com${resourceIdOf('web-id')}/federatedIdentityCredentials/kubernetes-${w.namespace}-default?api-version=2023-01-31`,
        body: {
          properties: {
            issuer: 'https://issuer.example/abc/',
            subject: `system:serviceaccount:${w.namespace}:default`,
            audiences: ['api://AzureADTokenExchange'],
          },
        },
      },
    ]);
    const text = await cli(['migrate', '--to', 'workload-identity', '-n', w.namespace]);
    const docs = parseAllDocuments(text.out)
      .map((d) => d.toJS() as Record<string, unknown> | null)
      .filter(Boolean);
    expect(docs).toEqual(b?.manifests);
    expect(text.out).toContain(
      `# ARM: PUT https://management.azure.com${resourceIdOf('web-id')}/federatedIdentityCredentials/`,
    );
    // Without --issuer: the cluster's own issuer, from its discovery document.
    expect(text.out).toMatch(/"issuer":"https:\/\/[^"<]+"/);
  });

  it('refuses a missing --to with a clear message and exit 2', async () => {
    const r = await cli(['migrate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('migrate needs --to workload-identity');
  });
});

describe('the read-only ClusterRole of deploy/components/cli-reader', () => {
  const roleFile = join(ROOT, 'deploy', 'components', 'cli-reader', 'clusterrole.yaml');
  const role = parseAllDocuments(readFileSync(roleFile, 'utf8'))[0]?.toJS() as {
    metadata: { name: string };
    rules: Array<{ verbs: string[] }>;
  };

  it('grants no write', () => {
    expect(new Set(role.rules.flatMap((r) => r.verbs))).toEqual(new Set(['get', 'list']));
  });

  it('is enough for explain, status and migrate', async () => {
    const w = await world('rbac');
    await w.http
      .request({ method: 'POST', path: '/apis/rbac.authorization.k8s.io/v1/clusterroles', body: role })
      .catch(() => undefined);
    await w.http.request({
      method: 'POST',
      path: `/api/v1/namespaces/${w.namespace}/serviceaccounts`,
      body: { metadata: { name: 'oncall' } },
    });
    await w.http.request({
      method: 'POST',
      path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      body: {
        metadata: { name: `oncall-${w.namespace}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name },
        subjects: [{ kind: 'ServiceAccount', name: 'oncall', namespace: w.namespace }],
      },
    });
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'cli-rbac-')), 'kubeconfig');
    writeFileSync(
      kubeconfig,
      (await serviceAccountKubeConfig(envtestKubeConfig(), w.namespace, 'oncall')).exportConfig(),
      { mode: 0o600 },
    );
    const as = (argv: string[]): Promise<Ran> => cli(argv, { KUBECONFIG: kubeconfig });
    const explained = await as(['explain', 'pod/web', '--system-namespace', w.system]);
    expect(explained.err).toBe('');
    expect(explained.code).toBe(0);
    const status = await as(['status', '--system-namespace', w.system]);
    expect(status.err).toBe('');
    const migrate = await as(['migrate', '--to', 'workload-identity']);
    expect(migrate).toMatchObject({ code: 0, err: '' });
  });
});

function runBundle(bin: string, argv: readonly string[], env: Record<string, string>): Promise<Ran> {
  return new Promise((done) => {
    execFile(
      bin,
      argv,
      { env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        done({ code, out: stdout, err: stderr });
      },
    );
  });
}

describe('the kubectl-pod_identity bundle, alone in a directory without node_modules', () => {
  let bin: string;
  let emulator: AzureEmulator;
  let azureJson: string;

  beforeAll(async () => {
    const built = await new Promise<string>((done, fail) =>
      execFile(
        process.execPath,
        [join(ROOT, 'tools', 'scripts', 'bundle.mjs'), 'cli'],
        { cwd: ROOT, timeout: 120_000 },
        (err, out) => (err ? fail(err) : done(out)),
      ),
    );
    expect(built).toContain('kubectl-pod_identity');
    bin = join(mkdtempSync(join(tmpdir(), 'cli-bundle-')), 'kubectl-pod_identity');
    copyFileSync(join(ROOT, 'dist', 'apps', 'cli', 'kubectl-pod_identity'), bin);
    chmodSync(bin, 0o755);
    emulator = await startAzureEmulator({
      seed: {
        subscriptions: [{ id: SUB, resourceGroups: [{ name: 'nodes' }, { name: 'ids' }] }],
        servicePrincipals: [
          {
            clientId: '99999999-9999-4999-8999-999999999999',
            displayName: 'reader',
            secret: 'emulator-only',
          },
        ],
        roleAssignments: [
          {
            principal: '99999999-9999-4999-8999-999999999999',
            role: 'Virtual Machine Contributor',
            scope: `/subscriptions/${SUB}/resourceGroups/nodes`,
          },
        ],
        userAssignedIdentities: [
          { subscription: SUB, resourceGroup: 'ids', name: 'web-id', clientId: CLIENT_ID },
        ],
        virtualMachineScaleSets: [
          {
            subscription: SUB,
            resourceGroup: 'nodes',
            name: 'with-id',
            instances: 1,
            identity: { userAssigned: [resourceIdOf('web-id')] },
          },
          { subscription: SUB, resourceGroup: 'nodes', name: 'without-id', instances: 1 },
        ],
      },
    });
    azureJson = join(mkdtempSync(join(tmpdir(), 'cli-azure-')), 'azure.json');
    writeFileSync(
      azureJson,
      JSON.stringify({
        cloud: 'AzureStackCloud',
        tenantId: emulator.tenantId,
        subscriptionId: SUB,
        resourceGroup: 'nodes',
        vmType: 'vmss',
        aadClientId: '99999999-9999-4999-8999-999999999999',
        aadClientSecret: 'emulator-only',
      }),
      { mode: 0o600 },
    );
  }, 180_000);

  afterAll(async () => {
    await emulator?.stop();
  });

  const env = (): Record<string, string> => ({
    KUBECONFIG: process.env.ENVTEST_KUBECONFIG ?? '',
    AZURE_ENVIRONMENT_FILEPATH: emulator.cloudEnvironmentPath,
    NODE_EXTRA_CA_CERTS: emulator.ca.path,
  });

  it('runs as an executable (#!/usr/bin/env node) and says its version', async () => {
    const r = await runBundle(bin, ['--version'], {});
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/^kubectl-pod_identity \d+\.\d+\.\d+/);
  });

  it("explain --azure for a federated identity: ✔ when a credential trusts the pod's ServiceAccount, ✘ (exit 1) when none does", async () => {
    const w = await world('az-fed', { federated: true, pool: 'without-id' });
    const credential = (subject: string) => ({
      name: 'kubernetes-web',
      issuer: 'https://issuer.example/',
      subject,
    });
    const seed = (subject: string) =>
      emulator.control.seed({
        userAssignedIdentities: [
          {
            subscription: SUB,
            resourceGroup: 'ids',
            name: 'web-id',
            clientId: CLIENT_ID,
            federatedCredentials: [credential(subject)],
          },
        ],
      });
    const argv = [
      'explain',
      'pod/web',
      '-n',
      w.namespace,
      '--system-namespace',
      w.system,
      '--azure',
      '--cloudconfig',
      azureJson,
    ];
    await seed(`system:serviceaccount:${w.namespace}:default`);
    const good = await runBundle(bin, argv, env());
    expect(good.out).toMatch(
      new RegExp(
        `✔ azure +web-id trusts system:serviceaccount:${w.namespace}:default \\(federated credential kubernetes-web`,
      ),
    );
    expect(good.code).toBe(0);
    await seed('system:serviceaccount:elsewhere:default');
    const bad = await runBundle(bin, argv, env());
    expect(bad.out).toMatch(
      new RegExp(
        `✘ azure +web-id has no federated credential for system:serviceaccount:${w.namespace}:default`,
      ),
    );
    expect(bad.out).toContain('--manage-federated-credentials');
    expect(bad.code).toBe(1);
  });

  it("explain --azure: ✔ when the identity is on the node's scale set, ✘ (exit 1) when it is not", async () => {
    const on = await world('az-on', { pool: 'with-id' });
    const good = await runBundle(
      bin,
      [
        'explain',
        'pod/web',
        '-n',
        on.namespace,
        '--system-namespace',
        on.system,
        '--azure',
        '--cloudconfig',
        azureJson,
      ],
      env(),
    );
    expect(good.err).toBe('');
    expect(good.out).toMatch(/✔ azure +web-id is on \/subscriptions\/\S+\/virtualMachineScaleSets\/with-id/);
    expect(good.code).toBe(0);
    const off = await world('az-off', { pool: 'without-id' });
    const bad = await runBundle(
      bin,
      [
        'explain',
        'pod/web',
        '-n',
        off.namespace,
        '--system-namespace',
        off.system,
        '--azure',
        '--cloudconfig',
        azureJson,
      ],
      env(),
    );
    expect(bad.out).toMatch(/✘ azure +web-id is not on \S+\/without-id/);
    expect(bad.code).toBe(1);
  });
});
