// Bad input at apply time: hostile or broken custom objects are refused by the apiserver itself (CRD
// schema + CEL rules), with a message that names the field and says what to write instead. Objects the
// schema cannot judge (references to other namespaces) are accepted here and refused at run time
// (apps/nmi standard.int.spec.ts "refusals", apps/mic security.int.spec.ts).
import { installCrds, testNamespace } from '@pod-identity/envtest';
import { Tally } from '../src';
import { createCustom, refusalOf } from './support/api';

const ns = testNamespace('sec-crd');
const tally = new Tally('crd-apply');
const RID =
  '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1';
const CID = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const SECRET_LIKE = 'Sup3r-Secret-Password-Value';

interface Case {
  readonly name: string;
  readonly kind: string;
  readonly spec: unknown;
  /** Fragments the refusal must contain (field path, then the hint). */
  readonly says: readonly string[];
}

const CASES: readonly Case[] = [
  {
    name: 'identity of an unknown type',
    kind: 'AzureIdentity',
    spec: { type: 7, resourceID: RID, clientID: CID },
    says: ['spec.type'],
  },
  {
    name: 'type 0 without resourceID',
    kind: 'AzureIdentity',
    spec: { type: 0, clientID: CID },
    says: ['resourceID'],
  },
  {
    name: 'a VM id instead of an identity id',
    kind: 'AzureIdentity',
    spec: {
      type: 0,
      clientID: CID,
      resourceID: RID.replace(
        'Microsoft.ManagedIdentity/userAssignedIdentities',
        'Microsoft.Compute/virtualMachines',
      ),
    },
    says: ['resourceID', 'user-assigned identity'],
  },
  {
    name: 'a clientID that is not a GUID',
    kind: 'AzureIdentity',
    spec: { type: 0, resourceID: RID, clientID: 'not-a-guid' },
    says: ['clientID', 'GUID'],
  },
  {
    name: 'legacy and camelCase clientID disagree (confused deputy)',
    kind: 'AzureIdentity',
    spec: { type: 0, resourceID: RID, clientID: CID, ClientID: CID.replace('6f', '7f') },
    says: ['disagree'],
  },
  {
    name: 'a secret pasted into an unknown field',
    kind: 'AzureIdentity',
    spec: { type: 1, tenantID: CID, clientID: CID, clientPassword: { name: 's' }, password: SECRET_LIKE },
    says: ['password'],
  },
  {
    name: 'a binding with an empty selector',
    kind: 'AzureIdentityBinding',
    spec: { azureIdentity: 'id1', selector: '' },
    says: ['selector', 'label value'],
  },
  {
    name: 'a binding selector with a wildcard',
    kind: 'AzureIdentityBinding',
    spec: { azureIdentity: 'id1', selector: '*' },
    says: ['selector', 'label value'],
  },
  {
    name: 'a binding selector with a label-selector expression',
    kind: 'AzureIdentityBinding',
    spec: { azureIdentity: 'id1', selector: 'app in (a,b)' },
    says: ['selector'],
  },
  {
    name: 'a binding without an identity',
    kind: 'AzureIdentityBinding',
    spec: { selector: 'app' },
    says: ['azureIdentity'],
  },
  {
    name: 'an oversized binding selector',
    kind: 'AzureIdentityBinding',
    spec: { azureIdentity: 'id1', selector: 'a'.repeat(64) },
    says: ['selector'],
  },
  {
    name: 'an exception matching every pod (no labels)',
    kind: 'AzurePodIdentityException',
    spec: { podLabels: {} },
    says: ['podLabels'],
  },
  { name: 'a spec that is a string', kind: 'AzureIdentity', spec: 'type: 0', says: ['spec'] },
];

beforeAll(async () => {
  await installCrds(ns.kubeConfig);
});

afterAll(() => tally.print());

describe('hostile or broken custom objects are refused at apply time', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const refusal = await refusalOf(createCustom(ns.kubeConfig, ns.name, c.kind, `bad-${i}`, c.spec));
    // 422 Invalid (schema, CEL) or 400 BadRequest (strict field validation: unknown field).
    const refused = refusal?.code === 422 || refusal?.code === 400;
    tally.attack(refused);
    expect(refused).toBe(true);
    for (const fragment of c.says) expect(refusal?.message).toContain(fragment);
    // The apiserver's message must not echo a secret someone put in the wrong field.
    expect(refusal?.message).not.toContain(SECRET_LIKE);
  });
});

describe('references the schema cannot judge', () => {
  it('accepts a binding naming an identity of another namespace, which matches nothing at run time', async () => {
    // No AzureIdentity name can contain "/", so "other/id1" can never resolve across namespaces.
    await expect(
      createCustom(ns.kubeConfig, ns.name, 'AzureIdentityBinding', 'cross-ref', {
        azureIdentity: 'other/id1',
        selector: 'app',
      }),
    ).resolves.toBeTruthy();
  });
});
