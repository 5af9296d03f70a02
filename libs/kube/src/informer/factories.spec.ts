import type { V1Pod } from '@kubernetes/client-node';
import { podIps } from './factories';

describe('podIps', () => {
  it.each<[V1Pod['status'], string[]]>([
    [undefined, []],
    [{ podIP: '10.0.0.1' }, ['10.0.0.1']],
    [{ podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }] }, ['10.0.0.1', 'fd00::1']],
    [{ podIPs: [{ ip: 'fd00::1' }] }, ['fd00::1']],
  ])('%j -> %j', (status, ips) => {
    expect(podIps({ status })).toEqual(ips);
  });
});
