// The benchmarked server: the standalone ingest exactly as ingest/server.ts starts it (same
// environment, same startIngest), plus three bench-only routes registered on the same Hono
// app and @hono/node-server listener, before the first request:
//   GET /bench/noop  a bare no-op handler: the ceiling of the framework stack on this machine;
//   GET /bench/gc    a full GC (the process runs with --expose-gc), so RSS can be compared;
//   GET /bench/mem   process.memoryUsage().
// Prints one line `BENCH_READY {"url":...,"pid":...}` once listening. Bench only: never
// imported by the product.
import { readConfig } from '../ingest/config.js';
import { startIngest } from '../ingest/main.js';

const config = readConfig();
const ingest = await startIngest({ ...config, log: config.logRequests ? (line) => console.log(line) : undefined });

ingest.app.get('/bench/noop', (c) => c.text('ok'));
ingest.app.get('/bench/gc', (c) => {
  (globalThis as { gc?: () => void }).gc?.();
  return c.json(process.memoryUsage());
});
ingest.app.get('/bench/mem', (c) => c.json(process.memoryUsage()));

console.log(`BENCH_READY ${JSON.stringify({ url: ingest.url, pid: process.pid })}`);

const stop = () => void ingest.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
