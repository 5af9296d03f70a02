// NMI's iptables code against the real iptables (1.8.9) in a throwaway network namespace: the rules
// it installs, idempotence, that a stopped or restarted agent leaves them in place, that tampering is
// repaired, and that only the explicit uninstall removes them. Root only (apps/nmi/jest.netns.config.cjs).
import { Writable } from 'node:stream';
import { createLogger, createMetricsRegistry, type Logger, systemClock } from '@pod-identity/platform';
import { loadConfig, type NmiConfig } from '../../src/config/config';
import { createNmiMetrics } from '../../src/ops/metrics';
import { InterceptionLoop, interceptionManager } from '../../src/node-net/interception';
import { CHAIN } from '../../src/node-net/rules';
import { NetNs, netnsExists, requireRoot } from '../support/netns';

const JUMP = `-A PREROUTING -j ${CHAIN}`;
const DNAT = `-A ${CHAIN} ! -s 127.0.0.1/32 -d 169.254.169.254/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 127.0.0.1:2579`;
const RETURN = `-A ${CHAIN} -j RETURN`;

const netns = new NetNs();

function config(extra: readonly string[] = []): NmiConfig {
  const result = loadConfig(
    ['--node=netns-node', '--set-route-localnet=false', '--ipt-update-interval-sec=3600', ...extra],
    {},
  );
  if (result.kind !== 'run') throw new Error('unexpected config result');
  return result.config;
}

function quietLogger(lines: string[]): Logger {
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return createLogger({ name: 'nmi', level: 'debug', destination });
}

/** What NMI owns in the nat table, in listing order. */
async function ours(): Promise<string[]> {
  return (await netns.natRules()).filter((r) => r.includes(CHAIN));
}

beforeAll(async () => {
  requireRoot();
  await netns.create();
});

afterAll(async () => {
  await netns.delete();
  expect(await netnsExists(netns.name)).toBe(false);
});

describe('iptables in a network namespace', () => {
  it('starts from a namespace without our chain', async () => {
    expect(await ours()).toEqual([]);
  });

  it('installs the jump and the chain', async () => {
    const manager = interceptionManager(config(), netns.run);
    expect(await manager.reconcile()).toBe('repaired');
    expect(await ours()).toEqual([`-N ${CHAIN}`, JUMP, DNAT, RETURN]);
  });

  it('is idempotent: applying again changes nothing', async () => {
    const before = await netns.natRules();
    const manager = interceptionManager(config(), netns.run);
    expect(await manager.reconcile()).toBe('unchanged');
    expect(await manager.reconcile()).toBe('unchanged');
    expect(await netns.natRules()).toEqual(before);
  });

  it('a stopped agent and a restarted one (new instances) leave the rules as they are', async () => {
    const before = await netns.natRules();
    const logs: string[] = [];
    const first = new InterceptionLoop({
      config: config(),
      manager: interceptionManager(config(), netns.run),
      clock: systemClock,
      logger: quietLogger(logs),
      metrics: createNmiMetrics(createMetricsRegistry()),
    });
    await first.start();
    expect(first.inPlace()).toBe(true);
    await first.close();
    expect(await netns.natRules()).toEqual(before);
    const second = new InterceptionLoop({
      config: config(),
      manager: interceptionManager(config(), netns.run),
      clock: systemClock,
      logger: quietLogger(logs),
      metrics: createNmiMetrics(createMetricsRegistry()),
    });
    await second.start();
    await second.close();
    expect(await netns.natRules()).toEqual(before);
    expect(logs.join('')).not.toContain('repaired');
  });

  it('repairs a tampered chain and a missing jump', async () => {
    await netns.iptables(['-t', 'nat', '-D', CHAIN, '-j', 'RETURN']);
    await netns.iptables(['-t', 'nat', '-A', CHAIN, '-j', 'ACCEPT']);
    await netns.iptables(['-t', 'nat', '-D', 'PREROUTING', '-j', CHAIN]);
    const manager = interceptionManager(config(), netns.run);
    expect(await manager.reconcile()).toBe('repaired');
    expect(await ours()).toEqual([`-N ${CHAIN}`, JUMP, DNAT, RETURN]);
  });

  it('follows a new port: the DNAT target is rewritten, the jump is kept once', async () => {
    const manager = interceptionManager(config(['--nmi-port=3579']), netns.run);
    expect(await manager.reconcile()).toBe('repaired');
    const rules = await ours();
    expect(rules.filter((r) => r === JUMP)).toHaveLength(1);
    expect(rules).toContain(DNAT.replace(':2579', ':3579'));
    expect(await interceptionManager(config(), netns.run).reconcile()).toBe('repaired');
  });

  it('only the explicit uninstall removes them, and a second uninstall is a no-op', async () => {
    const manager = interceptionManager(config(), netns.run);
    await manager.uninstall();
    expect(await ours()).toEqual([]);
    await manager.uninstall();
    expect(await ours()).toEqual([]);
  });

  it('puts the jump first in PREROUTING, ahead of rules already there', async () => {
    await netns.iptables(['-t', 'nat', '-A', 'PREROUTING', '-p', 'udp', '--dport', '53', '-j', 'RETURN']);
    const manager = interceptionManager(config(), netns.run);
    expect(await manager.reconcile()).toBe('repaired');
    const prerouting = (await netns.natRules()).filter((r) => r.startsWith('-A PREROUTING'));
    expect(prerouting[0]).toBe(JUMP);
    expect(prerouting).toHaveLength(2);
    await manager.uninstall();
    expect((await netns.natRules()).filter((r) => r.startsWith('-A PREROUTING'))).toHaveLength(1);
  });
});
