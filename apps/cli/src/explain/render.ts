// `explain` output: one line per check (✔/✘, the link, what was found), the fix under a failed one; or the
// stable JSON document of -o json (README: "Output").
import type { Check } from './check';

export interface Explanation {
  readonly apiVersion: 'pod-identity.cli/v1';
  readonly kind: 'PodExplanation';
  readonly pod: { readonly namespace: string; readonly name: string };
  /** Every check passed: the pod should get a token. */
  readonly shouldGetToken: boolean;
  readonly checks: readonly Check[];
}

export function explanation(pod: { namespace: string; name: string }, checks: readonly Check[]): Explanation {
  return {
    apiVersion: 'pod-identity.cli/v1',
    kind: 'PodExplanation',
    pod,
    shouldGetToken: checks.every((c) => c.ok),
    checks,
  };
}

export function renderExplanation(e: Explanation): string {
  const width = Math.max(...e.checks.map((c) => c.title.length));
  const lines = [`pod ${e.pod.namespace}/${e.pod.name}`];
  for (const c of e.checks) {
    lines.push(`${c.ok ? '✔' : '✘'} ${c.title.padEnd(width)}  ${c.detail}`);
    if (!c.ok && c.fix) lines.push(`  ${' '.repeat(width)}  → ${c.fix}`);
  }
  lines.push(
    e.shouldGetToken ? 'the pod should get a token' : 'the pod gets no token until the ✘ lines are fixed',
  );
  return `${lines.join('\n')}\n`;
}
