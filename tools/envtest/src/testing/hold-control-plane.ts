// Test fixture: starts a control plane, prints {pids, workDir} as one JSON line, then idles until killed.
// harness.int.spec.ts kills it (SIGTERM, SIGKILL) to prove nothing is left behind.
import { startControlPlane } from '../control-plane';

async function main(): Promise<void> {
  const plane = await startControlPlane();
  process.stdout.write(`${JSON.stringify({ pids: plane.pids(), workDir: plane.workDir })}\n`);
  setInterval(() => undefined, 60_000);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
