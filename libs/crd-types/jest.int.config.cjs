module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'crd-types:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.int.spec.ts'],
  testTimeout: 180000,
};
