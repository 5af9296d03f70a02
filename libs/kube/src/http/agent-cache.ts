// client-node's applyToHTTPSOptions builds a new https.Agent for every request, so every Kubernetes call
// paid a TCP connect, a TLS handshake and a new SecureContext (parsing the CA): about half of MIC's CPU
// in the benchmark, and native memory per call. This keeps one keep-alive agent per distinct TLS material
// and hands it out instead; rotated certificates or a new CA give a new agent (the old one is closed).
import { createHash } from 'node:crypto';
import https from 'node:https';

type TlsMaterial = https.AgentOptions & { readonly [key: string]: unknown };

const TLS_KEYS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

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

export class AgentCache {
  private current:
    { readonly fingerprint: string; readonly agent: https.Agent; readonly fresh: unknown } | undefined;

  /**
   * The shared keep-alive agent for what `fresh` would have connected with. Anything but a plain
   * https.Agent (proxies, http) is returned unchanged.
   */
  reuse<A>(fresh: A): A | https.Agent {
    if (!(fresh instanceof https.Agent) || fresh.constructor !== https.Agent) return fresh;
    // Our own credentials hand out one agent until their material changes: no need to hash it again.
    if (this.current?.fresh === fresh) return this.current.agent;
    const options = (fresh as https.Agent & { options: TlsMaterial }).options;
    const fingerprint = tlsFingerprint(options);
    if (this.current?.fingerprint === fingerprint) {
      this.current = { ...this.current, fresh };
      return this.current.agent;
    }
    this.current?.agent.destroy();
    const agent = new https.Agent({ ...options, keepAlive: true });
    this.current = { fingerprint, agent, fresh };
    return agent;
  }

  /** Closes the pooled connections. */
  close(): void {
    this.current?.agent.destroy();
    this.current = undefined;
  }
}
