// Integration tier: the real @azure/* SDK clients against an in-process emulator on loopback.
// Each spec file starts its own emulator; msal-node caches the IMDS endpoint per module registry,
// which jest keeps per test file, so one file talks to one simulated node's IMDS.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'azure-emulator:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.int.spec.ts'],
  testTimeout: 60000,
};
