// A forwarder process, started inside a network namespace (`ip netns exec <ns> node forwarder.js …`).
// usage: forwarder [source:]<listen>=<target> ...
//   e.g. source:tcp:169.254.169.254:80=unix:/tmp/x/imds.sock tcp:127.0.0.1:6443=unix:/tmp/x/api.sock
// "source:" sends the caller's address ahead (PROXY v1). Prints "ready" once every listener is up.
import { formatEndpoint, parseEndpoint, startForwarder, type Forwarder } from '../forwarder';

interface Pair {
  readonly listen: string;
  readonly target: string;
  readonly sendSource: boolean;
}

function parsePair(arg: string): Pair {
  const sendSource = arg.startsWith('source:');
  const body = sendSource ? arg.slice('source:'.length) : arg;
  const [listen, target] = body.split('=');
  if (!listen || !target) throw new Error(`bad pair "${arg}": use [source:]<listen>=<target>`);
  return { listen, target, sendSource };
}

async function main(args: string[]): Promise<Forwarder[]> {
  if (args.length === 0)
    throw new Error('usage: forwarder [source:]<tcp:host:port|unix:path>=<tcp:host:port|unix:path> ...');
  const started: Forwarder[] = [];
  for (const pair of args.map(parsePair)) {
    const listen = parseEndpoint(pair.listen);
    const target = parseEndpoint(pair.target);
    started.push(await startForwarder(listen, target, { sendSource: pair.sendSource }));
    console.log(
      `forwarding ${formatEndpoint(listen)} -> ${formatEndpoint(target)}${pair.sendSource ? ' (with source)' : ''}`,
    );
  }
  console.log('ready');
  return started;
}

const stop = (): void => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
main(process.argv.slice(2)).catch((err: Error) => {
  console.error(`forwarder: ${err.message}`);
  process.exit(1);
});
