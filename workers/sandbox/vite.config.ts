/**
 * The sandbox child as one self-contained file (`npm run build:sandbox` → dist/sandbox/child.mjs), for the
 * packaged desktop app: there the strategy sandbox runs on a plain Node runtime shipped with the app
 * (Electron's own binary cannot act as Node once the RunAsNode fuse is off, and its utility processes do
 * not honour Node's permission model), and a plain Node cannot read the app's code out of app.asar. One
 * unpacked file it may read, and nothing else, is also the narrowest grant the permission model can give.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  logLevel: 'warn',
  build: {
    ssr: true,
    target: 'node22',
    outDir: fileURLToPath(new URL('../../dist/sandbox', import.meta.url)),
    emptyOutDir: true,
    minify: false,
    rollupOptions: { input: fileURLToPath(new URL('./child.ts', import.meta.url)), output: { format: 'es', entryFileNames: 'child.mjs', inlineDynamicImports: true } },
  },
  // Everything but Node's own modules goes into the file.
  ssr: { noExternal: true },
});
