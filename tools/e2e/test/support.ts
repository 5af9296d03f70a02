// Shared pieces of the e2e specs: the root check, the identity objects, bounded polling.
import { bindingLabels, exampleManifests } from '../src/cluster';
import { isRoot } from '../src/network';
import type { NodeNetwork } from '../src/network';
import type { PodIdentitySystem, SimNode } from '../src/system';
import { APP_IDENTITY } from '../src/world';
import { pollUntil } from '@pod-identity/platform';

export const RESOURCE = 'https://vault.azure.net';
export const SELECTOR = 'app-a';

/** Fails (never skips): this tier is wired into `make test` only for root. */
export function requireRoot(): void {
  if (!isRoot()) {
    throw new Error(
      `the e2e tier (tools/e2e/jest.e2e.config.cjs) needs root for network namespaces and iptables; running as uid ${process.getuid?.() ?? '?'}`,
    );
  }
}

/** The README example (identity + binding with SELECTOR) in `namespace`. */
export async function applyIdentity(system: PodIdentitySystem, namespace: string): Promise<void> {
  for (const m of exampleManifests(
    APP_IDENTITY.name,
    APP_IDENTITY.resourceId,
    APP_IDENTITY.clientId,
    SELECTOR,
  )) {
    await system.cluster.createCustom(namespace, m);
  }
}

export const labelled = (): Record<string, string> => bindingLabels(SELECTOR);

/** Polls `check` every 100 ms until it returns true; fails after timeoutMs naming `what`. */
export async function eventually(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
): Promise<void> {
  await pollUntil(what, check, { timeoutMs, intervalMs: 100 });
}

export interface PodClientToken {
  readonly ok: boolean;
  readonly attempts: number;
  readonly claims?: Record<string, unknown>;
  readonly error?: string;
}

export interface PodClientPoll {
  readonly tally: Record<string, number>;
}

/** The node's network (netns mode only). */
export function networkOf(node: SimNode): NodeNetwork {
  if (!node.network) throw new Error(`node ${node.name} has no network namespace`);
  return node.network;
}

/** A value that must be there (instead of a non-null assertion). */
export function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`missing: ${what}`);
  return value;
}
