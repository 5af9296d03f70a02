// Integration tier: the manifests of deploy/ rendered with kustomize and applied to a real kube-apiserver +
// etcd (tools/envtest global setup); MIC and NMI only as child processes (tools never import apps).
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'deploy-tests:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.int.spec.ts'],
  globalSetup: '<rootDir>/../../tools/envtest/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/envtest/src/jest/global-teardown.ts',
  testTimeout: 180000,
  maxWorkers: 1,
};
