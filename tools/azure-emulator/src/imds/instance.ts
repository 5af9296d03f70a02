// The /metadata/instance document for a simulated node (every primitive a string, as IMDS sends them).
import type { SimNode } from '../state/model';
import type { EmuResponse } from '../http/types';
import { IMDS_SERVER_HEADER } from './errors';

export const IMDS_NEWEST_VERSIONS = ['2025-04-07', '2024-07-17', '2024-03-15'];

function tagsOf(tags: Record<string, string>): { tags: string; tagsList: { name: string; value: string }[] } {
  const entries = Object.entries(tags);
  return {
    tags: entries.map(([k, v]) => `${k}:${v}`).join(';'),
    tagsList: entries.map(([name, value]) => ({ name, value })),
  };
}

export function instanceDocument(
  node: SimNode,
  subscriptionTenantCloud = 'AzurePublicCloud',
): Record<string, unknown> {
  const owner = node.owner;
  const isVmss = owner.kind === 'vmss';
  const vmSize = owner.kind === 'vm' ? owner.vmSize : owner.skuName;
  const zone = owner.kind === 'vm' ? owner.zone : (node.instance?.zone ?? '');
  const ip = node.network.privateIp;
  return {
    compute: {
      azEnvironment: subscriptionTenantCloud,
      location: owner.location,
      name: node.name,
      osProfile: {
        computerName: node.computerName,
        adminUsername: 'azureuser',
        disablePasswordAuthentication: 'true',
      },
      osType: 'Linux',
      provider: 'Microsoft.Compute',
      resourceGroupName: owner.resourceGroup,
      resourceId: node.resourceId,
      subscriptionId: owner.subscriptionId,
      vmId: node.vmId,
      vmScaleSetName: isVmss ? owner.name : '',
      vmSize,
      zone,
      ...tagsOf(owner.tags),
      ...(isVmss && owner.orchestrationMode === 'Flexible'
        ? { virtualMachineScaleSet: { id: owner.id } }
        : {}),
    },
    network: {
      interface: [
        {
          ipv4: {
            ipAddress: [{ privateIpAddress: ip, publicIpAddress: '' }],
            subnet: [{ address: ip.split('.').slice(0, 2).join('.') + '.0.0', prefix: '16' }],
          },
          ipv6: { ipAddress: [] },
          macAddress: '000D3A' + node.vmId.replace(/-/g, '').slice(0, 6).toUpperCase(),
        },
      ],
    },
  };
}

/** Walks `/metadata/instance/<a>/<b>`; leaves need format=text, subtrees are JSON. */
export function instanceResponse(doc: unknown, segments: string[], format: string | null): EmuResponse {
  let value: unknown = doc;
  for (const segment of segments) {
    if (Array.isArray(value) && /^\d+$/.test(segment)) value = value[Number(segment)];
    else if (typeof value === 'object' && value !== null) value = (value as Record<string, unknown>)[segment];
    else value = undefined;
    if (value === undefined) {
      return { status: 404, json: { error: 'Not found' }, headers: { ...IMDS_SERVER_HEADER } };
    }
  }
  const leaf = typeof value !== 'object' || value === null;
  if (leaf) {
    if (format !== 'text') {
      return {
        status: 400,
        json: { error: 'Bad request. Leaf nodes only support text format. Add format=text to the request.' },
        headers: { ...IMDS_SERVER_HEADER },
      };
    }
    return { status: 200, text: String(value), headers: { ...IMDS_SERVER_HEADER } };
  }
  if (format === 'text') {
    return {
      status: 400,
      json: { error: 'Bad request. Text format is only supported for leaf nodes.' },
      headers: { ...IMDS_SERVER_HEADER },
    };
  }
  return { status: 200, json: value, headers: { ...IMDS_SERVER_HEADER } };
}
