import { pollUntil } from '@pod-identity/platform';

/** Polls `condition` every 50 ms until it holds; fails naming `what` after timeoutMs (platform's pollUntil). */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  await pollUntil(what, condition, { timeoutMs });
}
