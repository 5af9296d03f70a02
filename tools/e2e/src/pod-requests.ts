// A pod's token request to http://169.254.169.254/metadata/identity/oauth2/token, two ways:
// - netns: curl inside the pod's network namespace (the request is DNATed to NMI by NMI's rules);
// - loopback: from the pod's own 127.x address to its node's NMI port (what the DNAT would produce).
// Both retry a 503 (NMI's "not ready yet" answer) a few times, as SDKs do; everything is bounded.
import { request } from 'node:http';
import type { NodeNetwork } from './network';
import { METADATA_IP } from './topology';

export interface TokenResponse {
  readonly status: number;
  readonly body: string;
}

export const tokenPath = (resource: string): string =>
  `/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(resource)}`;

/** The curl command a user would type in the pod (`-w` appends the status on a line of its own). */
export function curlArgv(resource: string): string[] {
  return [
    'curl',
    '-sS',
    '--max-time',
    '10',
    '--retry',
    '5',
    '--retry-delay',
    '1',
    '-H',
    'Metadata:true',
    '-w',
    '\\n%{http_code}',
    `http://${METADATA_IP}${tokenPath(resource)}`,
  ];
}

export function parseCurlOutput(stdout: string): TokenResponse {
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1).trim()), body: stdout.slice(0, cut) };
}

export async function curlInPod(
  network: NodeNetwork,
  podNamespace: string,
  resource: string,
): Promise<TokenResponse> {
  const { stdout } = await network.exec(podNamespace, curlArgv(resource), 30_000);
  return parseCurlOutput(stdout);
}

function getOnce(
  port: number,
  localAddress: string,
  resource: string,
): Promise<TokenResponse & { retryAfter?: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        localAddress,
        path: tokenPath(resource),
        headers: { Host: METADATA_IP, Metadata: 'true' },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            retryAfter: Number(res.headers['retry-after'] ?? 1),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** From the pod's loopback address to its node's NMI; 503 retried up to 5 times (Retry-After, at most 2 s). */
export async function requestFromLoopback(
  nmiPort: number,
  podIp: string,
  resource: string,
): Promise<TokenResponse> {
  for (let attempt = 1; ; attempt++) {
    const res = await getOnce(nmiPort, podIp, resource);
    if (res.status !== 503 || attempt >= 6) return { status: res.status, body: res.body };
    await new Promise((r) => setTimeout(r, Math.min(2, res.retryAfter ?? 1) * 1000));
  }
}
