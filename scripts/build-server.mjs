// Compiles the Node side (the ingest, the demo launcher, the bench server) from TypeScript to
// plain ES modules in dist/, so production and `npm start` run on node alone: no TypeScript
// loader in the process (about 50 MB less RSS than `node --import tsx`, and no loader thread).
// Dependencies stay external (node_modules); dist/ sits one level below the repo root, like
// ingest/, so paths resolved from import.meta.url (dist/refstack.js) are the same.
import { build } from 'esbuild';

const entries = {
  server: 'ingest/server.ts',
  start: 'scripts/start.ts',
  'bench-server': 'bench/server.ts',
};

await build({
  entryPoints: entries,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
