// Long-running operations of Compute writes: polled through the Azure-AsyncOperation URL.
import { randomUUID } from 'node:crypto';

export interface ArmOperation {
  readonly id: string;
  readonly resourceKey: string;
  readonly subscriptionId: string;
  readonly location: string;
  readonly startTime: number;
  readonly doneAt: number;
  readonly error?: { code: string; message: string };
}

export type OperationStatus = 'InProgress' | 'Succeeded' | 'Failed';

const KEEP = 10_000;

export class OperationStore {
  private readonly ops = new Map<string, ArmOperation>();

  create(input: Omit<ArmOperation, 'id'>): ArmOperation {
    const op: ArmOperation = { ...input, id: randomUUID() };
    this.ops.set(op.id, op);
    if (this.ops.size > KEEP) {
      const oldest = this.ops.keys().next().value;
      if (oldest !== undefined) this.ops.delete(oldest);
    }
    return op;
  }

  get(id: string): ArmOperation | undefined {
    return this.ops.get(id.toLowerCase()) ?? this.ops.get(id);
  }

  status(op: ArmOperation, now: number): OperationStatus {
    if (now < op.doneAt) return 'InProgress';
    return op.error ? 'Failed' : 'Succeeded';
  }

  /** The operation still running on a resource, if any. */
  inFlight(resourceKey: string, now: number): ArmOperation | undefined {
    for (const op of this.ops.values()) if (op.resourceKey === resourceKey && now < op.doneAt) return op;
    return undefined;
  }

  /** The Azure-AsyncOperation status body. */
  body(op: ArmOperation, now: number): Record<string, unknown> {
    const status = this.status(op, now);
    return {
      startTime: new Date(op.startTime).toISOString(),
      ...(status !== 'InProgress' ? { endTime: new Date(op.doneAt).toISOString() } : {}),
      status,
      name: op.id,
      ...(status === 'Failed' && op.error ? { error: op.error } : {}),
    };
  }
}
