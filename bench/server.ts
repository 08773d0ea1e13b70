// The benchmarked server: the standalone ingest exactly as ingest/server.ts starts it (same
// environment, same startIngest), plus three bench-only routes registered on the same Hono
// app and @hono/node-server listener, before the first request:
//   GET /bench/noop  a bare no-op handler: the ceiling of the framework stack on this machine;
//   GET /bench/redirect  a constant 302 with the headers and cookie /r sends, and no work: the
//                    floor of any redirect on this stack, so /r's own cost can be read off;
//   GET /bench/gc    a full GC (the process runs with --expose-gc), so RSS can be compared;
//   GET /bench/mem   process.memoryUsage();
//   GET /bench/loop  event-loop delay (p50/p99/max ms) since the last call, to tell a stalled
//                    server from a busy machine when client-side latency spikes.
// Prints one line `BENCH_READY {"url":...,"pid":...}` once listening. Bench only: never
// imported by the product.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readConfig } from '../ingest/config.js';
import { startIngest } from '../ingest/main.js';

const config = readConfig();
const ingest = await startIngest({ ...config, log: config.logRequests ? (line) => console.log(line) : undefined });

ingest.app.get('/bench/noop', (c) => c.text('ok'));
ingest.app.get('/bench/redirect', (c) => {
  c.header('Set-Cookie', 'refstack_xid=rx_00000000AAAAAAAAAAAAAAAA; Max-Age=7776000; Path=/; HttpOnly; SameSite=Lax');
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer-when-downgrade');
  return c.redirect('https://www.acme.test/?ps_partner_key=bench-partner&ps_xid=rx_00000000AAAAAAAAAAAAAAAA', 302);
});
ingest.app.get('/bench/gc', (c) => {
  (globalThis as { gc?: () => void }).gc?.();
  return c.json(process.memoryUsage());
});
ingest.app.get('/bench/mem', (c) => c.json(process.memoryUsage()));
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
ingest.app.get('/bench/loop', (c) => {
  // The histogram counts the 5 ms timer period itself: report only the delay beyond it.
  const ms = (ns: number) => Math.max(0, ns / 1e6 - 5);
  const out = { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) };
  loop.reset();
  return c.json(out);
});

console.log(`BENCH_READY ${JSON.stringify({ url: ingest.url, pid: process.pid })}`);

const stop = () => void ingest.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
