// Fault-injection and security files of MIC, in a control plane of their own (see jest.int.config.cjs).
const base = require('./jest.int.config.cjs');

module.exports = {
  ...base,
  displayName: 'mic:faults',
  testMatch: ['<rootDir>/test/{arm-faults,security,etcd-restart}.int.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  // Two convergence steps of up to 100 s each under injected faults (arm-faults.int.spec.ts).
  testTimeout: 240000,
};
