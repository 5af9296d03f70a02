module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'azure-arm',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
};
