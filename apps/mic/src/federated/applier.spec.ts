import {
  ArmError,
  type FederatedCredential,
  type FederatedCredentialPort,
  type IdentityRef,
} from '@pod-identity/azure-arm';
import type { AzureAssignedIdentity } from '@pod-identity/crd-types';
import { ManualClock } from '@pod-identity/platform';
import type { FederatedLedger } from '../kube/federated-ledger-store';
import type { ObjectRef } from '../plan/model';
import { FakeEvents, FakeWriter, silentLogger } from '../testing/fakes';
import { FederatedApplier, type FederatedApplierDeps } from './applier';
import { federatedCredentialName } from './credential-name';
import { federatedKey, type FederatedIdentityPlan, type FederatedSubjectNeed } from './model';

const ISSUER = 'https://oidc.example/cluster';
const ID =
  '/subscriptions/s/resourcegroups/ids/providers/microsoft.managedidentity/userassignedidentities/id1';
const COORDS = { subscriptionId: 's', resourceGroup: 'ids', name: 'id1' };
const AUD = ['api://AzureADTokenExchange'];

class FakeCredentials implements FederatedCredentialPort {
  readonly byIdentity = new Map<string, FederatedCredential[]>();
  readonly calls: string[] = [];
  readonly failures: ArmError[] = [];

  async list(identity: IdentityRef): Promise<FederatedCredential[]> {
    this.calls.push('list');
    const f = this.failures.shift();
    if (f) throw f;
    return [...(this.byIdentity.get(identity.name) ?? [])];
  }

  async put(identity: IdentityRef, credential: FederatedCredential): Promise<void> {
    this.calls.push(`put ${credential.name}`);
    this.byIdentity.set(identity.name, [
      ...(this.byIdentity.get(identity.name) ?? []).filter((c) => c.name !== credential.name),
      credential,
    ]);
  }

  async remove(identity: IdentityRef, name: string): Promise<void> {
    this.calls.push(`delete ${name}`);
    this.byIdentity.set(
      identity.name,
      (this.byIdentity.get(identity.name) ?? []).filter((c) => c.name !== name),
    );
  }
}

class MemoryLedger implements FederatedLedger {
  readonly data = new Map<string, Set<string>>();
  readonly writes: string[][] = [];

  async identities(): Promise<string[]> {
    return [...this.data.keys()];
  }

  async get(id: string): Promise<ReadonlySet<string>> {
    return new Set(this.data.get(id) ?? []);
  }

  async set(id: string, names: readonly string[]): Promise<void> {
    this.writes.push([...names].sort());
    if (names.length === 0) this.data.delete(id);
    else this.data.set(id, new Set(names));
  }
}

function need(
  serviceAccount: string,
  waits: { confirm?: ObjectRef[]; switching?: ObjectRef[]; namespace?: string; own?: boolean } = {},
): FederatedSubjectNeed {
  const namespace = waits.namespace ?? 'app';
  return {
    subject: `system:serviceaccount:${namespace}:${serviceAccount}`,
    namespace,
    serviceAccount,
    ownNamespace: waits.own ?? true,
    confirm: waits.confirm ?? [],
    switching: waits.switching ?? [],
  };
}

function plan(...subjects: FederatedSubjectNeed[]): FederatedIdentityPlan {
  return { identityId: ID, coordinates: COORDS, subjects };
}

const ref = (name: string): ObjectRef => ({ namespace: 'app', name });
const obj = (r: ObjectRef): AzureAssignedIdentity =>
  ({
    metadata: { namespace: r.namespace, name: r.name },
    spec: {},
    status: { status: 'Created' },
  }) as AzureAssignedIdentity;
const lookup = (r: ObjectRef): AzureAssignedIdentity => obj(r);

describe('FederatedApplier', () => {
  let clock: ManualClock;
  let arm: FakeCredentials;
  let ledger: MemoryLedger;
  let writer: FakeWriter;
  let events: FakeEvents;
  let wakes: string[];

  function applier(settings: Partial<FederatedApplierDeps['settings']> = {}): FederatedApplier {
    return new FederatedApplier({
      port: arm,
      ledger,
      writer,
      events,
      settings: { defaultBackend: 'VM', issuer: ISSUER, manage: true, settleMs: 0, ...settings },
      clock,
      logger: silentLogger,
      wake: (r) => wakes.push(r),
      concurrency: 2,
      retryBaseMs: 1000,
    });
  }

  async function run(a: FederatedApplier, plans: FederatedIdentityPlan[], drift = false): Promise<number> {
    const n = await a.apply(plans, lookup, drift);
    await a.idle();
    return n;
  }

  beforeEach(() => {
    clock = new ManualClock(1_700_000_000_000);
    arm = new FakeCredentials();
    ledger = new MemoryLedger();
    writer = new FakeWriter();
    events = new FakeEvents();
    wakes = [];
  });

  it('management on: records the name, creates the credential, marks the assignment Assigned, wakes the planner', async () => {
    const a = applier();
    expect(await run(a, [plan(need('reader', { confirm: [ref('web')] }))])).toBe(1);
    const name = federatedCredentialName(ISSUER, 'app', 'reader');
    expect(arm.calls).toEqual(['list', `put ${name}`]);
    expect(ledger.writes).toEqual([[name]]);
    expect(arm.byIdentity.get('id1')).toEqual([
      { name, issuer: ISSUER, subject: 'system:serviceaccount:app:reader', audiences: AUD },
    ]);
    expect(writer.statuses).toEqual([{ ref: ref('web'), update: { status: 'Assigned' } }]);
    expect(events.emitted).toEqual([
      expect.objectContaining({ severity: 'Normal', reason: 'IdentityAssigned' }),
    ]);
    expect(events.unflushed).toBe(0);
    expect(a.ready().has(federatedKey(ID, 'system:serviceaccount:app:reader'))).toBe(true);
    expect(wakes).toEqual([expect.stringContaining('in place')]);
  });

  it('nothing waiting and nothing owed: no ARM call at all (unless a drift check asks)', async () => {
    const a = applier();
    expect(await run(a, [plan(need('reader'))])).toBe(0);
    expect(arm.calls).toEqual([]);
    expect(await run(a, [plan(need('reader'))], true)).toBe(1);
    expect(arm.calls).toEqual(['list', `put ${federatedCredentialName(ISSUER, 'app', 'reader')}`]);
  });

  it('a new credential counts only after --federated-credential-settle', async () => {
    const a = applier({ settleMs: 10_000 });
    await run(a, [plan(need('reader', { confirm: [ref('web')] }))]);
    expect(writer.statuses).toEqual([]);
    expect(a.ready().size).toBe(0);
    await clock.advance(10_000);
    expect(a.ready().size).toBe(1);
    expect(wakes).toEqual([expect.stringContaining('settled')]);
    await run(a, [plan(need('reader', { confirm: [ref('web')] }))]);
    expect(writer.statuses).toEqual([{ ref: ref('web'), update: { status: 'Assigned' } }]);
    expect(arm.calls.filter((c) => c.startsWith('put'))).toHaveLength(1);
  });

  it('management off: says what is missing (status and one Event), creates nothing, looks again with backoff', async () => {
    const a = applier({ manage: false });
    await run(a, [plan(need('reader', { confirm: [ref('web')] }))]);
    expect(arm.calls).toEqual(['list']);
    expect(writer.statuses).toEqual([
      {
        ref: ref('web'),
        update: {
          status: 'Created',
          reason: 'FederatedCredentialMissing',
          message: expect.stringContaining('az identity federated-credential create'),
        },
      },
    ]);
    expect(events.emitted).toEqual([
      expect.objectContaining({ severity: 'Warning', reason: 'FederatedCredentialMissing' }),
    ]);
    expect(await run(a, [plan(need('reader', { confirm: [ref('web')] }))])).toBe(0); // backoff
    arm.byIdentity.set('id1', [
      { name: 'by-hand', issuer: ISSUER, subject: 'system:serviceaccount:app:reader', audiences: AUD },
    ]);
    await clock.advance(1000);
    await run(a, [plan(need('reader', { confirm: [ref('web')] }))]);
    expect(writer.statuses.at(-1)).toEqual({ ref: ref('web'), update: { status: 'Assigned' } });
    expect(events.emitted.filter((e) => e.severity === 'Warning')).toHaveLength(1);
  });

  it('never creates one for another namespace; stops at 20 with a clear status and Event', async () => {
    arm.byIdentity.set(
      'id1',
      Array.from({ length: 19 }, (_, i) => ({
        name: `other-${i}`,
        issuer: ISSUER,
        subject: `system:serviceaccount:x:s${i}`,
        audiences: AUD,
      })),
    );
    const a = applier();
    await run(a, [
      plan(
        need('a', { confirm: [ref('pa')] }),
        need('b', { confirm: [ref('pb')] }),
        need('c', { confirm: [ref('pc')], namespace: 'other', own: false }),
      ),
    ]);
    expect(arm.calls.filter((c) => c.startsWith('put'))).toEqual([
      `put ${federatedCredentialName(ISSUER, 'app', 'a')}`,
    ]);
    const reasons = Object.fromEntries(
      writer.statuses.map((s) => [s.ref.name, s.update.reason ?? s.update.status]),
    );
    expect(reasons).toEqual({
      pa: 'Assigned',
      pb: 'FederatedCredentialLimit',
      pc: 'FederatedSubjectOutsideNamespace',
    });
    expect(writer.statuses.find((s) => s.ref.name === 'pb')?.update.message).toContain(
      "has 20 federated identity credentials, Azure's limit is 20",
    );
  });

  it('deletes only credentials in its ledger once nobody needs them, also for identities no plan names any more', async () => {
    const mine = federatedCredentialName(ISSUER, 'app', 'old');
    arm.byIdentity.set('id1', [
      { name: mine, issuer: ISSUER, subject: 'system:serviceaccount:app:old', audiences: AUD },
      { name: 'not-mine', issuer: ISSUER, subject: 'system:serviceaccount:app:gone', audiences: AUD },
    ]);
    ledger.data.set(ID, new Set([mine, 'vanished']));
    const a = applier();
    expect(await run(a, [])).toBe(1);
    expect(arm.calls).toEqual(['list', `delete ${mine}`]);
    expect(arm.byIdentity.get('id1')?.map((c) => c.name)).toEqual(['not-mine']);
    expect(ledger.data.has(ID)).toBe(false);
  });

  it('switching assignments keep their status; a missing credential only gives them an Event', async () => {
    const a = applier({ manage: false });
    await run(a, [plan(need('reader', { switching: [ref('web')] }))]);
    expect(writer.statuses).toEqual([]);
    expect(events.emitted).toEqual([expect.objectContaining({ reason: 'FederatedCredentialMissing' })]);
  });

  it('without --oidc-issuer-url: no ARM call, the assignment says what to set', async () => {
    const a = applier({ issuer: undefined });
    await run(a, [plan(need('reader', { confirm: [ref('web')] }))]);
    expect(arm.calls).toEqual([]);
    expect(writer.statuses).toEqual([
      {
        ref: ref('web'),
        update: expect.objectContaining({
          reason: 'FederatedIssuerUnset',
          message: expect.stringContaining('--oidc-issuer-url'),
        }),
      },
    ]);
  });

  it('an ARM failure is reported with a hint and retried after Retry-After', async () => {
    arm.failures.push(
      new ArmError({
        kind: 'unauthorized',
        statusCode: 403,
        code: 'AuthorizationFailed',
        message: 'no read',
        identityIds: [],
        retryAfterMs: 5000,
      }),
    );
    const a = applier();
    await run(a, [plan(need('reader', { confirm: [ref('web')] }))]);
    expect(writer.statuses).toEqual([
      {
        ref: ref('web'),
        update: expect.objectContaining({
          status: 'Created',
          reason: 'AuthorizationFailed',
          message: expect.stringContaining('Managed Identity Contributor'),
        }),
      },
    ]);
    await clock.advance(4000);
    expect(await run(a, [plan(need('reader', { confirm: [ref('web')] }))])).toBe(0);
    await clock.advance(1000);
    expect(await run(a, [plan(need('reader', { confirm: [ref('web')] }))])).toBe(1);
    expect(writer.statuses.at(-1)?.update.status).toBe('Assigned');
  });
});
