// Runs the emulator standalone: `npx tsx --tsconfig tools/azure-emulator/tsconfig.json tools/azure-emulator/src/cli.ts --seed world.yaml`
// (the tsconfig carries the workspace aliases, e.g. @pod-identity/platform).
import { parseArgs } from 'node:util';
import { startAzureEmulator } from './emulator';
import { formatRequestLine } from './log-format';
import { realisticRuntimeOptions, type RuntimeOptionsPatch } from './options';

const HELP = `azure-emulator: local IMDS, Entra ID and ARM (Compute + Managed Identity) for pod identity tests

options:
  --seed <file>            JSON or YAML seed (subscriptions, identities, principals, VMs, scale sets)
  --state-dir <dir>        keeps the CA, server certificate, signing key, cloud.json, emulator.env
                           (default .local/azure-emulator)
  --arm <host:port>        ARM listener (https)            default 127.0.0.1:8443
  --entra <host:port>      Entra ID listener (https)       default 127.0.0.1:8444
  --imds <host:port>       shared IMDS listener (http), callers mapped by source address; "none" to disable
                           default 127.0.0.1:8080
  --node-imds <host:port>  default per-node IMDS listener ("none" = shared only) default 127.0.0.1:0
  --control <host:port>    control API (http)              default 127.0.0.1:8445
  --tenant <id>            default tenant id
  --san <name>             extra certificate name (repeatable)
  --realistic              Azure-like timings, throttling and IMDS limits
  --time-scale <x>         multiply all durations (e.g. 0.01)
  --quiet                  no request log
  -h, --help`;

function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      'state-dir': { type: 'string', default: '.local/azure-emulator' },
      arm: { type: 'string', default: '127.0.0.1:8443' },
      entra: { type: 'string', default: '127.0.0.1:8444' },
      imds: { type: 'string', default: '127.0.0.1:8080' },
      'node-imds': { type: 'string', default: '127.0.0.1:0' },
      control: { type: 'string', default: '127.0.0.1:8445' },
      tenant: { type: 'string' },
      san: { type: 'string', multiple: true },
      realistic: { type: 'boolean', default: false },
      'time-scale': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return Promise.resolve();
  }
  const timeScale = values['time-scale'] ? Number(values['time-scale']) : undefined;
  const runtime: RuntimeOptionsPatch = values.realistic
    ? realisticRuntimeOptions(timeScale ?? 1)
    : timeScale !== undefined
      ? { timeScale }
      : {};
  const none = (v: string | undefined): string | null | undefined => (v === 'none' ? null : v);
  return startAzureEmulator({
    seed: values.seed,
    tenantId: values.tenant,
    stateDir: values['state-dir'],
    listen: { arm: values.arm, entra: values.entra, control: values.control },
    sharedImdsListen: none(values.imds),
    defaultNodeImdsListen: none(values['node-imds']),
    subjectAltNames: values.san,
    runtime,
    onRequest: values.quiet ? undefined : (e) => console.log(formatRequestLine(e)),
  }).then((emulator) => {
    console.log(`ARM           ${emulator.urls.arm}`);
    console.log(`Entra ID      ${emulator.urls.authorityHost}   (tenant ${emulator.tenantId})`);
    console.log(`IMDS (shared) ${emulator.urls.imds ?? 'disabled'}`);
    console.log(`control       ${emulator.urls.control}`);
    console.log(`CA            ${emulator.ca.path}`);
    console.log(`cloud env     ${emulator.cloudEnvironmentPath}`);
    console.log(
      `env file      ${emulator.envFilePath}   (source it: NODE_EXTRA_CA_CERTS, AZURE_AUTHORITY_HOST, ...)`,
    );
    for (const node of emulator.nodes()) {
      console.log(`node          ${node.name} (${node.computerName}) IMDS ${node.imdsUrl ?? 'shared only'}`);
    }
    const stop = (): void => {
      emulator.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

main().catch((err: unknown) => {
  console.error(`azure-emulator: ${(err as Error).message}`);
  process.exit(1);
});
