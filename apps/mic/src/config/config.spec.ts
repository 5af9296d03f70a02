import { KLOG_FLAGS, parseFlags } from '@pod-identity/platform';
import { buildConfig, ConfigError } from './config';
import { MIC_FLAGS } from './flags';

const AZURE_JSON = JSON.stringify({
  cloud: 'AzurePublicCloud',
  tenantId: 't',
  subscriptionId: 's',
  resourceGroup: 'rg',
  useManagedIdentityExtension: true,
  userAssignedIdentityID: 'AAAA-Kubelet',
});

function build(
  argv: string[],
  env: Record<string, string> = {},
  files: Record<string, string> = { '/azure.json': AZURE_JSON },
) {
  const parsed = parseFlags(MIC_FLAGS, { argv, env, ignore: KLOG_FLAGS });
  return {
    parsed,
    config: buildConfig({
      values: parsed.values,
      env,
      hostname: 'host-1',
      readFile: (p) => {
        const text = files[p];
        if (text === undefined) throw new Error('ENOENT');
        return text;
      },
    }),
  };
}

describe('MIC configuration', () => {
  it('reads the original flags, single or double dash, and the required namespace from the environment', () => {
    const { config } = build(
      [
        '-cloudconfig=/azure.json',
        '--forceNamespaced',
        '-syncRetryDuration=120',
        '--immutable-user-msis=ID-1,id-2',
      ],
      { MIC_POD_NAMESPACE: 'pi' },
    );
    expect(config).toMatchObject({
      podNamespace: 'pi',
      forceNamespaced: true,
      placement: { mode: 'pod-namespace' },
      leaderElection: {
        instance: 'host-1',
        namespace: 'pi',
        name: 'aad-pod-identity-mic',
        durationMs: 15_000,
      },
      tuning: {
        resyncIntervalMs: 120_000,
        driftIntervalMs: 180_000,
        kubeConcurrency: 20,
        isolationRetries: 2,
      },
    });
    expect(config.immutableClientIds).toEqual(['id-1', 'id-2', 'aaaa-kubelet']);
    expect(Object.isFrozen(config.tuning)).toBe(true);
  });

  it('accepts the original klog and obsolete flags with warnings', () => {
    const { parsed } = build(['--cloudconfig=/azure.json', '-v=4', '--logtostderr'], {
      MIC_POD_NAMESPACE: 'pi',
    });
    expect(parsed.warnings.length).toBeGreaterThan(0);
  });

  it('places assigned identities in a fixed namespace on request', () => {
    const { config } = build(
      ['--cloudconfig=/azure.json', '--assigned-identity-namespace=pod-identity-system'],
      { MIC_POD_NAMESPACE: 'pi' },
    );
    expect(config.placement).toEqual({ mode: 'fixed', namespace: 'pod-identity-system' });
  });

  it('reads the cloud from the environment without --cloudconfig, and a custom cloud from its file', () => {
    const env = {
      MIC_POD_NAMESPACE: 'pi',
      CLOUD: 'AzureStackCloud',
      TENANT_ID: 't',
      CLIENT_ID: 'c',
      CLIENT_SECRET: 'x',
      SUBSCRIPTION_ID: 's',
      RESOURCE_GROUP: 'rg',
      AZURE_ENVIRONMENT_FILEPATH: '/env.json',
    };
    const { config } = build([], env, {
      '/env.json': JSON.stringify({
        resourceManagerEndpoint: 'https://127.0.0.1:1/',
        activeDirectoryEndpoint: 'https://127.0.0.1:2/',
      }),
    });
    expect(config.environment).toMatchObject({
      resourceManagerEndpoint: 'https://127.0.0.1:1',
      authorityHost: 'https://127.0.0.1:2',
      custom: true,
    });
    expect(config.cloud.useManagedIdentityExtension).toBe(false);
  });

  it('reports every problem at once', () => {
    expect(() => build(['--cloudconfig=/missing.json'], { MIC_POD_NAMESPACE: 'pi' })).toThrow(ConfigError);
    expect(() => build(['--cloudconfig=/missing.json'], { MIC_POD_NAMESPACE: 'pi' })).toThrow(
      /cannot read \/missing.json/,
    );
    expect(() => parseFlags(MIC_FLAGS, { argv: [], env: {} })).toThrow(/pod-namespace/);
  });
});
