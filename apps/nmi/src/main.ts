// Composition root of the NMI image: reads argv and the environment, runs the CLI, exits.
import { runNmi } from './cli';

const stopRequested = new Promise<string>((resolve) => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => resolve(sig));
});

runNmi({
  argv: process.argv.slice(2),
  env: process.env,
  version: process.env.POD_IDENTITY_VERSION ?? '0.0.0-dev',
  stopRequested,
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`nmi: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
