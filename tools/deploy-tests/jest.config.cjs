// Unit tier: parsing --help, checking container args, the flag tables of docs/operations.md. Pure.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'deploy-tests',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
};
