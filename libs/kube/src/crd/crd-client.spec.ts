import { KubeApiError } from '../http/errors';
import { crdPath } from './crd-client';
import { applyFinalizerChange } from './finalizers';

describe('crdPath', () => {
  it('builds collection and item paths from the crd-types constants', () => {
    expect(crdPath('AzureIdentity')).toBe('/apis/aadpodidentity.k8s.io/v1/azureidentities');
    expect(crdPath('AzureAssignedIdentity', 'default', 'p-default-id')).toBe(
      '/apis/aadpodidentity.k8s.io/v1/namespaces/default/azureassignedidentities/p-default-id',
    );
  });
});

describe('applyFinalizerChange', () => {
  type Obj = { metadata: { finalizers?: string[]; resourceVersion: string } };

  function fakeClient(initial: Obj | undefined, conflicts = 0) {
    let obj = initial;
    const patches: unknown[] = [];
    return {
      patches,
      get current(): Obj | undefined {
        return obj;
      },
      get: async () => {
        if (!obj) throw new KubeApiError(404, 'NotFound', 'gone');
        return structuredClone(obj);
      },
      mergePatch: async (_ns: string, _name: string, patch: Record<string, unknown>) => {
        patches.push(patch);
        if (conflicts-- > 0) throw new KubeApiError(409, 'Conflict', 'stale');
        const finalizers = (patch.metadata as { finalizers: string[] | null }).finalizers;
        obj = {
          metadata: {
            finalizers: finalizers ?? undefined,
            resourceVersion: String(Number(obj?.metadata.resourceVersion) + 1),
          },
        };
        return structuredClone(obj);
      },
    };
  }

  const add = (list: readonly string[]): readonly string[] => (list.includes('f') ? list : [...list, 'f']);
  const remove = (list: readonly string[]): readonly string[] => list.filter((x) => x !== 'f');

  it('adds with a conditional patch carrying the resourceVersion', async () => {
    const client = fakeClient({ metadata: { finalizers: ['other'], resourceVersion: '5' } });
    await applyFinalizerChange(client, 'ns', 'n', add);
    expect(client.patches).toEqual([{ metadata: { finalizers: ['other', 'f'], resourceVersion: '5' } }]);
  });

  it('does nothing when already in the wanted state', async () => {
    const client = fakeClient({ metadata: { finalizers: ['f'], resourceVersion: '5' } });
    await applyFinalizerChange(client, 'ns', 'n', add);
    expect(client.patches).toEqual([]);
  });

  it('retries on conflict from a fresh read, then gives up after 5 attempts', async () => {
    const client = fakeClient({ metadata: { resourceVersion: '5' } }, 2);
    await applyFinalizerChange(client, 'ns', 'n', add);
    expect(client.patches).toHaveLength(3);
    expect(client.current?.metadata.finalizers).toEqual(['f']);
    const stubborn = fakeClient({ metadata: { resourceVersion: '5' } }, 10);
    await expect(applyFinalizerChange(stubborn, 'ns', 'n', add)).rejects.toMatchObject({ statusCode: 409 });
    expect(stubborn.patches).toHaveLength(5);
  });

  it('removes the last finalizer with null, and tolerates a missing object when asked', async () => {
    const client = fakeClient({ metadata: { finalizers: ['f'], resourceVersion: '5' } });
    await applyFinalizerChange(client, 'ns', 'n', remove);
    expect(client.patches).toEqual([{ metadata: { finalizers: null, resourceVersion: '5' } }]);
    await expect(
      applyFinalizerChange(fakeClient(undefined), 'ns', 'n', remove, { missingOk: true }),
    ).resolves.toBeUndefined();
    await expect(applyFinalizerChange(fakeClient(undefined), 'ns', 'n', remove)).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});
