import { KLOG_FLAGS, parseFlags } from '@pod-identity/platform';
import { buildConfig, type MicConfig } from './config';
import { watchCloudConfig } from './cloud-watch';
import { MIC_FLAGS } from './flags';

const json = (sub: string): string =>
  JSON.stringify({
    tenantId: 't',
    subscriptionId: sub,
    resourceGroup: 'rg',
    aadClientId: 'c',
    aadClientSecret: 's',
  });

describe('watchCloudConfig', () => {
  it('rebuilds from the changed file and keeps the old config when the new one is invalid', () => {
    const files: Record<string, string> = { '/azure.json': json('sub-1') };
    const readFile = (p: string): string => files[p] as string;
    const parsed = parseFlags(MIC_FLAGS, {
      argv: ['--cloudconfig=/azure.json'],
      env: { MIC_POD_NAMESPACE: 'pi' },
      ignore: KLOG_FLAGS,
    });
    const config = buildConfig({ values: parsed.values, env: {}, readFile, hostname: 'h' });
    let fire: () => void = () => undefined;
    const applied: MicConfig[] = [];
    const errors: unknown[] = [];
    const stop = watchCloudConfig({
      config,
      env: {},
      readFile,
      watch: (_path, onChange) => {
        fire = onChange;
        return () => (fire = () => undefined);
      },
      apply: (next) => applied.push(next),
      logger: { info: () => undefined, error: (e: unknown) => void errors.push(e) },
    });
    files['/azure.json'] = json('sub-2');
    fire();
    expect(applied.map((c) => c.cloud.subscriptionId)).toEqual(['sub-2']);
    files['/azure.json'] = '{ broken';
    fire();
    expect(applied).toHaveLength(1);
    expect(errors).toHaveLength(1);
    stop();
  });
});
