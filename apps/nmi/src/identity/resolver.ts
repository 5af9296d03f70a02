// Who is calling and which identity they get, with the two bounded waits: a short one for the pod
// informer to catch up with a new pod's IP, and a short one for a pending assignment to turn Assigned.
// Both wake on informer events, never poll, and give up at their bound.
import type { IdentityRequest } from '@pod-identity/domain';
import { NmiError } from '../errors';
import type { ChangeSignal } from '../util/change-signal';
import type { Clock } from '../util/clock';
import { type Choice, type ChoicePolicy, chooseIdentity } from './choose';
import type { Grant, PodInfo } from './model';
import type { PodIndex } from './pod-index';

export interface GrantSource {
  grantsFor(pod: PodInfo): Grant[];
  readonly changed: ChangeSignal;
}

export interface ResolverOptions {
  readonly podLookupWaitMs: number;
  readonly assignmentWaitMs: number;
}

export type WaitOutcome = 'none' | 'became-ready' | 'timed-out';

export interface ResolverDeps {
  readonly pods: PodIndex;
  readonly grants: GrantSource;
  readonly clock: Clock;
  readonly policy: ChoicePolicy;
  readonly options: ResolverOptions;
  /** Told how each bounded wait for an assignment ended (a metric). */
  readonly onWait?: (outcome: WaitOutcome) => void;
}

export class Resolver {
  private readonly pods: PodIndex;
  private readonly grants: GrantSource;
  private readonly clock: Clock;
  private readonly policy: ChoicePolicy;
  private readonly options: ResolverOptions;
  private readonly onWait: (outcome: WaitOutcome) => void;

  constructor(deps: ResolverDeps) {
    this.pods = deps.pods;
    this.grants = deps.grants;
    this.clock = deps.clock;
    this.policy = deps.policy;
    this.options = deps.options;
    this.onWait = deps.onWait ?? (() => undefined);
  }

  /** The one live pod with this IP; errors for none or several after the bounded wait. */
  async podForIp(ip: string, signal?: AbortSignal): Promise<PodInfo> {
    const deadline = this.clock.now() + this.options.podLookupWaitMs;
    for (;;) {
      const pods = this.pods.podsWithIp(ip);
      if (pods.length === 1) return pods[0];
      const left = deadline - this.clock.now();
      if (left <= 0 || signal?.aborted) throw podLookupError(ip, pods);
      await this.pods.changed.wait(left, this.clock, signal);
    }
  }

  /** A pod of this node by name (for /host/token). */
  podOnNode(namespace: string, name: string): PodInfo | undefined {
    return this.pods.podByName(namespace, name);
  }

  /** The identity choice; a pending choice is re-evaluated on every change until the wait bound. */
  async choose(pod: PodInfo, request: IdentityRequest, signal?: AbortSignal): Promise<Choice> {
    const deadline = this.clock.now() + this.options.assignmentWaitMs;
    let waited = false;
    for (;;) {
      const current = this.pods.podByName(pod.namespace, pod.name) ?? pod;
      const choice = chooseIdentity(
        { pod: current, grants: this.grants.grantsFor(current), request, nowMs: this.clock.now() },
        this.policy,
      );
      const left = deadline - this.clock.now();
      if (choice.kind !== 'pending' || left <= 0 || signal?.aborted) {
        if (waited) this.onWait(choice.kind === 'pending' ? 'timed-out' : 'became-ready');
        return choice;
      }
      waited = true;
      await this.grants.changed.wait(left, this.clock, signal);
    }
  }
}

function podLookupError(ip: string, pods: readonly PodInfo[]): NmiError {
  if (pods.length === 0) return new NmiError('caller-unknown', `no pod on this node has IP ${ip}`);

  return new NmiError('caller-ambiguous', `IP ${ip} belongs to ${pods.length} live pods; refusing to guess`);
}
