// The standalone ingest: `tsx ingest/server.ts` (or `node --import tsx ingest/server.ts`).
// Reads the environment (see config.ts), starts the ingest, and shuts it down cleanly on
// SIGINT/SIGTERM (stop accepting, stop the workers, close the database).
// Importing this file starts nothing: it re-exports startIngest for in-process use.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readConfig } from './config.js';
import { startIngest } from './main.js';

export { startIngest, type RunningIngest, type StartOptions, type Keys } from './main.js';
export { readConfig, type IngestConfig } from './config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = readConfig();
  } catch (err) {
    console.error(`[refstack] configuration error: ${(err as Error).message}`);
    process.exit(2);
  }
  const log = (line: string) => console.log(line);
  const ingest = await startIngest({ ...config, log });
  log(`[refstack] ingest listening on ${ingest.url} (database ${config.dbFile})`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`[refstack] ${signal}: shutting down`);
    await ingest.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

const entry = process.argv[1] && fs.existsSync(process.argv[1]) ? fs.realpathSync(process.argv[1]) : '';
if (entry === fs.realpathSync(fileURLToPath(import.meta.url))) {
  main().catch((err) => {
    console.error(`[refstack] failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
