// Partners: creation (key given or derived from the name, group, tags, the first link, the
// partner.created event, all in one transaction) and their public JSON.
import type { AppContext } from '../context.js';
import { ApiError } from '../http/errors.js';
import { partnerBalances, partnerRevenue, type Balance } from '../store/ledger.js';
import { countClicks } from '../store/clicks.js';
import { defaultGroup, groupByKey } from '../store/groups.js';
import { linksOfPartner } from '../store/links.js';
import { countCustomersOf, insertPartner, partnerById, partnerUniqueField, type PartnerRow } from '../store/partners.js';
import { randomId, type Program } from '../store/programs.js';
import { addPartnerTags, ensureTags, partnerTags } from '../store/tags.js';
import { createLink, defaultDestination, linkJson, type LinkJson } from './links.js';

export interface PartnerJson {
  key: string;
  email: string;
  name: string;
  groupKey: string | null;
  tags: string[];
  createdAt: string;
  links: LinkJson[];
}

export interface PartnerDetailJson extends PartnerJson {
  balances: Balance[];
  stats: { clicks: number; customers: number; revenue: number; revenueByCurrency: { currency: string; amount: number }[] };
}

export function partnerJson(ctx: AppContext, p: PartnerRow, base: string): PartnerJson {
  return {
    key: p.key,
    email: p.email,
    name: p.name,
    groupKey: p.group_key,
    tags: partnerTags(ctx.db, p.id),
    createdAt: new Date(p.created_at).toISOString(),
    links: linksOfPartner(ctx.db, p.id).map((l) => linkJson(l, base)),
  };
}

export function partnerDetailJson(ctx: AppContext, p: PartnerRow, base: string): PartnerDetailJson {
  const revenueByCurrency = partnerRevenue(ctx.db, p.id);
  return {
    ...partnerJson(ctx, p, base),
    balances: partnerBalances(ctx.db, p.id, ctx.now()),
    stats: {
      clicks: countClicks(ctx.db, p.id),
      customers: countCustomersOf(ctx.db, p.id),
      revenue: revenueByCurrency.reduce((sum, r) => sum + r.amount, 0),
      revenueByCurrency,
    },
  };
}

/** A key from the name: lowercase slug + '-' + 6 random chars. */
function keyFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `${slug || 'partner'}-${randomId(6).toLowerCase()}`;
}

export interface PartnerInput {
  email: string;
  name: string;
  key?: string;
  groupKey?: string;
  tags?: string[];
}

/** 409 (field key/email) for a taken key or email, 422 (field groupKey) for an unknown group. */
export function createPartner(ctx: AppContext, program: Program, input: PartnerInput, base: string): PartnerJson {
  const { db } = ctx;
  return db.tx(() => {
    const now = ctx.now();
    const group = input.groupKey === undefined ? defaultGroup(db, program.id) : groupByKey(db, program.id, input.groupKey);
    if (!group) throw new ApiError(422, 'unknown_group', `No group with key ${input.groupKey}`, 'groupKey');
    let id: number | undefined;
    for (let attempt = 0; id === undefined; attempt++) {
      const key = input.key ?? keyFromName(input.name);
      try {
        id = insertPartner(db, { programId: program.id, key, email: input.email, name: input.name, groupId: group.id, now });
      } catch (err) {
        const field = partnerUniqueField(err);
        if (field === 'key' && input.key === undefined && attempt < 4) continue;
        if (field) throw new ApiError(409, `partner_${field}_taken`, `A partner with this ${field} already exists`, field);
        throw err;
      }
    }
    if (input.tags?.length) addPartnerTags(db, id, ensureTags(db, program.id, [...new Set(input.tags)]));
    createLink(ctx, program, id, defaultDestination(program, base));
    const partner = partnerJson(ctx, partnerById(db, id)!, base);
    ctx.bus.emit(db, { type: 'partner.created', programId: program.id, at: now, ids: { partnerId: id }, data: { partner } });
    return partner;
  });
}
