// client-node's applyToHTTPSOptions builds a new https.Agent for every request, so every Kubernetes call
// paid a TCP connect, a TLS handshake and a new SecureContext (parsing the CA): about half of MIC's CPU
// in the benchmark, and native memory per call. This keeps keep-alive agents per distinct TLS material
// and hands them out instead; rotated certificates or a new CA give new agents (the old ones are closed).
//
// Requests and watch streams get separate agents. Requests share a bounded pool: without a bound, a burst
// of writes opened a connection per concurrent request. Measured at 2,000 pods (make bench, case (b)):
// unbounded 7.1-7.4 s of MIC CPU and 129-138 MB peak RSS; 8 connections 4.3 s and 102 MB, with the API
// server and etcd using 16 s of CPU instead of 21 (docs/performance.md).
// Streams are not bounded: each watch holds its connection for as long as it runs, and a bound shared
// with requests could starve them.
import { createHash } from 'node:crypto';
import https from 'node:https';

type TlsMaterial = https.AgentOptions & { readonly [key: string]: unknown };

const TLS_KEYS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

export type AgentPurpose = 'request' | 'stream';

/** Connections for requests to one API server at most (watch streams not counted). */
export const DEFAULT_MAX_REQUEST_SOCKETS = 8;

/** A fingerprint of what makes two agents' TLS setups equal. */
export function tlsFingerprint(options: TlsMaterial): string {
  const hash = createHash('sha256');
  for (const key of TLS_KEYS) {
    const value = options[key];
    const parts = Array.isArray(value) ? value : [value];
    hash.update(`${key}:`);
    for (const part of parts)
      hash.update(part === undefined ? '-' : Buffer.isBuffer(part) ? part : String(part)).update(';');
  }
  return hash.digest('hex');
}

interface Held {
  readonly fingerprint: string;
  readonly agent: https.Agent;
  /** The agent the credentials last handed over, to skip the fingerprint when it is the same one. */
  readonly fresh: unknown;
}

export class AgentCache {
  private readonly held = new Map<AgentPurpose, Held>();

  constructor(private readonly maxRequestSockets = DEFAULT_MAX_REQUEST_SOCKETS) {
    if (!(Number.isInteger(maxRequestSockets) && maxRequestSockets >= 1)) {
      throw new RangeError(`maxRequestSockets must be an integer >= 1, got ${maxRequestSockets}`);
    }
  }

  /**
   * The shared keep-alive agent for what `fresh` would have connected with. Anything but a plain
   * https.Agent (proxies, http) is returned unchanged.
   */
  reuse<A>(fresh: A, purpose: AgentPurpose = 'request'): A | https.Agent {
    if (!(fresh instanceof https.Agent) || fresh.constructor !== https.Agent) return fresh;
    const held = this.held.get(purpose);
    // Our own credentials hand out one agent until their material changes: no need to hash it again.
    if (held?.fresh === fresh) return held.agent;
    const options = (fresh as https.Agent & { options: TlsMaterial }).options;
    const fingerprint = tlsFingerprint(options);
    if (held?.fingerprint === fingerprint) {
      this.held.set(purpose, { ...held, fresh });
      return held.agent;
    }
    held?.agent.destroy();
    const agent = new https.Agent({
      ...options,
      keepAlive: true,
      maxSockets: purpose === 'request' ? this.maxRequestSockets : Infinity,
    });
    this.held.set(purpose, { fingerprint, agent, fresh });
    return agent;
  }

  /** Closes the pooled connections. */
  close(): void {
    for (const held of this.held.values()) held.agent.destroy();
    this.held.clear();
  }
}
