import { defaultRuntimeOptions, mergeRuntimeOptions, realisticRuntimeOptions } from './options';

describe('runtime options', () => {
  it('deep-merges patches', () => {
    const merged = mergeRuntimeOptions(defaultRuntimeOptions(), {
      imds: { propagationDelayMs: 5 },
      operationDurationMs: { vmss: 9 },
    });
    expect(merged.imds).toMatchObject({ propagationDelayMs: 5, requestsPerSecond: 20, maxConcurrent: 5 });
    expect(merged.operationDurationMs).toEqual({ vm: 0, vmss: 9 });
  });

  it('rejects unknown keys so typos do not pass silently', () => {
    expect(() => mergeRuntimeOptions(defaultRuntimeOptions(), { imds: { delay: 1 } })).toThrow(
      /options\.imds\.delay/,
    );
  });

  it('accepts free-form throttling limits', () => {
    const merged = mergeRuntimeOptions(defaultRuntimeOptions(), {
      throttling: { limits: { UpdateVM: { resource: { max: 1, refillPerMinute: 1 } } } },
    });
    expect(merged.throttling.limits?.UpdateVM?.resource?.max).toBe(1);
  });

  it('has an Azure-like preset', () => {
    expect(realisticRuntimeOptions(0.01)).toMatchObject({
      timeScale: 0.01,
      operationDurationMs: { vmss: 40_000 },
      throttling: { enforce: true },
    });
  });
});
