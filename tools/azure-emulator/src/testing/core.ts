// An EmulatorCore without sockets, for handler-level unit tests.
import { OperationStore } from '../arm/operations';
import type { EmulatorCore } from '../core';
import { Counters } from '../counters';
import { IssuerKeys } from '../entra/issuer-keys';
import { FaultRules } from '../faults/rules';
import { Throttler } from '../faults/throttler';
import type { EmuRequest } from '../http/types';
import { ImdsLimiter } from '../imds/limiter';
import { defaultRuntimeOptions } from '../options';
import { applySeed } from '../state/seed';
import type { SeedDocument } from '../state/seed-types';
import { EmulatorState } from '../state/store';
import { TokenSigner } from '../tokens/signer';

export const T_TENANT = '11111111-0000-4000-8000-000000000001';
export const T_SUB = '22222222-0000-4000-8000-000000000002';

export function smallWorld(): SeedDocument {
  return {
    subscriptions: [{ id: T_SUB, resourceGroups: [{ name: 'rg', location: 'westeurope' }] }],
    userAssignedIdentities: [
      { subscription: T_SUB, resourceGroup: 'rg', name: 'one', clientId: 'c1', principalId: 'p1' },
      { subscription: T_SUB, resourceGroup: 'rg', name: 'two', clientId: 'c2', principalId: 'p2' },
    ],
    servicePrincipals: [{ clientId: 'sp', objectId: 'sp-oid', secret: 's3cret' }],
    roleAssignments: [{ principal: 'sp', scope: `/subscriptions/${T_SUB}` }],
    virtualMachines: [
      {
        subscription: T_SUB,
        resourceGroup: 'rg',
        name: 'vm1',
        identity: { userAssigned: ['one'] },
        node: { addresses: ['127.0.0.9'] },
      },
      { subscription: T_SUB, resourceGroup: 'rg', name: 'vm2', identity: { userAssigned: ['one', 'two'] } },
    ],
    virtualMachineScaleSets: [
      {
        subscription: T_SUB,
        resourceGroup: 'rg',
        name: 'ss',
        instances: 2,
        identity: { systemAssigned: true },
      },
    ],
  };
}

export interface TestCore extends EmulatorCore {
  /** Moves the core's clock. */
  advance(ms: number): void;
}

export async function testCore(seed: SeedDocument = smallWorld()): Promise<TestCore> {
  let time = Date.UTC(2030, 0, 1);
  const now = (): number => time;
  const state = new EmulatorState(T_TENANT);
  const options = defaultRuntimeOptions();
  const core: TestCore = {
    state,
    signer: await TokenSigner.create(),
    counters: new Counters(),
    faults: new FaultRules(() => 0),
    throttler: new Throttler(options.throttling, now),
    operations: new OperationStore(),
    imdsLimiter: new ImdsLimiter(),
    issuerKeys: new IssuerKeys(state, () => Promise.reject(new Error('no network in unit tests')), now),
    options,
    now,
    defaultImdsListen: null,
    defaultLocation: 'westeurope',
    advance: (ms) => {
      time += ms;
    },
  };
  applySeed(state, seed, { defaultImdsListen: null, defaultLocation: 'westeurope', now: time });
  return core;
}

export function request(partial: Partial<EmuRequest> & { path: string }): EmuRequest {
  const [path, query = ''] = partial.path.split('?');
  return {
    service: 'imds',
    method: 'GET',
    rawPath: path,
    headers: {},
    body: Buffer.alloc(0),
    remoteAddress: '127.0.0.1',
    origin: 'https://127.0.0.1:4443',
    ...partial,
    path: path.replace(/\/{2,}/g, '/'),
    query: partial.query ?? new URLSearchParams(query),
  };
}
