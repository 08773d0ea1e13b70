// Starts the demo site: the only file in demo-site/ that calls serve().
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createDemoSite, type DemoSiteOptions } from './app.js';

export type { DemoSiteOptions } from './app.js';

export interface StartDemoSiteOptions extends DemoSiteOptions {
  /** 0 picks a free port. @default 3000 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
}

export interface DemoSiteHandle {
  /** http://localhost:<port> (or http://<host>:<port> for a non-loopback host). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export function startDemoSite(opts: StartDemoSiteOptions): Promise<DemoSiteHandle> {
  const { port = 3000, host = '127.0.0.1', ...siteOpts } = opts;
  const app = createDemoSite(siteOpts);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
      const shown = host === '127.0.0.1' || host === '::1' || host === 'localhost' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            // Keep-alive sockets would hold close() open; drop them.
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
    server.once('error', reject);
  });
}
