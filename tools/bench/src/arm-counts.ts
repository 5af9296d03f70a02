// ARM traffic from the emulator's counters: reads (GET / list of VMs and VMSS), write requests, accepted
// writes, long-running-operation polls and throttled answers. Pure.
import type { CountersSnapshot } from '@pod-identity/azure-emulator';

export interface ArmCounts {
  readonly reads: number;
  readonly writeRequests: number;
  readonly acceptedWrites: number;
  readonly polls: number;
  readonly throttled: number;
}

const POLL = 'arm:Microsoft.Compute/locations/operations/read';

export function armCounts(c: CountersSnapshot): ArmCounts {
  let reads = 0;
  let writeRequests = 0;
  let polls = 0;
  for (const [op, n] of Object.entries(c.requests)) {
    if (!op.startsWith('arm:Microsoft.Compute/')) continue;
    if (op === POLL) polls += n;
    else if (op.endsWith('/read') || op.endsWith('/list')) reads += n;
    else if (op.endsWith('/write')) writeRequests += n;
  }
  const acceptedWrites = Object.values(c.writes).reduce((a, b) => a + b, 0);
  return { reads, writeRequests, acceptedWrites, polls, throttled: c.throttled };
}
