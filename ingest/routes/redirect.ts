// GET /r/:linkKey — the short partner link: records a click (not for bots or HEAD requests),
// sets the server attribution cookie when the ingest shares the destination's root domain,
// and answers 302 to the destination with ps_partner_key and ps_xid appended.
// An unknown link is a small 404 page, never a redirect.
import { Hono } from 'hono';
import type { AppContext } from '../context.js';
import { parseVisitor, recordClick } from '../domain/clicks.js';
import { withPartnerParams } from '../domain/links.js';
import type { AppEnv } from '../http/auth.js';
import { setAttributionCookie } from '../http/cookies.js';
import { clientIp } from '../http/request-info.js';
import { linkByKey } from '../store/links.js';
import { programById } from '../store/programs.js';

const LINK_KEY = /^[A-Za-z0-9_-]{1,64}$/;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function notFoundPage(linkKey: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Link not found</title></head><body><h1>Link not found</h1><p>There is no link <code>${escapeHtml(linkKey.slice(0, 100))}</code>. Check the address you followed.</p></body></html>`;
}

export function redirectRoutes(ctx: AppContext): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  ctx.openapi.add({ method: 'get', path: '/r/:linkKey', tag: 'browser', auth: 'none', summary: 'Partner short link: records a click and redirects', responses: { 302: 'To the destination with ps_partner_key and ps_xid', 404: 'Unknown link (HTML page)' } });
  r.get('/r/:linkKey', async (c) => {
    const linkKey = c.req.param('linkKey');
    const link = LINK_KEY.test(linkKey) ? linkByKey(ctx.db, linkKey) : undefined;
    const program = link && programById(ctx.db, link.program_id);
    if (!link || !program) return c.html(notFoundPage(linkKey), 404, { 'Cache-Control': 'no-store' });

    const visitor = parseVisitor(c.req.header('user-agent'));
    let xid: string | undefined;
    if (!visitor.bot && c.req.method !== 'HEAD') {
      const input = {
        program,
        partnerId: link.partner_id,
        linkId: link.id,
        contactId: link.contact_id,
        source: 'link' as const,
        url: link.destination,
        referrer: c.req.header('referer'),
        visitor,
        ip: clientIp(c, ctx.options.trustProxy),
      };
      const click = await ctx.db.batch(() => recordClick(ctx, input));
      xid = click.xid;
      setAttributionCookie(ctx, c, program, click, link.destination);
    }
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer-when-downgrade');
    return c.redirect(withPartnerParams(link.destination, link.partner_key, xid), 302);
  });
  return r;
}
