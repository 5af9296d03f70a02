// Integration tier: the real kube-apiserver + etcd (tools/envtest global setup) holding the broken states,
// the Azure emulator for --azure, and the bundle run standalone.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'cli:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.int.spec.ts'],
  globalSetup: '<rootDir>/../../tools/envtest/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/envtest/src/jest/global-teardown.ts',
  testTimeout: 120000,
  maxWorkers: 1,
};
