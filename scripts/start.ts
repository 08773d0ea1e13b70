// `npm start` (after `npm run build`): the ingest in-process and, unless REFSTACK_DEMO=0, the
// demo vendor site with demo data seeded on the first start. Prints the URLs to open and a
// partner link to click; SIGINT/SIGTERM close both servers and the database and exit 0.
//
// Environment: PORT (8787), HOST (127.0.0.1), REFSTACK_DB (./data/refstack.db), DEMO_PORT
// (3000), REFSTACK_SECRET_KEY / REFSTACK_PUBLISHABLE_KEY, REFSTACK_ALLOWED_ORIGINS,
// REFSTACK_RATE_LIMIT, REFSTACK_DEMO, REFSTACK_PUBLIC_URL, DEMO_WWW_HOST / DEMO_APP_HOST
// (the demo's marketing and app hosts; see demo-site/README.md) and the rest of
// ingest/config.ts.
import path from 'node:path';
import { hostOrigin } from '../demo-site/app.js';
import { createIngestClient } from '../demo-site/ingest-client.js';
import { linkFor, seedDemo } from '../demo-site/seed.js';
import { startDemoSite, type DemoSiteHandle } from '../demo-site/server.js';
import { readConfig, type IngestConfig } from '../ingest/config.js';
import { startIngest, type RunningIngest } from '../ingest/main.js';

const DEFAULT_DEMO_PORT = 3000;

function fail(message: string, code = 1): never {
  console.error(`[refstack] ${message}`);
  process.exit(code);
}

function demoPortFromEnv(): number {
  const v = process.env.DEMO_PORT?.trim();
  if (!v) return DEFAULT_DEMO_PORT;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`DEMO_PORT=${JSON.stringify(v)}: expected an integer from 0 to 65535`, 2);
  return n;
}

/** ./data/keys.json under the working directory, else the absolute path. */
function shortPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : `./${rel}`;
}

async function main(): Promise<void> {
  let config: IngestConfig;
  try {
    config = readConfig(process.env);
  } catch (err) {
    return fail(`configuration error: ${(err as Error).message}`, 2);
  }
  const env = process.env;
  const demo = env.REFSTACK_DEMO?.trim() !== '0';
  const host = config.host ?? '127.0.0.1';
  const demoPort = demoPortFromEnv();
  const wwwHost = env.DEMO_WWW_HOST?.trim() || undefined;
  const appHost = env.DEMO_APP_HOST?.trim() || undefined;
  const localDemo = `http://localhost:${demoPort}`;
  const wwwUrl = wwwHost ? hostOrigin(wwwHost, demoPort) : localDemo;
  const appUrl = appHost ? hostOrigin(appHost, demoPort) : localDemo;
  // What a browser uses for the ingest (script src, partner links): localhost, not 127.0.0.1,
  // so it shares cookies with the demo on http://localhost:3000.
  const publicUrl = config.publicUrl ?? (demo && config.port !== 0 ? `http://localhost:${config.port}` : undefined);
  // Allowed browser origins come only from REFSTACK_ALLOWED_ORIGINS (the ingest warns while the
  // list is empty). The demo does not pin them: a page of your own on another port must work too.
  const allowedOrigins = config.allowedOrigins;

  // Request lines wait until the banner is out; start-up notes ("[refstack] ...") do not.
  let showRequests = !demo;
  const log = (line: string) => {
    if (line.startsWith('[refstack]') || line.startsWith('error')) console.log(line);
    else if (showRequests) console.log(`  ${line}`);
  };

  let ingest: RunningIngest;
  try {
    ingest = await startIngest({ ...config, host, publicUrl, allowedOrigins, log });
  } catch (err) {
    return fail(`could not start the ingest on ${host}:${config.port}: ${(err as Error).message}`);
  }
  const ingestUrl = publicUrl ?? ingest.url;
  let site: DemoSiteHandle | undefined;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[refstack] ${signal}: stopping`);
    await site?.close();
    await ingest.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  const keysNote =
    env.REFSTACK_SECRET_KEY?.trim()
      ? 'Keys: from REFSTACK_SECRET_KEY / REFSTACK_PUBLISHABLE_KEY'
      : `Keys: ${shortPath(path.join(path.dirname(path.resolve(config.dbFile)), 'keys.json'))} (publishable ${ingest.keys.publishableKey})`;

  if (!demo) {
    console.log(`[refstack] ingest on ${ingestUrl} (database ${config.dbFile}); OpenAPI at ${ingestUrl}/openapi.json. ${keysNote}. Ctrl-C stops it.`);
    return;
  }
  const secretKey = ingest.keys.secretKey;
  if (!secretKey) {
    console.log('[refstack] the demo needs the secret key: it is not in keys.json and REFSTACK_SECRET_KEY is not set. Running the ingest alone.');
    showRequests = true;
    return;
  }

  const api = createIngestClient({ baseUrl: ingest.url, secretKey });
  let partnerLink: string | undefined;
  try {
    const seed = await seedDemo(api, { destination: `${wwwUrl}/`, log: (line) => console.log(`[refstack] ${line}`) });
    partnerLink = linkFor(seed.partners.find((p) => p.key === 'jane') ?? seed.partners[0], `${wwwUrl}/`);
    if (seed.seeded) {
      const { group, offers } = seed.created;
      const parts = [`partners ${seed.partners.map((p) => p.key).join(', ')}`, group && `group ${group}`, offers.length && `offers ${offers.join(', ')}`];
      console.log(`[refstack] seeded demo data: ${parts.filter(Boolean).join('; ')}`);
    }
  } catch (err) {
    console.log(`[refstack] demo data not seeded: ${(err as Error).message}`);
  }

  try {
    site = await startDemoSite({
      port: demoPort,
      host,
      ingestUrl,
      ingestApiUrl: ingest.url,
      publishableKey: ingest.keys.publishableKey,
      secretKey,
      hosts: wwwHost || appHost ? { www: wwwHost, app: appHost } : undefined,
    });
  } catch (err) {
    await ingest.close();
    return fail(`could not start the demo site on ${host}:${demoPort}: ${(err as Error).message}`);
  }
  const demoUrl = wwwHost ? wwwUrl : site.url;

  console.log(
    [
      '',
      'Refstack is running.',
      `  Demo site    ${demoUrl}/${wwwHost || appHost ? `   (app: ${appUrl}/app)` : ''}`,
      `  Vendor view  ${demoUrl}/vendor`,
      `  Ingest       ${ingestUrl}   (API docs: ${ingestUrl}/openapi.json)`,
      partnerLink ? `  Partner link ${partnerLink}   <- open it, sign up, buy Pro, then look at the vendor view` : '',
      `  ${keysNote}`,
      'Ctrl-C stops everything.',
      '',
    ]
      .filter((l, i, all) => l !== '' || i === 0 || i === all.length - 1)
      .join('\n'),
  );
  showRequests = true;
}

main().catch((err) => fail(`failed to start: ${err instanceof Error ? err.message : String(err)}`));
