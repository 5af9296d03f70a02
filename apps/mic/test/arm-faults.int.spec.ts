// Fault injection through the Azure emulator: ARM 5xx, 409, throttling with Retry-After, hung and dropped
// connections, slow long-running operations. For each fault a pod comes and goes while another pod keeps
// running. After each: the state converges (Assigned, then removed once the last pod is gone, within one
// bounded sync); the running pod's identity is never removed, not for one poll; the identity MIC did not
// add stays. Counts go to the security tally line. (429 Retry-After timing: faults.int.spec.ts.)
import { installCrds, testNamespace } from '@pod-identity/envtest';
import { Tally } from '@pod-identity/security-tests';
import type { FaultAction } from '@pod-identity/azure-emulator';
import type { MicHandle } from '../src/app';
import {
  baseSeed,
  createBinding,
  createIdentity,
  createNode,
  createPod,
  deletePod,
  eventually,
  identitiesOn,
  identityId,
  listAssigned,
  NODE_RG,
  seedIdentity,
  setupEnvironment,
  startMicFor,
  SUB,
  teardownEnvironment,
  uaiSpec,
  vmssId,
  type MicEnvironment,
} from './harness';

const ns = testNamespace('mic-arm-faults');
const tally = new Tally('mic-arm-faults');
const POOL = 'pool-f';
const KEEP = identityId('keep-id').toLowerCase();
const CHURN = identityId('churn-id').toLowerCase();
const FOREIGN = identityId('foreign-id').toLowerCase();

// Bound for each convergence step; it says "converges", not how fast (make bench measures that).
const CONVERGE_MS = 100_000;
// Seven faults in a row cost about 30 PATCHes on one VMSS: at the default per-VMSS budget (ARM's 4 a
// minute) the later cases would wait 15 s per write for the budget, not for the fault under test.
const BUDGET_FLAGS = ['--arm-target-writes-per-minute=120', '--arm-target-write-burst=40'];
const FAULTS: ReadonlyArray<[string, FaultAction | 'slow-lro', number]> = [
  ['500 on PATCH', { type: 'status', status: 500 }, 2],
  ['503 with Retry-After on PATCH', { type: 'status', status: 503, retryAfterSeconds: 1 }, 2],
  [
    '409 Conflict on PATCH',
    { type: 'status', status: 409, code: 'OperationNotAllowed', message: 'another operation is in progress' },
    2,
  ],
  ['429 with Retry-After on PATCH', { type: 'throttle', retryAfterSeconds: 1 }, 2],
  ['hung connection on PATCH (3 s, then reset)', { type: 'hang', ms: 3000 }, 1],
  ['dropped connection on PATCH', { type: 'drop' }, 2],
  ['slow long-running operation (2 s)', 'slow-lro', 0],
];

describe('MIC under injected ARM faults', () => {
  let env: MicEnvironment;
  let mic: MicHandle;
  let watcher: NodeJS.Timeout | undefined;
  const lost = { keep: 0, foreign: 0 };

  beforeAll(async () => {
    await installCrds(ns.kubeConfig);
    env = await setupEnvironment(
      ns.kubeConfig,
      ns.name,
      baseSeed({
        userAssignedIdentities: [
          seedIdentity('keep-id'),
          seedIdentity('churn-id'),
          seedIdentity('foreign-id'),
        ],
        virtualMachineScaleSets: [
          {
            subscription: SUB,
            resourceGroup: NODE_RG,
            name: POOL,
            instances: 2,
            identity: { userAssigned: [identityId('foreign-id')] },
          },
        ],
      }),
    );
    for (const i of [0, 1])
      await createNode(env, `${ns.name}-n${i}`, `azure://${vmssId(POOL)}/virtualMachines/${i}`);
    await createIdentity(env, 'keep-id', uaiSpec('keep-id'));
    await createIdentity(env, 'churn-id', uaiSpec('churn-id'));
    await createBinding(env, 'keep-binding', { azureIdentity: 'keep-id', selector: 'keep' });
    await createBinding(env, 'churn-binding', { azureIdentity: 'churn-id', selector: 'churn' });
    mic = await startMicFor(env, { flags: BUDGET_FLAGS });
    await eventually('MIC active', () => mic.isActive());
    await createPod(env, 'keeper', `${ns.name}-n0`, 'keep');
    await eventually(
      'keeper Assigned',
      async () => (await listAssigned(env)).find((a) => a.pod === 'keeper')?.status === 'Assigned',
    );
    // From now on the running pod's identity and the foreign one must be on the VMSS at every poll.
    watcher = setInterval(() => {
      const ids = identitiesOn(env, vmssId(POOL));
      if (!ids.includes(KEEP)) lost.keep++;
      if (!ids.includes(FOREIGN)) lost.foreign++;
    }, 50);
  });

  afterAll(async () => {
    if (watcher) clearInterval(watcher);
    await mic?.stop();
    await teardownEnvironment(env);
    tally.lost(lost.keep + lost.foreign);
    tally.print();
  });

  it.each(FAULTS.map(([name, action, times], i) => [name, action, times, i] as const))(
    '%s: converges, loses nothing',
    async (_name, action, times, i) => {
      let ruleId: string | undefined;
      if (action === 'slow-lro')
        await env.emulator.control.setOptions({ operationDurationMs: { vmss: 2000 } });
      else
        ruleId = (
          await env.emulator.control.addFault({
            match: { service: 'arm', method: 'PATCH', resource: POOL },
            action,
            times,
          })
        ).id;
      const pod = `churn-${i}`;
      let converged = false;
      try {
        await createPod(env, pod, `${ns.name}-n${i % 2}`, 'churn');
        await eventually(
          `${pod} Assigned`,
          async () => (await listAssigned(env)).find((a) => a.pod === pod)?.status === 'Assigned',
          CONVERGE_MS,
        );
        process.stdout.write(`[arm-faults] ${pod}: Assigned\n`);
        expect(identitiesOn(env, vmssId(POOL))).toContain(CHURN);
        await deletePod(env, pod);
        // Gone after its last pod, within one bounded sync (the fault may still be active).
        await eventually(
          `${pod} identity removed`,
          () => !identitiesOn(env, vmssId(POOL)).includes(CHURN),
          CONVERGE_MS,
        );
        converged = true;
      } finally {
        // A rule with `times` is gone once used up: removing it then is a 404, not an error.
        if (ruleId) await env.emulator.control.removeFault(ruleId).catch(() => undefined);
        if (!converged) await deletePod(env, pod).catch(() => undefined);
        if (action === 'slow-lro')
          await env.emulator.control.setOptions({ operationDurationMs: { vmss: 0 } });
      }
      const injected =
        action === 'slow-lro' ||
        (await env.emulator.control.requests(2000)).some((r) => r.service === 'arm' && r.method === 'PATCH');
      const safe = converged && lost.keep === 0 && lost.foreign === 0;
      tally.fault(injected && safe);
      expect(lost).toEqual({ keep: 0, foreign: 0 });
      expect(identitiesOn(env, vmssId(POOL))).toEqual(expect.arrayContaining([KEEP, FOREIGN]));
      await eventually(
        `${pod} object gone`,
        async () => (await listAssigned(env)).every((a) => a.pod !== pod),
        30_000,
      );
    },
    150_000,
  );
});
