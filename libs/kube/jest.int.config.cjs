// Integration tier: the real kube-apiserver + etcd of tools/envtest, one control plane for the run
// (specs that restart the apiserver start their own).
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'kube:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.int.spec.ts'],
  globalSetup: '<rootDir>/../../tools/envtest/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/envtest/src/jest/global-teardown.ts',
  testTimeout: 120000,
};
