import { FlagError } from '@pod-identity/platform';
import { loadConfig, type NmiConfig } from './config';

function run(argv: string[], env: Record<string, string> = {}): NmiConfig {
  const result = loadConfig(argv, env);
  if (result.kind !== 'run') throw new Error(`expected run, got ${result.kind}`);
  return result.config;
}

describe('loadConfig', () => {
  it('has secure, original-compatible defaults', () => {
    const c = run(['--node=n1']);
    expect(c).toMatchObject({
      node: 'n1',
      mode: 'standard',
      forceNamespaced: true,
      metadataHeaderRequired: true,
      blockInstanceMetadata: true,
      listenAddress: '127.0.0.1',
      port: 2579,
      metadataIp: '169.254.169.254',
      metadataPort: 80,
      probePort: 8085,
      metricsPort: 9090,
      setRetryAfterHeader: true,
      retryAfterSec: 15,
      assignmentWaitMs: 1000,
      hostToken: { mode: 'disabled' },
    });
    expect(c.iptables).toMatchObject({
      manage: true,
      uninstall: false,
      intervalMs: 60_000,
      allowKubenet: false,
      kubeletConfig: '/etc/default/kubelet',
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('accepts the original flag spellings (single dash, spaces, aliases, env)', () => {
    const c = run(
      [
        '-node',
        'n2',
        '--forceNamespaced=false',
        '--ipTableUpdateTimeIntervalInSeconds=30',
        '--block-instance-metadata=false',
        '-v=4',
      ],
      {},
    );
    expect(c).toMatchObject({ node: 'n2', forceNamespaced: false, blockInstanceMetadata: false });
    expect(c.iptables.intervalMs).toBe(30_000);
    expect(run([], { NODE_NAME: 'from-env', FORCENAMESPACED: 'false' })).toMatchObject({
      node: 'from-env',
      forceNamespaced: false,
    });
  });

  it('maps the original wait knobs onto a bounded --assignment-wait', () => {
    expect(
      run([
        '--node=n',
        '--retry-attempts-for-created=2',
        '--retry-attempts-for-assigned=1',
        '--find-identity-retry-interval=1',
      ]).assignmentWaitMs,
    ).toBe(3000);
    expect(run(['--node=n', '--retry-attempts-for-created=16']).assignmentWaitMs).toBe(30_000);
    expect(
      run(['--node=n', '--retry-attempts-for-created=1', '--assignment-wait=500ms']).assignmentWaitMs,
    ).toBe(500);
  });

  it('refuses managed mode without namespaced rules, and unknown flags', () => {
    expect(() => run(['--node=n', '--operation-mode=managed', '--forceNamespaced=false'])).toThrow(FlagError);
    expect(() => run(['--node=n', '--no-such-flag'])).toThrow(FlagError);
    expect(() => run([])).toThrow(/--node/);
    expect(run(['--node=n', '--operation-mode=MANAGED']).mode).toBe('managed');
  });

  it('needs an allow-list when /host/token is on', () => {
    expect(() => run(['--node=n', '--host-token-mode=tokenreview'])).toThrow(FlagError);
    expect(
      run([
        '--node=n',
        '--host-token-mode=tokenreview',
        '--host-token-allowed-service-accounts=kube-system/csi,ns/x',
      ]).hostToken.allowed,
    ).toEqual(['kube-system/csi', 'ns/x']);
  });

  it('--help and --version work without --node', () => {
    const help = loadConfig(['--help'], {});
    expect(help.kind).toBe('help');
    if (help.kind === 'help') {
      for (const flag of [
        '--node',
        '--forceNamespaced',
        '--metadata-header-required',
        '--ipt-update-interval-sec',
        '--kubelet-config',
        '--set-retry-after-header',
      ]) {
        expect(help.text).toContain(flag);
      }
    }
    expect(loadConfig(['--version'], {}).kind).toBe('version');
  });

  it('takes values after a space for every flag type, and booleans never swallow the next argument', () => {
    const c = run([
      '--allow-network-plugin-kubenet',
      '--node',
      'n3',
      '--nmi-port',
      '2600',
      '--enable-conntrack-deletion',
      '--metadata-ip',
      '10.0.0.9',
    ]);
    expect(c).toMatchObject({ node: 'n3', port: 2600, metadataIp: '10.0.0.9' });
    expect(c.iptables).toMatchObject({ allowKubenet: true, conntrackFlush: true });
    expect(run(['--node', 'n3', '--allow-network-plugin-kubenet=false']).iptables.allowKubenet).toBe(false);
  });

  it('accepts and ignores every klog flag of the original command line, with a warning each', () => {
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
    ];
    const c = run([...klog.flat(), '--node', 'n4']);
    expect(c.node).toBe('n4');
    expect(c.warnings.filter((w) => w.endsWith('is accepted for compatibility and ignored'))).toHaveLength(
      klog.length,
    );
  });

  it('warns about compatibility-only flags', () => {
    expect(run(['--node=n', '--MICNamespace=kube-system']).warnings.join('\n')).toContain('MICNamespace');
  });
});
