// Real Chromium for the end-to-end suite: Debian's `chromium` on PATH, else Playwright's own
// browser (a laptop with `npx playwright install chromium`), else one clear line saying how
// to get it. Hosts *.acme.test resolve to loopback so cookies can be tested across real
// subdomains (www.acme.test, app.acme.test, track.acme.test) on one machine.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const CHROMIUM_MISSING =
  'Chromium not found: install it with `sudo apt-get install -y chromium` (Debian/Ubuntu) or `npx playwright install chromium`, or set CHROMIUM_PATH.';

export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    try {
      const found = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      /* not on PATH */
    }
  }
  try {
    const own = chromium.executablePath();
    if (own && fs.existsSync(own)) return own;
  } catch {
    /* playwright has no browser of its own here */
  }
  throw new Error(CHROMIUM_MISSING);
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--host-resolver-rules=MAP *.acme.test 127.0.0.1',
];

export async function launchBrowser(extra: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS, ...extra });
}
