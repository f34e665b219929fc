// @ts-check
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * The architecture's dependency rules, as data. A layer is the longest matching folder prefix; `may` lists the
 * layers it may import, `packages` the third-party packages it may (true = any not reserved elsewhere).
 */
const layers = {
  'main/core': { may: ['main/core'], packages: ['zod', 'decimal.js', '@noble/hashes'] },
  'main/contract': { may: ['main/contract'], packages: ['zod'] },
  'main/venues/ccxt': { may: ['main/core', 'main/venues/ccxt'], packages: true },
  'main/venues/paper': { may: ['main/core', 'main/venues/paper'], packages: ['zod', 'decimal.js'] },
  'main/venues/live': { may: ['main/core', 'main/venues/ccxt', 'main/venues/live'], packages: true },
  'main/venues/replay': { may: ['main/core', 'main/venues/replay'], packages: true },
  'main/venues/mock-exchange': { may: ['main/core', 'main/venues/mock-exchange'], packages: true },
  'main/storage': { may: ['main/core', 'main/storage'], packages: true },
  'main/host': { may: ['main/core', 'main/contract', 'main/venues', 'main/storage', 'main/host', 'workers', 'native'], packages: true },
  'main/cli': { may: ['main/core', 'main/contract', 'main/venues', 'main/storage', 'main/host', 'main/cli', 'workers', 'native'], packages: true },
  'main/app': { may: ['main/core', 'main/contract', 'main/host', 'main/app'], packages: true },
  'main/preload': { may: [], packages: ['electron'] },
  // SQLite readers in workers/sql go through main/storage, the one module that wraps better-sqlite3.
  workers: { may: ['main/core', 'main/venues/paper', 'main/venues/replay', 'main/contract', 'main/storage', 'native', 'workers'], packages: true },
  native: { may: ['native'], packages: true },
  renderer: { may: ['renderer', 'main/contract'], packages: true },
};

/** Packages reserved to one place: importing them anywhere else is a violation. */
const reserved = {
  electron: ['main/app', 'main/preload'],
  ccxt: ['main/venues/ccxt'],
  'better-sqlite3': ['main/storage'],
  piscina: ['workers/pool.ts'],
  bullmq: ['workers/queue/bullmq.ts'],
  ioredis: ['workers/queue/bullmq.ts'],
  'lightweight-charts': ['renderer/features/chart/lightweight.ts'],
  'electron-updater': ['main/app/updater.ts'],
  sharp: ['resources/generate-icons.ts'],
};

const nodeBuiltin = /^node:|^(fs|path|os|net|http|https|child_process|worker_threads|crypto|stream|url|util|zlib|dns|tls|cluster|module|process|v8|vm)(\/|$)/;

function layerOf(rel) {
  const keys = Object.keys(layers).sort((a, b) => b.length - a.length);
  return keys.find((k) => rel === k || rel.startsWith(`${k}/`));
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** @type {import('eslint').Rule.RuleModule} */
const layerRule = {
  meta: { type: 'problem', schema: [], messages: { bad: '{{from}} may not import {{what}} (ARCHITECTURE.md dependency rules)' } },
  create(context) {
    const file = relative(root, context.filename).split('\\').join('/');
    const from = layerOf(file);
    if (!from || file.startsWith('test/')) return {};
    const rule = layers[from];
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      const report = (what) => context.report({ node, messageId: 'bad', data: { from: file, what } });
      if (spec.startsWith('.')) {
        const target = relative(root, resolve(dirname(context.filename), spec)).split('\\').join('/');
        if (target === 'package.json') return;
        const to = layerOf(target);
        if (!to) return report(target);
        if (!rule.may.some((m) => to === m || to.startsWith(`${m}/`))) report(target);
        return;
      }
      if (nodeBuiltin.test(spec)) {
        if (rule.packages !== true) report(`the Node module ${spec}`);
        return;
      }
      const pkg = packageName(spec);
      const owners = reserved[pkg];
      if (owners && !owners.some((o) => file === o || file.startsWith(`${o}/`))) return report(`${pkg} (reserved to ${owners.join(', ')})`);
      if (rule.packages !== true && !rule.packages.includes(pkg)) report(`the package ${pkg}`);
    };
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
      TSImportType: (n) => {
        const arg = /** @type {any} */ (n).argument;
        const lit = arg?.literal ?? arg;
        if (lit?.type === 'Literal') check(n, lit.value);
      },
    };
  },
};

export default tseslint.config(
  { ignores: ['.tmp*/**', 'node_modules/**', 'dist/**', 'release/**', 'native/build/**', 'native/assembly/**', 'test-results/**', 'playwright-report/**', '.ci/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { 'import-x': importX, kestrel: { rules: { layers: layerRule } } },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.cts'] })],
      'import-x/extensions': ['.ts', '.tsx', '.cts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.cts'] },
    },
    rules: {
      'kestrel/layers': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['main/preload/**/*.cts'],
    rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/consistent-type-imports': 'off' },
  },
);
