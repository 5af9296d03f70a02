// Lint rules for the whole workspace. Module boundaries make the layering in docs/adr/0001 real.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// Layers: types <- domain <- adapters/platform <- apps; tools may use libs, never apps. Tests may also
// use the tools (envtest, the Azure emulator) that start real dependencies; shipped code may not.
function boundaries({ testsMayUseTools }) {
  const tool = testsMayUseTools ? ['type:tool'] : [];
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      { sourceTag: 'type:types', onlyDependOnLibsWithTags: [] },
      { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:types', ...tool] },
      { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:types', ...tool] },
      {
        sourceTag: 'type:adapter',
        onlyDependOnLibsWithTags: ['type:types', 'type:domain', 'type:platform', ...tool],
      },
      {
        sourceTag: 'type:app',
        onlyDependOnLibsWithTags: ['type:types', 'type:domain', 'type:platform', 'type:adapter', ...tool],
      },
      {
        sourceTag: 'type:tool',
        onlyDependOnLibsWithTags: ['type:types', 'type:domain', 'type:platform', 'type:adapter', 'type:tool'],
      },
      // MIC and NMI never import each other's code.
      { sourceTag: 'scope:mic', notDependOnLibsWithTags: ['scope:nmi'] },
      { sourceTag: 'scope:nmi', notDependOnLibsWithTags: ['scope:mic'] },
      // The kubectl plugin reads what MIC and NMI write; it never runs their code.
      { sourceTag: 'scope:cli', notDependOnLibsWithTags: ['scope:mic', 'scope:nmi'] },
    ],
  };
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/node_modules', '**/dist', '**/.local', '**/.nx', 'libs/crd-types/src/generated/**'],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries({ testsMayUseTools: false })],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      complexity: ['error', 12],
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'no-console': 'error',
      // Per-function limits: more than five parameters wants an options object; more than 30 statements
      // wants a helper with a name.
      'max-params': ['error', 5],
      'max-statements': ['error', 30],
    },
  },
  {
    // The harnesses (envtest, e2e, bench, emulator) start whole systems step by step.
    files: ['tools/**/*.ts'],
    rules: { 'max-params': ['error', 7], 'max-statements': ['error', 50] },
  },
  {
    // Tests may be long and talk to the console of a test runner.
    files: ['**/*.spec.ts', '**/test/**/*.ts', '**/testing/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries({ testsMayUseTools: true })],
      'max-lines': 'off',
      'max-statements': 'off',
      'max-params': 'off',
      '@typescript-eslint/explicit-module-boundary-types': 'off',
    },
  },
  {
    // Command-line entry points print to the terminal on purpose.
    files: ['**/cli.ts', '**/cli/**/*.ts', 'tools/**/scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  prettier,
];
