// Integration tier: real kube-apiserver + etcd (tools/envtest global setup); NMI and MIC only as child
// processes (tools never import apps).
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'security-tests:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.int.spec.ts'],
  globalSetup: '<rootDir>/../../tools/envtest/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/envtest/src/jest/global-teardown.ts',
  testTimeout: 120000,
  maxWorkers: 1,
};
