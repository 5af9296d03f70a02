import type { FederatedCredential } from '@pod-identity/azure-arm';
import { federatedCredentialName } from './credential-name';
import { decideCredentials, type DecideInput } from './decide';
import type { FederatedIdentityPlan, FederatedSubjectNeed } from './model';

const ISSUER = 'https://oidc.example/cluster';
const AUD = ['api://AzureADTokenExchange'];

function need(namespace: string, serviceAccount: string, ownNamespace = true): FederatedSubjectNeed {
  return {
    subject: `system:serviceaccount:${namespace}:${serviceAccount}`,
    namespace,
    serviceAccount,
    ownNamespace,
    confirm: [],
    switching: [],
  };
}

function plan(...subjects: FederatedSubjectNeed[]): FederatedIdentityPlan {
  return {
    identityId:
      '/subscriptions/s/resourcegroups/ids/providers/microsoft.managedidentity/userassignedidentities/id1',
    coordinates: { subscriptionId: 's', resourceGroup: 'ids', name: 'id1' },
    subjects,
  };
}

function fic(name: string, namespace: string, serviceAccount: string, issuer = ISSUER): FederatedCredential {
  return { name, issuer, subject: `system:serviceaccount:${namespace}:${serviceAccount}`, audiences: AUD };
}

function decide(parts: Partial<DecideInput> & Pick<DecideInput, 'plan'>) {
  return decideCredentials({ listed: [], ledger: new Set(), issuer: ISSUER, manage: true, ...parts });
}

describe('decideCredentials', () => {
  it('finds a credential by issuer, subject and audience, whoever named it', () => {
    const d = decide({ plan: plan(need('app', 'reader')), listed: [fic('hand-made', 'app', 'reader')] });
    expect(d.subjects.map((s) => [s.state, s.name])).toEqual([['present', 'hand-made']]);
    expect(d.create).toEqual([]);
  });

  it('does not count a credential of another issuer or another audience', () => {
    const otherIssuer = fic('a', 'app', 'reader', 'https://other/');
    const otherAudience = { ...fic('b', 'app', 'reader'), audiences: ['api://Something'] };
    const d = decide({
      plan: plan(need('app', 'reader')),
      listed: [otherIssuer, otherAudience],
      manage: false,
    });
    expect(d.subjects[0]?.state).toBe('missing');
  });

  it('management on: creates what is missing, named for the namespace and ServiceAccount', () => {
    const d = decide({
      plan: plan(need('app', 'reader'), need('app', 'writer')),
      listed: [fic('x', 'app', 'reader')],
    });
    expect(d.subjects.map((s) => s.state)).toEqual(['present', 'create']);
    expect(d.create).toEqual([
      {
        name: federatedCredentialName(ISSUER, 'app', 'writer'),
        issuer: ISSUER,
        subject: 'system:serviceaccount:app:writer',
        audiences: AUD,
      },
    ]);
    expect(d.count).toBe(2);
  });

  it('management off: only says what is missing (with the name MIC would use)', () => {
    const d = decide({ plan: plan(need('app', 'reader')), manage: false });
    expect(d.subjects).toEqual([
      expect.objectContaining({ state: 'missing', name: federatedCredentialName(ISSUER, 'app', 'reader') }),
    ]);
    expect(d.create).toEqual([]);
  });

  it('never creates one for a ServiceAccount of another namespace than the identity, but accepts one that exists', () => {
    expect(decide({ plan: plan(need('other', 'reader', false)) }).subjects[0]?.state).toBe(
      'outside-namespace',
    );
    expect(
      decide({ plan: plan(need('other', 'reader', false)), listed: [fic('by-hand', 'other', 'reader')] })
        .subjects[0]?.state,
    ).toBe('present');
  });

  it('stays within the limit of 20, counting credentials MIC did not create', () => {
    const listed = Array.from({ length: 19 }, (_, i) => fic(`other-${i}`, 'elsewhere', `sa${i}`));
    const d = decide({ plan: plan(need('app', 'a'), need('app', 'b')), listed });
    expect(d.subjects.map((s) => s.state)).toEqual(['create', 'limit']);
    expect(d.count).toBe(20);
  });

  it('deletes only ledgered credentials that no needed subject uses, first (so they free slots), and prunes gone ones', () => {
    const mine = fic('mine', 'app', 'old');
    const foreign = fic('foreign', 'app', 'gone');
    const kept = fic('kept', 'app', 'reader');
    const full = Array.from({ length: 17 }, (_, i) => fic(`f${i}`, 'elsewhere', `s${i}`));
    const d = decide({
      plan: plan(need('app', 'reader'), need('app', 'new')),
      listed: [mine, foreign, kept, ...full],
      ledger: new Set(['mine', 'kept', 'vanished']),
    });
    expect(d.remove).toEqual(['mine']);
    expect(d.prune).toEqual(['vanished']);
    expect(d.subjects.map((s) => s.state)).toEqual(['present', 'create']);
    expect(d.count).toBe(20);
  });

  it('an identity nobody needs any more: every ledgered credential goes, nothing else', () => {
    const d = decide({
      plan: plan(),
      listed: [fic('mine', 'app', 'a'), fic('theirs', 'app', 'b')],
      ledger: new Set(['mine']),
    });
    expect(d).toMatchObject({ subjects: [], create: [], remove: ['mine'], prune: [] });
  });
});
