// Unit tier: fast tests of the harness that need no binaries.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'envtest',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
};
