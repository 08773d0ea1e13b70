// GET /r/:linkKey — the short partner link: records a click (not for bots or HEAD requests),
// sets the server attribution cookie when the ingest shares the destination's root domain,
// and answers 302 to the destination with ps_partner_key and ps_xid appended.
// An unknown link is a small 404 page, never a redirect.
import { Hono } from 'hono';
import type { AppContext } from '../context.js';
import { parseVisitor, recordClick, type RecordedClick } from '../domain/clicks.js';
import { withPartnerParams } from '../domain/links.js';
import type { AppEnv } from '../http/auth.js';
import { setAttributionCookie } from '../http/cookies.js';
import { clientIp } from '../http/request-info.js';
import { linkByKey, type LinkRow } from '../store/links.js';
import { programById, type Program } from '../store/programs.js';

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
    const visitor = parseVisitor(c.req.header('user-agent'));
    const counted = !visitor.bot && c.req.method !== 'HEAD';
    const find = (): { link: LinkRow; program: Program; click?: RecordedClick } | undefined => {
      const link = LINK_KEY.test(linkKey) ? linkByKey(ctx.db, linkKey) : undefined;
      const program = link && programById(ctx.db, link.program_id);
      return link && program ? { link, program } : undefined;
    };
    // A counted visit looks the link up inside the group-committed write that records the
    // click: a read inside a write transaction skips taking a WAL read snapshot of its own.
    const hit = counted
      ? await ctx.db.batch(() => {
          const found = find();
          if (!found) return undefined;
          const { link, program } = found;
          const click = recordClick(ctx, {
            program,
            partnerId: link.partner_id,
            linkId: link.id,
            contactId: link.contact_id,
            source: 'link',
            url: link.destination,
            referrer: c.req.header('referer'),
            visitor,
            ip: clientIp(c, ctx.options.trustProxy),
          });
          return { ...found, click };
        })
      : find();
    if (!hit) return c.html(notFoundPage(linkKey), 404, { 'Cache-Control': 'no-store' });
    const { link, program } = hit;
    let xid: string | undefined;
    if (hit.click) {
      xid = hit.click.xid;
      setAttributionCookie(ctx, c, program, hit.click, link.destination);
    }
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer-when-downgrade');
    return c.redirect(withPartnerParams(link.destination, link.partner_key, xid), 302);
  });
  return r;
}
