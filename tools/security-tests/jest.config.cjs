// Unit tier: the leak scanner and the tally, pure.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'security-tests',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
};
