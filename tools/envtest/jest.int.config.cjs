// Integration tier: one real control plane (etcd + kube-apiserver) for the whole run.
// Other projects reuse the same globalSetup/globalTeardown and testNamespace() from tools/envtest.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'envtest:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int.spec.ts'],
  globalSetup: '<rootDir>/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/src/jest/global-teardown.ts',
  testTimeout: 120000,
};
