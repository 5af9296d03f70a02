import { runNmi } from './cli';

async function run(
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = jest
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    const code = await runNmi({ argv, env, version: '1.2.3', stopRequested: new Promise(() => undefined) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
}

describe('nmi command line', () => {
  it('--help lists the flags and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--node', '--nmi-port', '--forceNamespaced', '--operation-mode'])
      expect(r.out).toContain(flag);
  });

  it('--version prints the version it was given (no environment read at import)', async () => {
    expect(await run(['--version'])).toMatchObject({ code: 0, out: 'nmi 1.2.3' });
  });

  it('exits 2 naming the flag on bad input', async () => {
    const r = await run(['--node=n', '--nmi-port', 'abc']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^nmi: .*--nmi-port/);
    expect(r.err).toContain('Run with --help');
  });

  it('without Kubernetes credentials prints one line saying what to set and exits 2', async () => {
    const r = await run(['--node', 'n', '--kubeconfig', '/no/such/file']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^nmi: no Kubernetes credentials: .*\/no\/such\/file.*point --kubeconfig/);
  });
});
