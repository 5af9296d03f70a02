// `status` (pure): what the cluster holds and whether MIC and NMI are healthy, from one read of it.
import {
  BINDING_LABEL,
  validate,
  type NormalizedAzureAssignedIdentity,
  type NormalizedAzureIdentity,
  type NormalizedAzureIdentityBinding,
} from '@pod-identity/crd-types';
import type { LeaseFacts, NmiPodFacts, PodFacts } from '../facts/model';

export interface StatusFacts {
  readonly now: number;
  readonly identities: readonly NormalizedAzureIdentity[];
  readonly bindings: readonly NormalizedAzureIdentityBinding[];
  /** Pods carrying the aadpodidbinding label. */
  readonly pods: readonly PodFacts[];
  readonly assigned: readonly NormalizedAzureAssignedIdentity[];
  readonly lease?: LeaseFacts;
  readonly nmi: ReadonlyArray<NmiPodFacts & { readonly node: string }>;
}

export interface AssignmentProblem {
  readonly name: string;
  readonly pod: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

export interface StatusSummary {
  readonly apiVersion: 'pod-identity.cli/v1';
  readonly kind: 'Status';
  readonly healthy: boolean;
  readonly identities: { readonly total: number; readonly invalid: readonly string[] };
  readonly bindings: { readonly total: number };
  readonly pods: {
    readonly labelled: number;
    readonly withAssignment: number;
    readonly withoutAssignment: readonly string[];
  };
  readonly assignments: {
    readonly total: number;
    readonly assigned: number;
    readonly inError: readonly AssignmentProblem[];
  };
  readonly mic: { readonly leader?: string; readonly renewedSecondsAgo?: number; readonly healthy: boolean };
  readonly nmi: ReadonlyArray<{
    readonly node: string;
    readonly pod: string;
    readonly ready: boolean;
    readonly version: string;
  }>;
  /** Nodes whose assignments wait for ARM (status Created), with how many. */
  readonly pendingArm: ReadonlyArray<{ readonly node: string; readonly assignments: number }>;
}

const key = (o: { metadata?: { namespace?: string; name?: string } }): string =>
  `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

function micHealth(f: StatusFacts): StatusSummary['mic'] {
  const renewed = f.lease?.renewedMs ?? f.lease?.acquiredMs;
  const ago = renewed === undefined ? undefined : Math.round((f.now - renewed) / 1000);
  const healthy = !!f.lease?.holder && ago !== undefined && ago <= (f.lease.durationSeconds ?? 15);
  return { leader: f.lease?.holder, renewedSecondsAgo: ago, healthy };
}

function pendingByNode(assigned: readonly NormalizedAzureAssignedIdentity[]): StatusSummary['pendingArm'] {
  const counts = new Map<string, number>();
  for (const a of assigned)
    if ((a.status?.status || 'Created') === 'Created')
      counts.set(a.spec.nodename, (counts.get(a.spec.nodename) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([node, n]) => ({ node, assignments: n }));
}

export function summarize(f: StatusFacts): StatusSummary {
  const withAssignment = new Set(f.assigned.map((a) => `${a.spec.podNamespace}/${a.spec.pod}`));
  const labelled = f.pods.filter((p) => p.labels[BINDING_LABEL]);
  const inError = f.assigned
    .filter((a) => a.status?.status !== 'Assigned' && (a.status?.reason || a.status?.status === 'Unassigned'))
    .map((a) => ({
      name: key(a),
      pod: `${a.spec.podNamespace}/${a.spec.pod}`,
      status: a.status?.status || 'Created',
      reason: a.status?.reason,
      message: a.status?.message,
    }));
  const mic = micHealth(f);
  const nmi = f.nmi.map((n) => ({ node: n.node, pod: n.name, ready: n.ready, version: n.version }));
  const invalid = f.identities.filter((i) => !validate('AzureIdentity', i).valid).map(key);
  return {
    apiVersion: 'pod-identity.cli/v1',
    kind: 'Status',
    healthy: mic.healthy && nmi.every((n) => n.ready) && inError.length === 0 && invalid.length === 0,
    identities: { total: f.identities.length, invalid },
    bindings: { total: f.bindings.length },
    pods: {
      labelled: labelled.length,
      withAssignment: labelled.filter((p) => withAssignment.has(`${p.namespace}/${p.name}`)).length,
      withoutAssignment: labelled
        .filter((p) => !withAssignment.has(`${p.namespace}/${p.name}`))
        .map((p) => `${p.namespace}/${p.name}`),
    },
    assignments: {
      total: f.assigned.length,
      assigned: f.assigned.filter((a) => a.status?.status === 'Assigned').length,
      inError,
    },
    mic,
    nmi,
    pendingArm: pendingByNode(f.assigned),
  };
}

const mark = (ok: boolean): string => (ok ? '✔' : '✘');

/** One screen of text. */
export function renderStatus(s: StatusSummary): string {
  const lines = [
    `${mark(s.identities.invalid.length === 0)} identities  ${s.identities.total}${s.identities.invalid.length ? `, invalid: ${s.identities.invalid.join(', ')}` : ''}`,
    `  bindings    ${s.bindings.total}`,
    `${mark(s.pods.withoutAssignment.length === 0)} pods        ${s.pods.labelled} labelled, ${s.pods.withAssignment} with an assignment${s.pods.withoutAssignment.length ? `, without: ${s.pods.withoutAssignment.join(', ')}` : ''}`,
    `${mark(s.assignments.inError.length === 0)} assignments ${s.assignments.total}, ${s.assignments.assigned} Assigned, ${s.assignments.inError.length} in error`,
    ...s.assignments.inError.map(
      (e) =>
        `      ${e.name} (pod ${e.pod}): ${e.status}${e.reason ? ` ${e.reason}` : ''}${e.message ? `: ${e.message}` : ''}`,
    ),
    `${mark(s.mic.healthy)} MIC         ${s.mic.leader ? `leader ${s.mic.leader}, renewed ${s.mic.renewedSecondsAgo}s ago` : 'no leader'}`,
    `${mark(s.nmi.length > 0 && s.nmi.every((n) => n.ready))} NMI         ${s.nmi.length ? s.nmi.map((n) => `${n.node}: ${n.ready ? 'Ready' : 'not Ready'} (${n.version})`).join('; ') : 'no pods'}`,
    `${mark(s.pendingArm.length === 0)} ARM pending ${s.pendingArm.length ? s.pendingArm.map((p) => `${p.node}: ${p.assignments}`).join(', ') : 'none'}`,
  ];
  return `${lines.join('\n')}\n`;
}
