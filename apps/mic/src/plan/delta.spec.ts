import { toIdentityState } from '@pod-identity/azure-arm';
import { uai } from '../testing/fixtures';
import { decideDelta, type DeltaInput } from './delta';

const state = (ids: Record<string, string>) =>
  toIdentityState({
    type: 'UserAssigned',
    userAssignedIdentities: Object.fromEntries(
      Object.entries(ids).map(([id, clientId]) => [id, { clientId }]),
    ),
  });

const input = (over: Partial<DeltaInput>): DeltaInput => ({
  needed: [],
  releasable: [],
  current: state({}),
  ledger: new Set(),
  immutable: { clientIds: new Set() },
  clientIds: new Map(),
  ...over,
});

describe('decideDelta', () => {
  it('adds only what is missing and records it ahead in the ledger', () => {
    const d = decideDelta(input({ needed: [uai('a'), uai('b')], current: state({ [uai('a')]: 'ca' }) }));
    expect(d.add).toEqual([uai('b')]);
    expect(d.ledgerBefore).toEqual([uai('b')]);
    expect(d.ledgerAfter).toEqual([uai('b')]);
  });

  it('never records a pre-existing identity as its own, so never removes it', () => {
    const present = state({ [uai('pre')]: 'cp' });
    const first = decideDelta(input({ needed: [uai('pre')], current: present }));
    expect(first).toMatchObject({ add: [], ledgerBefore: [] });
    const later = decideDelta(
      input({ releasable: [uai('pre')], current: present, ledger: new Set(first.ledgerAfter) }),
    );
    expect(later.remove).toEqual([]);
    expect(later.kept).toEqual([{ id: uai('pre'), reason: 'not-added-by-mic' }]);
  });

  it('removes what MIC added once released', () => {
    const d = decideDelta(
      input({ releasable: [uai('a')], current: state({ [uai('a')]: 'ca' }), ledger: new Set([uai('a')]) }),
    );
    expect(d.remove).toEqual([uai('a')]);
    expect(d.ledgerBefore).toEqual([uai('a')]);
    expect(d.ledgerAfter).toEqual([]);
  });

  it('keeps immutable identities by the client id of the AzureIdentity or of the VM', () => {
    const current = state({ [uai('a')]: 'CA', [uai('b')]: 'cb' });
    const d = decideDelta(
      input({
        releasable: [uai('a'), uai('b')],
        current,
        ledger: new Set([uai('a'), uai('b')]),
        immutable: { clientIds: new Set(['ca', 'xb']) },
        clientIds: new Map([[uai('b'), 'XB']]),
      }),
    );
    expect(d.remove).toEqual([]);
    expect(d.kept.map((k) => k.reason)).toEqual(['immutable', 'immutable']);
  });

  it('does not remove what is still needed, nor what is absent', () => {
    const d = decideDelta(
      input({
        needed: [uai('a')],
        releasable: [uai('a'), uai('gone')],
        current: state({ [uai('a')]: 'c' }),
        ledger: new Set([uai('a'), uai('gone')]),
      }),
    );
    expect(d).toMatchObject({ add: [], remove: [] });
    expect(d.ledgerAfter).toEqual([uai('a')]);
  });

  it('leaves identities ARM refused out of the next attempt', () => {
    const d = decideDelta(input({ needed: [uai('bad'), uai('good')], excluded: new Set([uai('bad')]) }));
    expect(d.add).toEqual([uai('good')]);
  });
});
