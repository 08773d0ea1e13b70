// Builds the browser script:
// - dist/refstack.js: the IIFE the ingest serves at GET /refstack.js (minified, ES2017, size-reported);
// - dist/refstack.mjs + dist/refstack.d.ts: the ES module for apps that bundle it (same code).

import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import { writeFileSync } from 'node:fs';
import { sizeReport } from './scripts/size-report.mjs';

const tsconfig = 'sdk/tsconfig.json';

export default [
  {
    input: 'sdk/index.ts',
    output: {
      file: 'dist/refstack.js',
      format: 'iife',
      strict: false,
      plugins: [
        terser({
          ecma: 2017,
          toplevel: true,
          compress: { passes: 3, unsafe_arrows: true, pure_getters: true },
          format: { comments: false },
        }),
        sizeReport(),
      ],
    },
    plugins: [typescript({ tsconfig })],
  },
  {
    input: 'sdk/esm.ts',
    output: { dir: 'dist', format: 'es', entryFileNames: 'refstack.mjs' },
    plugins: [
      typescript({ tsconfig, declaration: true, declarationDir: 'dist/types', outDir: 'dist' }),
      {
        name: 'types-entry',
        writeBundle() {
          writeFileSync('dist/refstack.d.ts', "export * from './types/esm';\n");
        },
      },
    ],
  },
];
