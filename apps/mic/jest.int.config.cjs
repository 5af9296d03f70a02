// Integration tier: real kube-apiserver + etcd (tools/envtest global setup), MIC in-process, Azure emulator.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'mic:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.int.spec.ts'],
  globalSetup: '<rootDir>/../../tools/envtest/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/envtest/src/jest/global-teardown.ts',
  testTimeout: 120000,
  maxWorkers: 1,
};
