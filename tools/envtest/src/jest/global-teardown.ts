import type { ControlPlane } from '../control-plane';
import { ENVTEST_KUBECONFIG } from './env';
import { globalHandleKey } from './global-setup';

/** Jest globalTeardown: stops the control plane that global-setup started (if it started one). */
export default async function globalTeardown(): Promise<void> {
  const store = globalThis as Record<string, unknown>;
  const plane = store[globalHandleKey] as ControlPlane | undefined;
  if (!plane) return;
  delete store[globalHandleKey];
  delete process.env[ENVTEST_KUBECONFIG];
  await plane.stop();
}
