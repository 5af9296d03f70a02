// Integration tier: real kube-apiserver + etcd (tools/envtest global setup), MIC in-process, Azure emulator.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'mic:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.int.spec.ts'],
  // The fault and security files run in their own control plane (jest.faults.config.cjs): sharing one
  // apiserver with them made later files time out.
  testPathIgnorePatterns: ['/node_modules/', 'arm-faults', 'security', 'etcd-restart'],
  globalSetup: '<rootDir>/../../tools/envtest/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/envtest/src/jest/global-teardown.ts',
  testTimeout: 120000,
  maxWorkers: 1,
};
