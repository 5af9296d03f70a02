// Typed CRD clients against the real apiserver with our CRDs installed.
import {
  ASSIGNED_IDENTITY_FINALIZER,
  NODENAME_LABEL,
  type AzureAssignedIdentity,
} from '@pod-identity/crd-types';
import {
  crdClients,
  crdInformer,
  crdPath,
  type CrdClients,
  isAlreadyExists,
  isConflict,
  isNotFound,
  KubeHttp,
} from '../src';
import { createNamespace, envtestKubeConfig, eventually, installCrds } from './support';

const RESOURCE_ID =
  '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1';
const CLIENT_ID = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';

describe('CRD clients on a real apiserver', () => {
  let http: KubeHttp;
  let clients: CrdClients;
  let ns: string;

  beforeAll(async () => {
    http = new KubeHttp(envtestKubeConfig());
    await installCrds(http);
    clients = crdClients(http, 'kube-int-test');
    ns = await createNamespace(http, 'crd');
  });

  it('round-trips an AzureIdentity: create, get, list, merge patch, JSON patch, delete', async () => {
    const created = await clients.identities.create({
      metadata: { name: 'id1', namespace: ns },
      spec: { type: 0, resourceID: RESOURCE_ID, clientID: CLIENT_ID },
    });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.kind).toBe('AzureIdentity');

    const got = await clients.identities.get(ns, 'id1');
    expect(got.spec).toEqual({ type: 0, resourceID: RESOURCE_ID, clientID: CLIENT_ID });

    const list = await clients.identities.list({ namespace: ns });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['id1']);
    expect(list.resourceVersion).not.toBe('');

    const merged = await clients.identities.mergePatch(ns, 'id1', { metadata: { labels: { team: 'a' } } });
    expect(merged.metadata?.labels).toEqual({ team: 'a' });
    const patched = await clients.identities.jsonPatch(ns, 'id1', [
      { op: 'replace', path: '/metadata/labels/team', value: 'b' },
    ]);
    expect(patched.metadata?.labels).toEqual({ team: 'b' });

    await clients.identities.delete(ns, 'id1');
    const missing = await clients.identities.get(ns, 'id1').catch((e: unknown) => e);
    expect(isNotFound(missing)).toBe(true);
  });

  it('normalises legacy PascalCase objects on every read', async () => {
    // Written raw, as an old manifest would be.
    await http.request({
      method: 'POST',
      path: crdPath('AzureIdentity', ns),
      body: {
        apiVersion: 'aadpodidentity.k8s.io/v1',
        kind: 'AzureIdentity',
        metadata: { name: 'legacy' },
        spec: { Type: 0, ResourceID: RESOURCE_ID, ClientID: CLIENT_ID },
      },
    });
    await http.request({
      method: 'POST',
      path: crdPath('AzureIdentityBinding', ns),
      body: {
        apiVersion: 'aadpodidentity.k8s.io/v1',
        kind: 'AzureIdentityBinding',
        metadata: { name: 'legacy-binding' },
        spec: { AzureIdentity: 'legacy', Selector: 'web' },
      },
    });
    expect((await clients.identities.get(ns, 'legacy')).spec).toEqual({
      type: 0,
      resourceID: RESOURCE_ID,
      clientID: CLIENT_ID,
    });
    expect((await clients.bindings.list({ namespace: ns })).items[0].spec).toEqual({
      azureIdentity: 'legacy',
      selector: 'web',
    });
    const informer = crdInformer(http, 'AzureIdentity', { namespace: ns });
    informer.start();
    try {
      await expect(informer.waitForSync(20_000)).resolves.toBe(true);
      expect(informer.get(`${ns}/legacy`)?.spec).toEqual({
        type: 0,
        resourceID: RESOURCE_ID,
        clientID: CLIENT_ID,
      });
    } finally {
      await informer.stop();
    }
  });

  it('recognises conflicts: stale resourceVersion and duplicate names', async () => {
    const v1 = await clients.bindings.create({
      metadata: { name: 'b1', namespace: ns },
      spec: { azureIdentity: 'id1', selector: 'app' },
    });
    await clients.bindings.update({ ...v1, spec: { azureIdentity: 'id1', selector: 'app2' } });
    const stale = await clients.bindings
      .update({ ...v1, spec: { azureIdentity: 'id1', selector: 'app3' } })
      .catch((e: unknown) => e);
    expect(isConflict(stale)).toBe(true);
    expect(isAlreadyExists(stale)).toBe(false);
    const stalePatch = await clients.bindings
      .mergePatch(ns, 'b1', {
        metadata: { resourceVersion: v1.metadata?.resourceVersion },
        spec: { selector: 'x' },
      })
      .catch((e: unknown) => e);
    expect(isConflict(stalePatch)).toBe(true);
    const duplicate = await clients.bindings
      .create({ ...v1, metadata: { name: 'b1', namespace: ns } })
      .catch((e: unknown) => e);
    expect(isAlreadyExists(duplicate)).toBe(true);
    expect((await clients.bindings.get(ns, 'b1')).spec.selector).toBe('app2');
  });

  function assigned(name: string, node: string): AzureAssignedIdentity {
    return {
      metadata: { name, namespace: ns, labels: { [NODENAME_LABEL]: node } },
      spec: {
        pod: name,
        podNamespace: ns,
        nodename: node,
        azureIdentityRef: {
          apiVersion: 'aadpodidentity.k8s.io/v1',
          kind: 'AzureIdentity',
          metadata: { name: 'id1', namespace: ns },
          spec: { Type: 0, ResourceID: RESOURCE_ID, ClientID: CLIENT_ID },
        },
        azureBindingRef: {
          apiVersion: 'aadpodidentity.k8s.io/v1',
          kind: 'AzureIdentityBinding',
          metadata: { name: 'b1', namespace: ns },
          spec: { azureIdentity: 'id1', selector: 'app' },
        },
      },
      status: { status: 'Created' },
    };
  }

  it('holds deletion with the finalizer until it is removed', async () => {
    const created = await clients.assignedIdentities.create(assigned('p1-id1', 'node-a'));
    expect(created.spec.azureIdentityRef?.spec).toEqual({
      type: 0,
      resourceID: RESOURCE_ID,
      clientID: CLIENT_ID,
    });
    const withFinalizer = await clients.assignedIdentities.addFinalizer(ns, 'p1-id1');
    expect(withFinalizer.metadata?.finalizers).toEqual([ASSIGNED_IDENTITY_FINALIZER]);
    await clients.assignedIdentities.addFinalizer(ns, 'p1-id1'); // idempotent
    await clients.assignedIdentities.delete(ns, 'p1-id1');
    const terminating = await clients.assignedIdentities.get(ns, 'p1-id1');
    expect(terminating.metadata?.deletionTimestamp).toBeTruthy();
    await clients.assignedIdentities.removeFinalizer(ns, 'p1-id1');
    await eventually(async () =>
      expect(isNotFound(await clients.assignedIdentities.get(ns, 'p1-id1').catch((e: unknown) => e))).toBe(
        true,
      ),
    );
    await expect(clients.assignedIdentities.removeFinalizer(ns, 'p1-id1')).resolves.toBeUndefined();
  });

  it('filters AzureAssignedIdentities by the nodename label in an informer', async () => {
    await clients.assignedIdentities.create(assigned('on-a', 'node-a'));
    await clients.assignedIdentities.create(assigned('on-b', 'node-b'));
    const informer = crdInformer(http, 'AzureAssignedIdentity', {
      namespace: ns,
      labelSelector: `${NODENAME_LABEL}=node-a`,
    });
    const added: string[] = [];
    const updated: string[] = [];
    informer.onAdd((o) => added.push(o.metadata?.name ?? ''));
    informer.onUpdate((o) => updated.push(`${o.metadata?.name}:${o.status?.status}`));
    informer.start();
    try {
      await expect(informer.waitForSync(20_000)).resolves.toBe(true);
      const current = await clients.assignedIdentities.get(ns, 'on-a');
      await clients.assignedIdentities.update({ ...current, status: { status: 'Assigned' } });
      await clients.assignedIdentities.create(assigned('on-a-2', 'node-a'));
      await eventually(() => expect(added).toEqual(['on-a', 'on-a-2']));
      expect(updated).toEqual(['on-a:Assigned']);
      expect(
        informer
          .list()
          .map((o) => o.metadata?.name)
          .sort(),
      ).toEqual(['on-a', 'on-a-2']);
    } finally {
      await informer.stop();
    }
  });
});
