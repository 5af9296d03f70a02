// Integration tier: the adapter with the real @azure SDK clients against the Azure emulator (https).
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'azure-arm:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.int.spec.ts'],
  testTimeout: 60000,
  maxWorkers: 1,
};
