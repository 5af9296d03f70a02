// Netns tier (root only): NMI's iptables code in throwaway network namespaces, and NMI as a child
// process whose rules land in such a namespace. Uses the envtest API server like the integration tier.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'nmi:netns',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/netns/**/*.netns.spec.ts'],
  globalSetup: '<rootDir>/../../tools/envtest/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/envtest/src/jest/global-teardown.ts',
  testTimeout: 120000,
  maxWorkers: 1,
};
