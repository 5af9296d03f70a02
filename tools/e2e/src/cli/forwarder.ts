// A forwarder process, started inside a network namespace (`ip netns exec <ns> node forwarder.js …`).
// usage: forwarder [source:|accept-source:]<listen>=<target> ...
//   e.g. source:tcp:169.254.169.254:80=unix:/tmp/x/imds.sock tcp:127.0.0.1:6443=unix:/tmp/x/api.sock
// "source:" sends the caller's address ahead (PROXY v1); "accept-source:" takes it and connects to the
// target from the caller's loopback stand-in (forwarder.ts loopbackFor). Prints "ready" once every
// listener is up.
import { formatEndpoint, parseEndpoint, startForwarder, type Forwarder } from '../forwarder';

interface Pair {
  readonly listen: string;
  readonly target: string;
  readonly sendSource: boolean;
  readonly acceptSource: boolean;
}

function parsePair(arg: string): Pair {
  const sendSource = arg.startsWith('source:');
  const acceptSource = arg.startsWith('accept-source:');
  const body = arg.replace(/^(source|accept-source):/, '');
  const [listen, target] = body.split('=');
  if (!listen || !target) throw new Error(`bad pair "${arg}": use [source:|accept-source:]<listen>=<target>`);
  return { listen, target, sendSource, acceptSource };
}

async function main(args: string[]): Promise<Forwarder[]> {
  if (args.length === 0)
    throw new Error(
      'usage: forwarder [source:|accept-source:]<tcp:host:port|unix:path>=<tcp:host:port|unix:path> ...',
    );
  const started: Forwarder[] = [];
  for (const pair of args.map(parsePair)) {
    const listen = parseEndpoint(pair.listen);
    const target = parseEndpoint(pair.target);
    const { sendSource, acceptSource } = pair;
    started.push(await startForwarder(listen, target, { sendSource, acceptSource }));
    const note = sendSource ? ' (sends the source)' : acceptSource ? ' (takes the source)' : '';
    console.log(`forwarding ${formatEndpoint(listen)} -> ${formatEndpoint(target)}${note}`);
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
