// The pure planner: snapshot → plan. Desired assignments are matched with existing objects by what they
// stand for (pod + identity), not by name, so a name fallback never causes churn. Identities are
// reference-counted per VM or per whole VMSS: one is released only when no assignment on any instance
// needs it, and the applier removes it only if MIC's ledger says MIC added it.
import { IDENTITY_TYPES, type AzureAssignedIdentity } from '@pod-identity/crd-types';
import {
  chooseAssignedIdentityName,
  IDENTITY_BACKEND_ANNOTATION,
  parseUserAssignedIdentityId,
} from '@pod-identity/domain';
import { buildAssignedObject, effectiveStatus } from './assigned-object';
import { cmp, desiredAssignments } from './desired';
import { FederatedAccumulator } from '../federated/accumulator';
import {
  federatedNeed,
  federatedReady,
  federatedStaysAssigned,
  isFederatedDesired,
  waitsForFederation,
} from '../federated/planning';
import {
  existingIdentityId,
  existingKey,
  existingResourceId,
  existingTarget,
  isFederated,
  isTerminating,
  objectRef,
  refKey,
} from './existing';
import type { CreateAction, DesiredAssignment, Plan, Snapshot, TargetRef, UpdateAction } from './model';
import { TargetAccumulator } from './target-accumulator';
import { formatTarget, TARGET_ANNOTATION } from './targets';

export interface PlanOptions {
  /** Include every target holding needed identities, so the applier re-adds identities stripped outside MIC. */
  readonly driftCheck?: boolean;
}

interface Work {
  readonly snapshot: Snapshot;
  readonly targets: TargetAccumulator;
  readonly federated: FederatedAccumulator;
  readonly creates: CreateAction[];
  readonly updates: UpdateAction[];
  readonly deletes: AzureAssignedIdentity[];
  readonly taken: Set<string>;
}

function sameVersion(
  embedded: { namespace?: string; name?: string; resourceVersion?: string } | undefined,
  live: { namespace?: string; name?: string; resourceVersion?: string } | undefined,
): boolean {
  return (
    embedded?.namespace === live?.namespace &&
    embedded?.name === live?.name &&
    embedded?.resourceVersion === live?.resourceVersion
  );
}

/** Whether the existing object already says what the desired assignment says. */
function upToDate(obj: AzureAssignedIdentity, d: DesiredAssignment): boolean {
  const meta = obj.metadata ?? {};
  const checks = [
    meta.namespace === d.namespace,
    obj.spec.nodename === d.nodeName,
    meta.labels?.nodename === d.nodeName,
    sameVersion(obj.spec.azureBindingRef?.metadata, d.binding.metadata),
    sameVersion(obj.spec.azureIdentityRef?.metadata, d.identity.metadata),
    meta.annotations?.[TARGET_ANNOTATION] === (d.target ? formatTarget(d.target) : undefined),
    isFederated(obj) === isFederatedDesired(d),
  ];
  return checks.every(Boolean);
}

/** Records the desired assignment's needs and, when not yet confirmed, asks for confirmation. */
function track(
  work: Work,
  d: DesiredAssignment,
  ref: { namespace: string; name: string },
  assigned: boolean,
): void {
  const federated = federatedNeed(d);
  if (federated) work.federated.need(federated, assigned ? {} : { confirm: ref });
  if (!d.target || !d.resourceId) return;
  work.targets.need(d.target, d.resourceId);
  if (!assigned) work.targets.confirm(d.target, ref, d.resourceId);
}

/** The old side of an existing object that goes away or changes: its identity may be released. */
function releaseOld(work: Work, obj: AzureAssignedIdentity, deleteObject: boolean): void {
  if (isFederated(obj)) work.federated.touch(existingIdentityId(obj));
  const resourceId = existingResourceId(obj);
  const target = resourceId ? existingTarget(obj, work.snapshot.nodes, work.snapshot.settings) : undefined;
  if (!resourceId || !target) {
    if (deleteObject) work.deletes.push(obj);
    return;
  }
  work.targets.releasable(target, resourceId);
  if (deleteObject) work.targets.release(target, obj, resourceId);
}

function create(work: Work, d: DesiredAssignment): void {
  const name = chooseAssignedIdentityName(d.key, (n) => work.taken.has(`${d.namespace}/${n}`));
  work.taken.add(`${d.namespace}/${name}`);
  const alreadyOn = knownOnTarget(work.snapshot, d);
  const immediate = d.identityType !== IDENTITY_TYPES.UserAssignedMSI || alreadyOn !== undefined;
  const ready = immediate || federatedReady(work.snapshot, d);
  const object = buildAssignedObject(d, name, ready ? 'Assigned' : 'Created');
  work.creates.push({ object, immediate, ...(alreadyOn ? { alreadyOn } : {}) });
  track(work, d, { namespace: d.namespace, name }, ready);
}

/** The target of a VM-backed assignment when ARM recently said its identity is already there. */
function knownOnTarget(snapshot: Snapshot, d: DesiredAssignment): TargetRef | undefined {
  if (d.identityType !== IDENTITY_TYPES.UserAssignedMSI || !d.target || !d.resourceId) return undefined;
  if (isFederatedDesired(d)) return undefined;
  return snapshot.knownPresent?.get(d.target.key)?.has(d.resourceId) ? d.target : undefined;
}

/** The desired content under the existing object's identity (name, uid, resourceVersion, finalizers). */
function updatedObject(
  obj: AzureAssignedIdentity,
  d: DesiredAssignment,
  assigned: boolean,
): AzureAssignedIdentity {
  const meta = obj.metadata ?? {};
  const fresh = buildAssignedObject(d, meta.name ?? '', assigned ? 'Assigned' : 'Created');
  const annotations = fresh.metadata?.annotations ?? withoutBackend(meta.annotations);
  return {
    ...fresh,
    metadata: {
      ...meta,
      ...fresh.metadata,
      annotations,
      finalizers: meta.finalizers ?? fresh.metadata?.finalizers,
    },
  };
}

/** An object that is no longer federated must not keep saying so (NMI reads the annotation). */
function withoutBackend(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations || !(IDENTITY_BACKEND_ANNOTATION in annotations)) return annotations;
  const { [IDENTITY_BACKEND_ANNOTATION]: _gone, ...rest } = annotations;
  return rest;
}

/** VM → federated before the credential is in place: the object and its VM identity stay as they are. */
function keepServingFromVm(work: Work, obj: AzureAssignedIdentity, d: DesiredAssignment): void {
  const resourceId = existingResourceId(obj);
  const target = existingTarget(obj, work.snapshot.nodes, work.snapshot.settings);
  if (resourceId && target) work.targets.need(target, resourceId);
  const federated = federatedNeed(d);
  if (federated) work.federated.need(federated, { switching: objectRef(obj) });
}

function update(work: Work, obj: AzureAssignedIdentity, d: DesiredAssignment): void {
  if (waitsForFederation(work.snapshot, obj, d)) return keepServingFromVm(work, obj, d);
  const sameTarget = existingTarget(obj, work.snapshot.nodes, work.snapshot.settings)?.key === d.target?.key;
  const samePlace = sameTarget && existingResourceId(obj) === d.resourceId;
  const keepAssigned =
    d.identityType !== IDENTITY_TYPES.UserAssignedMSI ||
    federatedStaysAssigned(work.snapshot, obj, d) ||
    (effectiveStatus(obj) === 'Assigned' && samePlace && !isFederatedDesired(d));
  work.updates.push({ previous: obj, object: updatedObject(obj, d, keepAssigned) });
  if (!samePlace) releaseOld(work, obj, false);
  track(work, d, objectRef(obj), keepAssigned);
}

function reconcile(work: Work, d: DesiredAssignment, existing: AzureAssignedIdentity[]): void {
  const live = existing.filter((o) => !isTerminating(o) && o.metadata?.namespace === d.namespace);
  const keep = live[0];
  for (const other of existing) {
    if (other === keep) continue;
    // Terminating copies are finalized; they hold no identity the desired one does not also need.
    if (isTerminating(other)) work.deletes.push(other);
    else releaseOld(work, other, true);
  }
  if (keep) {
    if (upToDate(keep, d))
      track(
        work,
        d,
        objectRef(keep),
        effectiveStatus(keep) === 'Assigned' || d.identityType !== IDENTITY_TYPES.UserAssignedMSI,
      );
    else update(work, keep, d);
    return;
  }
  // A terminating object still holds the name: wait until it is gone, then create.
  if (existing.some((o) => isTerminating(o) && o.metadata?.namespace === d.namespace)) {
    if (d.target && d.resourceId) work.targets.need(d.target, d.resourceId);
    const federated = federatedNeed(d);
    if (federated) work.federated.need(federated);
    return;
  }
  create(work, d);
}

function groupExisting(assigned: readonly AzureAssignedIdentity[]): {
  byKey: Map<string, AzureAssignedIdentity[]>;
  orphans: AzureAssignedIdentity[];
} {
  const byKey = new Map<string, AzureAssignedIdentity[]>();
  const orphans: AzureAssignedIdentity[] = [];
  const sorted = [...assigned].sort((a, b) => cmp(refKey(objectRef(a)), refKey(objectRef(b))));
  for (const obj of sorted) {
    const key = existingKey(obj);
    const list = key === undefined ? undefined : byKey.get(key);
    if (key === undefined) orphans.push(obj);
    else if (list) list.push(obj);
    else byKey.set(key, [obj]);
  }
  return { byKey, orphans };
}

function clientIdIndex(snapshot: Snapshot): Map<string, string> {
  const out = new Map<string, string>();
  const add = (resourceID?: string, clientID?: string): void => {
    const id = parseUserAssignedIdentityId(resourceID)?.canonical;
    if (id && clientID) out.set(id, clientID);
  };
  for (const obj of snapshot.assigned)
    add(obj.spec?.azureIdentityRef?.spec.resourceID, obj.spec?.azureIdentityRef?.spec.clientID);
  for (const i of snapshot.identities) add(i.spec.resourceID, i.spec.clientID);
  return out;
}

export function planSync(snapshot: Snapshot, options: PlanOptions = {}): Plan {
  const { desired, warnings } = desiredAssignments(snapshot);
  const { byKey, orphans } = groupExisting(snapshot.assigned);
  const work: Work = {
    snapshot,
    targets: new TargetAccumulator(),
    federated: new FederatedAccumulator(),
    creates: [],
    updates: [],
    deletes: [],
    taken: new Set(snapshot.assigned.map((o) => refKey(objectRef(o)))),
  };
  const desiredKeys = new Set(desired.map((d) => d.keyString));
  for (const d of desired) reconcile(work, d, byKey.get(d.keyString) ?? []);
  for (const [key, objs] of byKey) {
    if (desiredKeys.has(key)) continue;
    for (const obj of objs) releaseOld(work, obj, true);
  }
  for (const obj of orphans) releaseOld(work, obj, true);
  for (const owed of snapshot.owedReleases) work.targets.releasable(owed.target, owed.resourceId);
  // Deleting an object whose identity is still needed on its target needs no ARM call.
  work.deletes.push(...work.targets.takeNeededReleases());
  return {
    creates: work.creates,
    updates: work.updates,
    deletes: work.deletes,
    targets: work.targets.plans(clientIdIndex(snapshot), options.driftCheck ?? false),
    warnings,
    desiredCount: desired.length,
    federated: work.federated.plans(),
  };
}
