// One ARM call, timed and reported to the observer, its failure classified into an ArmError.
import { ArmError, classifyArmError } from './errors';
import type { ArmCallObserver, ArmOperation } from './types';

export async function observedArmCall<T>(
  op: ArmOperation,
  observer: ArmCallObserver | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  try {
    const result = await fn();
    observer?.(op, 200, Date.now() - started);
    return result;
  } catch (err) {
    const classified = classifyArmError(err);
    observer?.(op, classified.statusCode ?? 0, Date.now() - started);
    throw new ArmError(classified, { cause: err });
  }
}
