// Builds the browser script:
// - dist/refstack.js: the IIFE the ingest serves at GET /refstack.js (minified, ES2017, size-reported);
// - dist/refstack.mjs + dist/refstack.d.ts: the ES module for apps that bundle it (same code).

import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import { writeFileSync } from 'node:fs';
import { sizeReport } from './scripts/size-report.mjs';

const tsconfig = 'sdk/tsconfig.json';

/**
 * `const` -> `let` before terser, on the parsed AST (never in strings): the same program once
 * type-checked (nothing reassigns a const), 2 bytes shorter per declaration, and terser then
 * joins the declarations into fewer `let` statements. About 20 B gzip.
 */
const constToLet = () => ({
  name: 'const-to-let',
  renderChunk(code) {
    const starts = [];
    const walk = (node) => {
      if (node.type == 'VariableDeclaration' && node.kind == 'const') starts.push(node.start);
      for (const value of Object.values(node))
        for (const child of [].concat(value)) if (child && typeof child.type == 'string') walk(child);
    };
    walk(this.parse(code));
    for (const start of starts.sort((a, b) => b - a)) code = code.slice(0, start) + 'let' + code.slice(start + 5);
    return { code, map: null };
  },
});

export default [
  {
    input: 'sdk/index.ts',
    output: {
      file: 'dist/refstack.js',
      format: 'iife',
      strict: false,
      plugins: [
        constToLet(),
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
