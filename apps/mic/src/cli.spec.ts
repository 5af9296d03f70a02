import { runMic } from './cli';

function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = jest
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  return runMic({ argv, env, version: '1.2.3', stopRequested: new Promise(() => undefined) }).then((code) => {
    log.mockRestore();
    error.mockRestore();
    return { code, out: out.join('\n'), err: err.join('\n') };
  });
}

describe('mic command line', () => {
  it('--help lists the original flags and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--cloudconfig',
      '--forceNamespaced',
      '--syncRetryDuration',
      '--immutable-user-msis',
      '--createDeleteBatch',
      '--identity-assignment-reconcile-interval',
    ]) {
      expect(r.out).toContain(flag);
    }
  });

  it('--version prints the version', async () => {
    expect(await run(['-version'])).toMatchObject({ code: 0, out: 'mic 1.2.3' });
  });

  it('exits 2 with a clear message on bad flags or configuration', async () => {
    expect((await run(['--no-such-flag'], { MIC_POD_NAMESPACE: 'x' })).code).toBe(2);
    const missing = await run([]);
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.err).toContain('MIC_POD_NAMESPACE');
    const noCloud = await run([], { MIC_POD_NAMESPACE: 'x' });
    expect(noCloud.code).toBe(2);
    expect(noCloud.err).toMatch(/SUBSCRIPTION_ID/);
  });

  it('takes flag values in the --flag value form too (Go flag semantics)', async () => {
    const cloud = {
      TENANT_ID: 't',
      CLIENT_ID: 'c',
      CLIENT_SECRET: 's',
      SUBSCRIPTION_ID: 'sub',
      RESOURCE_GROUP: 'rg',
    };
    const r = await run(
      [
        '--pod-namespace',
        'x',
        '--kubeconfig',
        '/no/such/file',
        '--forceNamespaced',
        '--http-probe-port',
        '0',
      ],
      cloud,
    );
    expect(r.err).not.toContain('is required');
    expect(r).toMatchObject({ code: 2 });
    expect(r.err).toMatch(/^mic: no Kubernetes credentials: cannot read kubeconfig \/no\/such\/file/);
  });

  it('accepts and ignores every klog flag of the original command line, in both forms', async () => {
    const cloud = {
      TENANT_ID: 't',
      CLIENT_ID: 'c',
      CLIENT_SECRET: 's',
      SUBSCRIPTION_ID: 'sub',
      RESOURCE_GROUP: 'rg',
    };
    const klog = [
      ['-v', '2'],
      ['--vmodule', 'x=1'],
      ['--logtostderr'],
      ['--alsologtostderr=false'],
      ['--stderrthreshold', '2'],
      ['--log_dir', '/tmp'],
      ['--log_file=/tmp/x'],
      ['--log_file_max_size', '10'],
      ['--log_backtrace_at', 'x.go:1'],
      ['--add_dir_header'],
      ['--skip_headers'],
      ['--skip_log_headers=true'],
      ['--one_output'],
    ].flat();
    const r = await run([...klog, '--pod-namespace', 'x', '--kubeconfig=/no/such/file'], cloud);
    expect(r).toMatchObject({ code: 2 });
    expect(r.err).toMatch(/^mic: no Kubernetes credentials/);
  });

  it('outside a cluster and without --kubeconfig, prints one line saying what to set and exits 2', async () => {
    const cloud = {
      TENANT_ID: 't',
      CLIENT_ID: 'c',
      CLIENT_SECRET: 's',
      SUBSCRIPTION_ID: 'sub',
      RESOURCE_GROUP: 'rg',
    };
    const r = await run(['--http-probe-port=0', '--prometheus-port=0'], { MIC_POD_NAMESPACE: 'x', ...cloud });
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^mic: no Kubernetes credentials: .*--kubeconfig=<path>.*KUBERNETES_SERVICE_HOST/);
    expect(r.err).not.toMatch(/\n\s+at /);
    const missing = await run(['--kubeconfig=/no/such/file'], { MIC_POD_NAMESPACE: 'x', ...cloud });
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.err).toMatch(/^mic: no Kubernetes credentials: cannot read kubeconfig \/no\/such\/file/);
  });
});
