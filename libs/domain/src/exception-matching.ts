// AzurePodIdentityException: a pod is exempt from the identity check when any one of the exception's
// podLabels pairs is on the pod (key exactly, value case-insensitively), and only for exceptions in the
// pod's own namespace. The caller passes exceptions already normalised (no PascalCase fields).

export interface ExceptionLike {
  readonly metadata?: { readonly namespace?: string; readonly name?: string };
  readonly spec?: { readonly podLabels?: { readonly [key: string]: string | undefined } };
}

export interface LabelledPod {
  readonly namespace: string;
  readonly labels: { readonly [key: string]: string | undefined };
}

/** True when one pair of `podLabels` is on the pod: same key, value equal ignoring case. */
export function labelsMatchException(
  podLabels: { readonly [key: string]: string | undefined },
  exceptionLabels: { readonly [key: string]: string | undefined } | undefined,
): boolean {
  if (!exceptionLabels) return false;
  for (const [key, value] of Object.entries(exceptionLabels)) {
    const actual = podLabels[key];
    if (value === undefined || actual === undefined) continue;
    if (actual.toLowerCase() === value.toLowerCase()) return true;
  }
  return false;
}

/** The first exception (sorted by name) of the pod's namespace that matches the pod, if any. */
export function findPodException<E extends ExceptionLike>(
  pod: LabelledPod,
  exceptions: readonly E[],
): E | undefined {
  return exceptions
    .filter((e) => e.metadata?.namespace === pod.namespace)
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
    .find((e) => labelsMatchException(pod.labels, e.spec?.podLabels));
}
