module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'domain:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.int.spec.ts'],
};
