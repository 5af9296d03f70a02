import { cleanupOrder } from './cleanup';
import { decodeClaims, redactToken, redactTokenResponse } from './claims';
import { micArgs, nmiArgs } from './components';
import { formatEndpoint, loopbackFor, parseEndpoint, parseProxyHeader, proxyHeader } from './forwarder';
import { nodeSideArgs } from './bridges';
import { curlArgv, parseCurlOutput, tokenPath } from './pod-requests';
import { parseLine } from './process';
import { lastLeaderEvent } from './system';
import { formatTable, shortAge } from './table';
import {
  inNamespace,
  nodeSetupCommands,
  podIp,
  podNamespace,
  podSetupCommands,
  teardownCommands,
} from './topology';
import { azureJson, providerIdOf, worldSeed } from './world';

const jwt = (payload: object): string =>
  ['{"alg":"none"}', JSON.stringify(payload)].map((p) => Buffer.from(p).toString('base64url')).join('.') +
  '.sig';

describe('topology', () => {
  const node = { id: 'ab1', subnet: '10.244.3' };
  it('puts the metadata address on the node loopback and enables route_localnet', () => {
    const commands = nodeSetupCommands(node).map((c) => c.join(' '));
    expect(commands).toContain('ip -n pi-node-ab1 addr add 169.254.169.254/32 dev lo');
    expect(commands).toContain('ip netns exec pi-node-ab1 sysctl -qw net.ipv4.conf.all.route_localnet=1');
  });
  it('joins a pod by a veth pair with a /32 route and a default route via the gateway', () => {
    const commands = podSetupCommands(node, { index: 1 }).map((c) => c.join(' '));
    expect(podIp(node, { index: 1 })).toBe('10.244.3.3');
    expect(commands).toContain('ip -n pi-node-ab1 route add 10.244.3.3/32 dev pvab11h');
    expect(commands).toContain('ip -n pi-pod-ab1-1 route add default via 10.244.3.1 dev pvab11p');
    // interface names stay within the kernel's 15 characters
    for (const c of commands)
      for (const word of c.split(' ')) if (word.startsWith('pv')) expect(word.length).toBeLessThanOrEqual(15);
  });
  it('tears down pods before the node', () => {
    expect(teardownCommands(node, [{ index: 0 }]).map((c) => c[3])).toEqual([
      podNamespace(node, { index: 0 }),
      'pi-node-ab1',
    ]);
    expect(inNamespace('x', ['curl'])).toEqual(['ip', 'netns', 'exec', 'x', 'curl']);
  });
});

describe('forwarder framing', () => {
  it.each([
    ['10.244.0.5', '127.244.0.5'],
    ['::ffff:10.244.1.7', '127.244.1.7'],
    ['169.254.169.254', '127.0.0.1'],
    ['127.0.0.1', '127.0.0.1'],
    [undefined, '127.0.0.1'],
    ['fe80::1', '127.0.0.1'],
  ])('caller %s is seen as %s', (source, expected) => {
    expect(loopbackFor(source)).toBe(expected);
  });
  it('writes and reads a PROXY v1 line', () => {
    const line = proxyHeader({
      remoteAddress: '::ffff:10.244.0.5',
      remotePort: 40000,
      localAddress: '169.254.169.254',
      localPort: 80,
    });
    expect(line).toBe('PROXY TCP4 10.244.0.5 169.254.169.254 40000 80\r\n');
    expect(parseProxyHeader(line.trimEnd())).toBe('10.244.0.5');
    expect(parseProxyHeader('GET / HTTP/1.1')).toBeUndefined();
    expect(parseProxyHeader('PROXY UNKNOWN')).toBeUndefined();
  });
  it('parses and prints endpoints', () => {
    expect(parseEndpoint('tcp:169.254.169.254:80')).toEqual({
      kind: 'tcp',
      host: '169.254.169.254',
      port: 80,
    });
    expect(parseEndpoint('tcp:[::1]:80')).toEqual({ kind: 'tcp', host: '::1', port: 80 });
    expect(formatEndpoint(parseEndpoint('unix:/tmp/a.sock'))).toBe('unix:/tmp/a.sock');
    expect(() => parseEndpoint('localhost:80')).toThrow('bad endpoint');
    expect(nodeSideArgs(6443, '/s/api', '/s/imds')).toEqual([
      'tcp:127.0.0.1:6443=unix:/s/api',
      'source:tcp:169.254.169.254:80=unix:/s/imds',
    ]);
  });
});

describe('command lines', () => {
  it('MIC: as deploy/base (namespaced), with loopback probes and fast polling', () => {
    const args = micArgs({
      kubeconfig: 'k',
      cloudconfig: 'c',
      namespace: 'ns',
      instance: 'mic-0',
      leaseDuration: '3s',
    });
    expect(args).toEqual(
      expect.arrayContaining([
        '--forceNamespaced=true',
        '--leader-election-instance=mic-0',
        '--pod-namespace=ns',
        '--bind-address=127.0.0.1',
      ]),
    );
    expect(
      micArgs({
        kubeconfig: 'k',
        cloudconfig: 'c',
        namespace: 'ns',
        instance: 'm',
        leaseDuration: '3s',
        forceNamespaced: false,
      }),
    ).toContain('--forceNamespaced=false');
  });
  it('NMI: default ports in a namespace; its own port and no iptables on loopback', () => {
    expect(nmiArgs({ node: 'n', kubeconfig: 'k', placement: { kind: 'netns' } })).toContain(
      '--http-probe-port=8085',
    );
    const loopback = nmiArgs({
      node: 'n',
      kubeconfig: 'k',
      placement: { kind: 'loopback', port: 3000, imdsHost: '127.0.0.1', imdsPort: 4000 },
    });
    expect(loopback).toEqual(
      expect.arrayContaining([
        '--manage-iptables=false',
        '--nmi-port=3000',
        '--metadata-ip=127.0.0.1',
        '--metadata-port=4000',
      ]),
    );
  });
  it('curl in the pod, and its output split into body and status', () => {
    expect(curlArgv('https://vault.azure.net').pop()).toBe(
      `http://169.254.169.254${tokenPath('https://vault.azure.net')}`,
    );
    expect(parseCurlOutput('{"a":1}\n200')).toEqual({ status: 200, body: '{"a":1}' });
  });
});

describe('display', () => {
  it('decodes claims and never shows the token', () => {
    const token = jwt({ aud: 'https://vault.azure.net', oid: 'x' });
    expect(decodeClaims(token)).toEqual({ aud: 'https://vault.azure.net', oid: 'x' });
    expect(() => decodeClaims('abc')).toThrow('not a JWT');
    expect(redactToken(token)).not.toContain(token.slice(10));
    expect(redactTokenResponse({ access_token: token, resource: 'r' }).access_token).toMatch(
      /…\(\d+ chars\)$/,
    );
  });
  it('prints a Table like kubectl', () => {
    const table = {
      columnDefinitions: [
        { name: 'Name', type: 'string' },
        { name: 'Status', type: 'string' },
        { name: 'Hidden', type: 'string', priority: 1 },
        { name: 'Age', type: 'date' },
      ],
      rows: [
        { cells: ['demo-app-default-demo-app', 'Assigned', 'x', '2026-01-01T00:00:00Z'] },
        { cells: ['b', null, 'y', '5s'] },
      ],
    };
    expect(formatTable(table, Date.parse('2026-01-01T00:00:42Z')).split('\n')).toEqual([
      'NAME                        STATUS     AGE',
      'demo-app-default-demo-app   Assigned   42s',
      'b                           <none>     5s',
    ]);
    expect(formatTable({ columnDefinitions: [], rows: [] })).toBe('No resources found.');
    expect([shortAge(5000), shortAge(185_000), shortAge(3_600_000 * 5)]).toEqual(['5s', '3m5s', '5h']);
  });
});

describe('processes and world', () => {
  it('cleans up processes first, then namespaces, then directories', () => {
    const order = cleanupOrder([
      { kind: 'dir', path: '/tmp/x' },
      { kind: 'netns', name: 'pi-node-a0' },
      { kind: 'process', pid: 1, match: 'nmi' },
    ]);
    expect(order.map((r) => r.kind)).toEqual(['process', 'netns', 'dir']);
  });
  it('parses JSON log lines and keeps other output as messages', () => {
    expect(parseLine('{"msg":"nmi started","port":2579}')).toEqual({ msg: 'nmi started', port: 2579 });
    expect(parseLine('ready')).toEqual({ msg: 'ready' });
  });
  it('tells the last leader event', () => {
    expect(lastLeaderEvent([{ msg: 'became leader' }, { msg: 'stopped leading' }])).toBe('stopped leading');
    expect(lastLeaderEvent([{ msg: 'starting' }])).toBeUndefined();
  });
  it('seeds one scale set instance per node and gives MIC the roles to assign', () => {
    const seed = worldSeed(2);
    expect(seed.virtualMachineScaleSets?.[0].instances).toBe(2);
    expect(seed.roleAssignments?.map((r) => r.role)).toContain('Managed Identity Operator');
    expect(providerIdOf(1)).toMatch(
      /^azure:\/\/\/subscriptions\/.+\/virtualMachineScaleSets\/aks-nodepool1-12345678-vmss\/virtualMachines\/1$/,
    );
    expect(azureJson().cloud).toBe('AzureStackCloud');
  });
});
