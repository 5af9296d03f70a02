// Unit tier: pure logic (state, identity merge, token buckets, error tables, request handlers without sockets).
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'azure-emulator',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
};
