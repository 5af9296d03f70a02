import { applySeed, scaleSetComputerName } from './seed';
import { SeedError } from './seed-check';
import { snapshotState } from './snapshot';
import { EmulatorState } from './store';
import { smallWorld, T_SUB } from '../testing/core';

const ctx = { defaultImdsListen: '127.0.0.1:0', defaultLocation: 'eastus', now: 0 };

describe('seeding', () => {
  it('builds nodes for VMs and scale-set instances with AKS names', () => {
    const state = new EmulatorState('t');
    applySeed(state, smallWorld(), ctx);
    expect(state.nodes().map((n) => `${n.name}|${n.computerName}`)).toEqual([
      'vm1|vm1',
      'vm2|vm2',
      'ss_0|ss000000',
      'ss_1|ss000001',
    ]);
    expect(scaleSetComputerName('aks-np-vmss', '10')).toBe('aks-np-vmss00000a');
    expect(state.findNode('SS000001')?.name).toBe('ss_1');
  });

  it('round-trips through a snapshot', () => {
    const state = new EmulatorState('t');
    applySeed(state, smallWorld(), ctx);
    const copy = new EmulatorState('t');
    applySeed(copy, JSON.parse(JSON.stringify(snapshotState(state))), ctx);
    expect(snapshotState(copy)).toEqual(snapshotState(state));
  });

  it('lists every problem of a bad seed', () => {
    const state = new EmulatorState('t');
    try {
      applySeed(state, { virtualMachines: [{ name: 'x' }], userAssignedIdentities: 'no' }, ctx);
      throw new Error('expected SeedError');
    } catch (err) {
      expect(err).toBeInstanceOf(SeedError);
      expect((err as SeedError).problems).toEqual([
        'userAssignedIdentities must be a list',
        'virtualMachines[0].subscription must be a non-empty string',
        'virtualMachines[0].resourceGroup must be a non-empty string',
      ]);
    }
  });

  it('refuses a VM that names an identity that is not seeded', () => {
    const state = new EmulatorState('t');
    expect(() =>
      applySeed(
        state,
        {
          virtualMachines: [
            { subscription: T_SUB, resourceGroup: 'rg', name: 'v', identity: { userAssigned: ['ghost'] } },
          ],
        },
        ctx,
      ),
    ).toThrow(/ghost/);
  });

  it('resolves role assignments given by client id to object ids, scoped case-insensitively', () => {
    const state = new EmulatorState('t');
    applySeed(state, smallWorld(), ctx);
    const id = `/subscriptions/${T_SUB}/resourcegroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/one`;
    expect(state.canAssign('sp-oid', id)).toBe(true);
    expect(state.canAssign('someone', id)).toBe(false);
  });
});
