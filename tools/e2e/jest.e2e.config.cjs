// Whole-system tier (root only): network namespaces, NMI's real iptables rules, MIC and NMI from their
// bundles, the real control plane and the Azure emulator. Each file starts its own system; one file
// at a time (namespaces, CPU). Every wait inside is bounded well below the test timeout.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'e2e:whole-system',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'],
  testTimeout: 180000,
  maxWorkers: 1,
};
