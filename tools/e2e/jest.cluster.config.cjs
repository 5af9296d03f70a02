// Cluster tier (root only): `make up` starts a real local cluster (kubelets, containerd, runc, CNI,
// kube-proxy, the controllers) running the real MIC and NMI images, then the walkthrough runs word for word
// with kubectl, and `make down` removes it. One file, one cluster; every wait inside is bounded.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'cluster',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.cluster.spec.ts'],
  testTimeout: 300000,
  maxWorkers: 1,
};
