// Shared jest settings for every project.
// @kubernetes/client-node 1.x and three of its dependencies are ESM-only, so swc transpiles them too.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const esmOnlyPackages = ['@kubernetes/client-node', 'openid-client', 'jose', 'oauth4webapi'];

// tsconfig "paths" are the single source for workspace aliases; jest gets the same map.
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace(/[/\\^$*+?.()|[\]{}]/g, '\\$&')}$`,
    path.join(__dirname, target),
  ]),
);

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj|cj)s$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
