// ManagedIdentityCredential on the standalone VM's node, plus IMDS wire details with plain HTTP.
import { request as httpRequest } from 'node:http';
import { ManagedIdentityCredential } from '@azure/identity';
import { type AzureEmulator, startAzureEmulator } from '../src';
import {
  clearAzureEnv,
  decodeClaims,
  ids,
  NODE_RG,
  SUB,
  testWorld,
  uamiId,
  VM,
  VM_MULTI,
  vmId,
} from './world';

const ARM_SCOPE = 'https://management.azure.com/.default';
let emulator: AzureEmulator;
let imds: string;

beforeAll(async () => {
  clearAzureEnv();
  emulator = await startAzureEmulator({ seed: testWorld() });
  imds = emulator.imdsUrl(VM);
  // msal-node reads this once per module registry (= per jest test file).
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = imds;
});

afterAll(async () => {
  delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
  await emulator?.stop();
});

describe('ManagedIdentityCredential against the VM node', () => {
  it('gets the system-assigned identity when no id is given', async () => {
    const token = await new ManagedIdentityCredential().getToken(ARM_SCOPE);
    const claims = decodeClaims(token.token);
    expect(claims.xms_mirid).toBe(vmId);
    expect(claims.aud).toBe('https://management.azure.com');
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 60 * 60 * 1000);
  });

  it('gets a user-assigned identity of its VM by object id', async () => {
    const token = await new ManagedIdentityCredential({ objectId: ids.appA.principalId }).getToken(
      'https://vault.azure.net/.default',
    );
    const claims = decodeClaims(token.token);
    expect(claims.oid).toBe(ids.appA.principalId);
    expect(claims.appid).toBe(ids.appA.clientId);
    expect(claims.xms_mirid).toBe(uamiId('app-a'));
  });

  it('is refused an identity that belongs to another VM', async () => {
    const credential = new ManagedIdentityCredential({ clientId: ids.kubelet.clientId });
    await expect(credential.getToken(ARM_SCOPE)).rejects.toThrow(/Identity not found/);
  });
});

describe('IMDS wire details', () => {
  const tokenPath = '/metadata/identity/oauth2/token';
  const query = `api-version=2018-02-01&resource=${encodeURIComponent('https://management.azure.com')}`;
  const get = (path: string, headers: Record<string, string> = { Metadata: 'true' }): Promise<Response> =>
    fetch(`${imds}${path}`, { headers, signal: AbortSignal.timeout(10_000) });

  it('answers the probe (no Metadata header, no query) with 400 JSON', async () => {
    const res = await get(tokenPath, { Accept: 'application/json' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Required metadata header not specified',
    });
  });

  it('rejects X-Forwarded-For and a Metadata header other than "true"', async () => {
    expect(
      (await get(`${tokenPath}?${query}`, { Metadata: 'true', 'X-Forwarded-For': '10.0.0.1' })).status,
    ).toBe(400);
    expect((await get(`${tokenPath}?${query}`, { Metadata: 'True' })).status).toBe(400);
  });

  it('returns string fields and echoes the resource byte for byte', async () => {
    const res = await get(`//METADATA/identity/oauth2/token/?${query}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.resource).toBe('https://management.azure.com');
    for (const field of [
      'access_token',
      'client_id',
      'expires_in',
      'expires_on',
      'ext_expires_in',
      'not_before',
      'resource',
      'token_type',
    ]) {
      expect(typeof body[field]).toBe('string');
    }
  });

  it('names missing parameters and duplicate ones', async () => {
    const missing = await get(`${tokenPath}?api-version=2018-02-01`);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error_description: string }).error_description).toMatch(/resource/);
    const dup = await get(`${tokenPath}?${query}&resource=x`);
    expect(dup.status).toBe(400);
  });

  it('accepts msi_res_id and mi_res_id case-insensitively', async () => {
    for (const param of ['msi_res_id', 'mi_res_id']) {
      const res = await get(
        `${tokenPath}?${query}&${param}=${encodeURIComponent(uamiId('app-a').toLowerCase())}`,
      );
      expect(res.status).toBe(200);
    }
  });

  it('answers "Multiple user assigned identities" on a VM with several and no system identity', async () => {
    const res = await fetch(`${emulator.imdsUrl(VM_MULTI)}${tokenPath}?${query}`, {
      headers: { Metadata: 'true' },
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_description: string }).error_description).toMatch(
      /^Multiple user assigned identities exist/,
    );
  });

  it('serves instance metadata with leaf filtering', async () => {
    const doc = await get('/metadata/instance?api-version=2021-10-01');
    expect(doc.status).toBe(200);
    const compute = ((await doc.json()) as { compute: Record<string, unknown> }).compute;
    expect(compute).toMatchObject({ name: VM, vmScaleSetName: '', resourceId: vmId });
    const leaf = await get('/metadata/instance/compute/name?api-version=2021-10-01&format=text');
    expect(await leaf.text()).toBe(VM);
    expect((await get('/metadata/instance/compute/name?api-version=2021-10-01')).status).toBe(400);
    expect((await get('/metadata/instance')).status).toBe(400);
  });
});

describe('shared IMDS listener', () => {
  function getFrom(localAddress: string, path: string): Promise<{ status: number; body: string }> {
    const url = new URL(`${emulator.urls.imds}${path}`);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          localAddress,
          headers: { Metadata: 'true' },
          timeout: 10_000,
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end();
    });
  }

  it('maps callers to nodes by source address', async () => {
    await emulator.seed({
      virtualMachines: [
        {
          subscription: SUB,
          resourceGroup: NODE_RG,
          name: 'addr-vm',
          identity: { userAssigned: ['app-b'] },
          node: { imds: null, addresses: ['127.0.0.3'] },
        },
      ],
    });
    const query = '/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net';
    const mine = await getFrom('127.0.0.3', query);
    expect(mine.status).toBe(200);
    expect(JSON.parse(mine.body)).toMatchObject({ client_id: ids.appB.clientId });
    const stranger = await getFrom('127.0.0.4', query);
    expect(stranger.status).toBe(403);
    expect(emulator.nodes().find((n) => n.name === 'addr-vm')?.imdsUrl).toBeUndefined();
  });
});
