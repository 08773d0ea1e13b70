// Prints raw / gzip / brotli bytes of the built browser script. A rollup plugin (every build
// prints it) and a command: `node scripts/size-report.mjs [file]`.

import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const BUDGET_GZIP = 2048;

/** Byte counts of `code`: raw, gzip (level 9) and brotli (quality 11). */
export function sizes(code) {
  const buf = Buffer.from(code);
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

export function format(name, s) {
  const flag = s.gzip > BUDGET_GZIP ? `  OVER BUDGET (${BUDGET_GZIP} B gzip)` : '';
  return `${name}: ${s.raw} B raw, ${s.gzip} B gzip, ${s.brotli} B brotli${flag}`;
}

/** Rollup plugin: prints the sizes of every chunk whose file name ends in `.js`. */
export function sizeReport() {
  return {
    name: 'size-report',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle))
        if (chunk.type == 'chunk' && chunk.fileName.endsWith('.js')) console.log(format(chunk.fileName, sizes(chunk.code)));
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] || 'dist/refstack.js';
  console.log(format(file, sizes(readFileSync(file))));
}
