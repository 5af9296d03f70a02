// The MIC and NMI links of the chain (pure): who leads MIC and what it last said about the pod, and
// whether NMI runs Ready on the pod's node.
import type { ExplainFacts, PodFacts } from '../facts/model';
import { age, fail, pass, type Check } from './check';

export const MIC_LEASE = 'aad-pod-identity-mic';

export function micCheck(facts: ExplainFacts): Check {
  const { mic, now } = facts;
  const lease = mic.lease;
  const last = mic.events[0];
  const said = last ? `; last said ${last.reason} about ${last.object} ${age(now - last.atMs)} ago` : '';
  if (!lease?.holder) {
    return fail(
      'mic',
      'MIC',
      `no leader (Lease ${MIC_LEASE} ${lease ? 'has no holder' : 'not found'} in ${mic.namespace})${said}`,
      `start MIC: kubectl -n ${mic.namespace} get deployment pod-identity-mic, then its pods' logs`,
    );
  }
  const renewed = lease.renewedMs ?? lease.acquiredMs ?? 0;
  const durationMs = (lease.durationSeconds ?? 15) * 1000;
  if (now - renewed > durationMs) {
    return fail(
      'mic',
      'MIC',
      `leader ${lease.holder} stopped renewing ${age(now - renewed)} ago${said}`,
      `MIC's leader is gone or stuck: kubectl -n ${mic.namespace} logs deployment/pod-identity-mic`,
    );
  }
  const since = lease.acquiredMs ? ` for ${age(now - lease.acquiredMs)}` : '';
  return pass('mic', 'MIC', `leader ${lease.holder}${since}${said}`);
}

export function nmiCheck(pod: PodFacts, facts: ExplainFacts): Check {
  const nmi = facts.nmi;
  const node = pod.nodeName ?? '(no node)';
  if (!nmi)
    return fail(
      'nmi',
      'NMI',
      `no NMI pod on ${node}`,
      `NMI's DaemonSet must run on every node that runs such pods: kubectl -n ${facts.mic.namespace} get daemonset pod-identity-nmi (taints, nodeSelector)`,
    );
  if (!nmi.ready)
    return fail(
      'nmi',
      'NMI',
      `${nmi.name} on ${node} is not Ready (version ${nmi.version})`,
      `kubectl -n ${facts.mic.namespace} logs ${nmi.name}: it is Ready once its watches synced and its iptables rules are in place`,
    );
  return pass('nmi', 'NMI', `${nmi.name} Ready on ${node}, version ${nmi.version}`);
}
