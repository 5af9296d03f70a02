// Finalizer edits as conditional merge patches: the patch carries the resourceVersion it was computed
// from, so a concurrent writer makes it fail with 409 and it is recomputed from a fresh read.
import { isConflict, isNotFound } from '../http/errors';

interface FinalizerTarget<O> {
  get(namespace: string, name: string): Promise<O>;
  mergePatch(namespace: string, name: string, patch: Record<string, unknown>): Promise<O>;
}

type WithMeta = { metadata?: { finalizers?: string[]; resourceVersion?: string } };

const MAX_ATTEMPTS = 5;
const RETRY = Symbol('retry');

/** Applies `change` to the finalizer list; undefined only when missingOk and the object is gone. */
export async function applyFinalizerChange<O extends WithMeta>(
  client: FinalizerTarget<O>,
  namespace: string,
  name: string,
  change: (finalizers: readonly string[]) => readonly string[],
  options: { missingOk?: boolean } = {},
): Promise<O | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await attemptOnce(client, namespace, name, change, attempt < MAX_ATTEMPTS);
      if (result !== RETRY) return result;
    } catch (err) {
      if (options.missingOk && isNotFound(err)) return undefined;
      throw err;
    }
  }
}

async function attemptOnce<O extends WithMeta>(
  client: FinalizerTarget<O>,
  namespace: string,
  name: string,
  change: (finalizers: readonly string[]) => readonly string[],
  mayRetry: boolean,
): Promise<O | typeof RETRY> {
  const current = await client.get(namespace, name);
  const before = current.metadata?.finalizers ?? [];
  const after = change(before);
  if (sameList(before, after)) return current;
  const patch = {
    metadata: {
      finalizers: after.length > 0 ? after : null,
      resourceVersion: current.metadata?.resourceVersion,
    },
  };
  try {
    return await client.mergePatch(namespace, name, patch);
  } catch (err) {
    if (mayRetry && isConflict(err)) return RETRY;
    throw err;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
