// resourceVersions are opaque, but etcd-backed ones are integers: comparing them lets MIC tell whether
// its informer cache has caught up with its own writes.

/** True when `a` is known to be at least as new as `b`; false when either is not an integer. */
export function rvAtLeast(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) >= BigInt(b);
}
