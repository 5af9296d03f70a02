import { bridgeCommands, clusterNode, clusterNodes, inNode, nodeNetworkCommands } from './topology';

describe('local cluster topology', () => {
  const nodes = clusterNodes(2);

  it('names nodes after the VMSS instances and gives each its own address, pod range and provider id', () => {
    expect(nodes.map((n) => n.name)).toEqual([
      'aks-nodepool1-12345678-vmss000000',
      'aks-nodepool1-12345678-vmss000001',
    ]);
    expect(nodes.map((n) => n.ip)).toEqual(['10.250.0.10', '10.250.0.11']);
    expect(nodes.map((n) => n.podCidr)).toEqual(['10.244.0.0/24', '10.244.1.0/24']);
    expect(nodes[1].providerId).toMatch(
      /^azure:\/\/\/subscriptions\/.+\/virtualMachineScaleSets\/aks-nodepool1-12345678-vmss\/virtualMachines\/1$/,
    );
    for (const n of nodes) expect(n.hostVeth.length).toBeLessThanOrEqual(15);
  });

  it('creates the bridge with the control plane address', () => {
    expect(bridgeCommands()).toContainEqual(['ip', 'addr', 'add', '10.250.0.1/24', 'dev', 'pi-br0']);
  });

  it('gives a node the metadata address, a default route, routes to the other pod ranges, and the machine a route back', () => {
    const commands = nodeNetworkCommands(nodes[0], nodes);
    expect(commands).toContainEqual([
      'ip',
      '-n',
      'pi-node-0',
      'addr',
      'add',
      '169.254.169.254/32',
      'dev',
      'lo',
    ]);
    expect(commands).toContainEqual([
      'ip',
      '-n',
      'pi-node-0',
      'route',
      'add',
      'default',
      'via',
      '10.250.0.1',
    ]);
    expect(commands).toContainEqual([
      'ip',
      '-n',
      'pi-node-0',
      'route',
      'add',
      '10.244.1.0/24',
      'via',
      '10.250.0.11',
    ]);
    expect(commands).not.toContainEqual([
      'ip',
      '-n',
      'pi-node-0',
      'route',
      'add',
      '10.244.0.0/24',
      'via',
      '10.250.0.10',
    ]);
    expect(commands).toContainEqual([
      'ip',
      'route',
      'add',
      '10.244.0.0/24',
      'via',
      '10.250.0.10',
      'dev',
      'pi-br0',
    ]);
    // The namespace exists before anything is put in it.
    expect(commands[0]).toEqual(['ip', 'netns', 'add', 'pi-node-0']);
  });

  it('enters only the network namespace (nsenter), keeping the machine mount namespace for kubelet volumes', () => {
    expect(inNode(clusterNode(1), ['kubelet', '--v=1'])).toEqual([
      'nsenter',
      '--net=/var/run/netns/pi-node-1',
      '--',
      'kubelet',
      '--v=1',
    ]);
  });
});
