// @ts-check
import { readdirSync } from 'node:fs';
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

/**
 * The layer order of src/ (ARCHITECTURE.md), bottom first. A folder may import its own files and
 * the folders of lower layers, never a folder of its own layer or of a higher one. To add an
 * import that this refuses, move code down, or move the importing folder up a layer, and update
 * ARCHITECTURE.md with it.
 */
const LAYERS = [
  ['core'],
  ['config', 'event', 'instance', 'log', 'project', 'permission'],
  ['session', 'question', 'auth', 'file', 'formatter', 'lsp', 'global', 'skill', 'pty', 'plugin'],
  ['provider', 'snapshot', 'vcs', 'find', 'tui', 'experimental'],
  ['agent', 'command', 'llm', 'revert', 'share', 'worktree'],
  ['tool', 'compaction', 'history'],
  ['mcp', 'agent-loop'],
  ['prompt'],
  ['v2', 'metrics'],
];

// A new top-level folder must be given its place, or nothing would guard its imports.
const unplaced = readdirSync('src', { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !LAYERS.flat().includes(entry.name))
  .map((entry) => entry.name);
if (unplaced.length > 0) {
  throw new Error(`eslint.config.mjs: give src/${unplaced.join(', src/')} a layer in LAYERS`);
}

/** For each folder, the folders it must not import: its own layer's others and every layer above. */
const layerZones = LAYERS.flatMap((layer, index) =>
  layer
    .map((folder) => ({
      target: `./src/${folder}`,
      from: LAYERS.slice(index)
        .flat()
        .filter((other) => other !== folder)
        .map((other) => `./src/${other}`),
      message: `that folder is beside or above src/${folder} in the layer order (ARCHITECTURE.md)`,
    }))
    .filter((zone) => zone.from.length > 0),
);

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'eslint.config.mjs',
      'jest.config.js',
      'scripts/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
