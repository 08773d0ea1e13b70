// Bad input on every program route answers a SPEC-shaped 4xx ({ error: { code, message, field? } }), never a 500.
import { expect, test } from 'vitest';
import { harness } from './harness.js';

test('garbage bodies and params on every program route: SPEC-shaped 4xx, never a 500', async () => {
  const h = await harness();
  await h.partner('alice');
  await h.customer('c1', 'alice');
  await h.txn('t1', 'c1', 100);
  const paths: [string, string][] = [
    ['POST', '/v1/transactions'], ['POST', '/v1/transactions/t1/refund'], ['POST', '/v1/transactions/%ZZ/refund'], ['GET', '/v1/transactions?limit=-1'], ['GET', '/v1/transactions?startingAfter=zz'],
    ['GET', '/v1/transactions/%E0%A4%A'], ['POST', '/v1/offers'], ['PATCH', '/v1/offers/x'], ['GET', '/v1/rewards?status=x&partnerKey='], ['POST', '/v1/rewards'],
    ['POST', '/v1/rewards/rwd_99999999999999999999/approve'], ['POST', '/v1/rewards/rwd_1/decline'], ['POST', '/v1/payouts'], ['GET', '/v1/payouts?startingAfter=po_x'], ['GET', '/v1/payouts/po_0'],
    ['POST', '/v1/groups'], ['PUT', '/v1/partners/alice/group'], ['POST', '/v1/partners/alice/tags'], ['DELETE', '/v1/partners/alice/tags'], ['POST', '/v1/segments'], ['GET', '/v1/segments/x/partners'],
    ['POST', '/v1/tiers'], ['POST', '/v1/triggers'], ['POST', '/v1/webhooks'], ['DELETE', '/v1/webhooks/wh_1'], ['GET', '/v1/webhooks/x/deliveries'], ['POST', '/v1/partners/alice/contacts'],
    ['GET', '/v1/partners/alice/contacts/x/view'], ['POST', '/v1/leads'], ['POST', '/v1/deals'], ['PATCH', '/v1/deals/x'], ['GET', '/v1/reports/partners?from=1&to=2'], ['GET', '/v1/reports/program?from=2020-13-45'],
  ];
  const bodies: unknown[] = [undefined, '', 'null', '[]', '{', '"x"', {}, { amount: 1e400 }, { amount: 'NaN', currency: 'USD', key: 'a', customerKey: 'c1' }, { key: 'x'.repeat(300), customerKey: 'c1', amount: 1, currency: 'USD' },
    { name: 'n', event: 'transaction.created', bps: 1, startsAt: '2020-01-01T00:00:00Z', endsAt: '2020-01-01T00:00:00Z' }, { partnerKey: 'alice', amount: 5, currency: 'USD', description: 'x' },
    { rules: [{ field: 'tag' }], name: 'x' }, { tags: ['a'.repeat(65)] }, { url: 'http://x', events: ['*'] }, { email: 'a@b', name: 'n', role: 'god' }, { status: 'won', amount: 5 }, { reason: 'x' },
    { partnerKey: 'alice', currency: 'XXX' }, { name: 't', metric: 'revenue', threshold: 1 }, { name: 't', event: 'deal.won', action: { type: 'create_reward', amount: 1e13, currency: 'USD' } }];
  try {
    for (const [method, path] of paths) {
      for (const body of bodies) {
        if (method === 'GET' && body !== undefined) continue;
        const r = await h.api(path, { method, ...(body === undefined ? {} : { body }) });
        const what = `${method} ${path} ${JSON.stringify(body)?.slice(0, 60)}`;
        expect(r.status, what).toBeLessThan(500);
        if (r.status >= 400) expect(r.body, what).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
      }
    }
  } finally {
    await h.close();
  }
});
