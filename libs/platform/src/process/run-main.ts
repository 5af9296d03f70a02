// The body of both apps' main.ts: hand argv, the environment, the version and a "stop requested"
// promise (SIGTERM/SIGINT) to the app's CLI, then exit with what it returns. The only code that
// reads process.argv and process.env.

export interface MainInput {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly version: string;
  /** Resolves with the signal's name when the process is asked to stop. */
  readonly stopRequested: Promise<string>;
}

export function runMain(program: string, cli: (input: MainInput) => Promise<number>): void {
  const stopRequested = new Promise<string>((resolve) => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => resolve(sig));
  });
  cli({
    argv: process.argv.slice(2),
    env: process.env,
    // Put in by the bundler (tools/scripts/bundle.mjs) from package.json; "0.0.0-dev" from source.
    version: process.env.POD_IDENTITY_VERSION ?? '0.0.0-dev',
    stopRequested,
  }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(
        `${program}: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
