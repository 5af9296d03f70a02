// The federated backend (docs/adr/0010) on the local cluster, switched on the way an operator does it on
// AKS: the cluster's issuer registered with Entra ID (the emulator's; it cannot read the API server's
// discovery endpoints anonymously, so the discovery document and keys are given to it), MIC told the
// issuer and allowed to manage credentials, NMI told the tenant and the Entra authority with its CA
// (the ConfigMap pod-identity-local-cloud that MIC already mounts).
import { ControlClient } from '@pod-identity/azure-emulator';
import { trustServiceAccountIssuer } from '@pod-identity/envtest';
import { KubeConfig } from '@kubernetes/client-node';
import { IDENTITY_RG, identity, SUBSCRIPTION_ID, TENANT_ID } from '../world';
import { KUBECONFIG_PATH, PORTS, readState } from './layout';
import { HOST_IP } from './topology';
import { SYSTEM_NAMESPACE, LOCAL_CLOUD_CONFIGMAP } from './deploy';

export const FEDERATED_IDENTITY = identity(
  'fed-demo',
  '33333333-4444-4555-8666-777777777777',
  'cccccccc-dddd-4eee-8fff-000000000000',
);

const CLOUD_MOUNT = '/etc/pod-identity-cloud';

type Op = { op: 'add'; path: string; value: unknown };
const arg = (value: string): Op => ({ op: 'add', path: '/spec/template/spec/containers/0/args/-', value });

/** MIC's JSON patch (pure). */
export function micFederationPatch(issuer: string): Op[] {
  return [arg(`--oidc-issuer-url=${issuer}`), arg('--manage-federated-credentials')];
}

/** NMI's JSON patch (pure): tenant, authority and the CA it is signed with. */
export function nmiFederationPatch(): Op[] {
  return [
    arg(`--federated-tenant-id=${TENANT_ID}`),
    arg(`--default-ad-endpoint=https://${HOST_IP}:${PORTS.entra}/`),
    arg(`--authority-ca-file=${CLOUD_MOUNT}/ca.pem`),
    {
      op: 'add',
      path: '/spec/template/spec/containers/0/volumeMounts/-',
      value: { name: 'local-cloud', mountPath: CLOUD_MOUNT, readOnly: true },
    },
    {
      op: 'add',
      path: '/spec/template/spec/volumes/-',
      value: { name: 'local-cloud', configMap: { name: LOCAL_CLOUD_CONFIGMAP } },
    },
  ];
}

/** Registers the issuer and the federated identity with the emulator; returns the issuer URL. */
export async function trustClusterIssuer(): Promise<string> {
  const control = new ControlClient(readState()?.emulatorControl ?? '');
  const admin = new KubeConfig();
  admin.loadFromFile(KUBECONFIG_PATH);
  const issuer = await trustServiceAccountIssuer(admin, control);
  const fed = FEDERATED_IDENTITY;
  await control.seed({
    userAssignedIdentities: [
      {
        subscription: SUBSCRIPTION_ID,
        resourceGroup: IDENTITY_RG,
        name: fed.name,
        clientId: fed.clientId,
        principalId: fed.principalId,
      },
    ],
  });
  return issuer;
}

export const FEDERATION_TARGETS = {
  mic: `deployment/pod-identity-mic`,
  nmi: `daemonset/pod-identity-nmi`,
  namespace: SYSTEM_NAMESPACE,
} as const;
