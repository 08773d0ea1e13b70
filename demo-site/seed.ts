// Demo data for a fresh program, written through the ingest's public HTTP API with the
// secret key: a group, three partners with links, a flat signup offer and a percentage
// transaction offer. Idempotent: it does nothing when the program already has partners.
// Routes that are not there (groups, PATCH /v1/program) are skipped with a log line.
import type { IngestClient } from './ingest-client.js';

export const DEMO_GROUP = { key: 'affiliates', name: 'Affiliates' };

export const DEMO_PARTNERS = [
  { key: 'jane', name: 'Jane Doe', email: 'jane@example.com' },
  { key: 'sam', name: 'Sam Lee', email: 'sam@example.com' },
  { key: 'priya', name: 'Priya Patel', email: 'priya@example.com' },
] as const;

export const DEMO_OFFERS = [
  { name: 'Signup bonus', event: 'customer.created', amount: 500, currency: 'USD' },
  { name: '20% of revenue', event: 'transaction.created', bps: 2000 },
] as const;

export interface SeedOptions {
  /** Where the partners' links land: the demo's marketing (www) page. */
  destination: string;
  log?: (line: string) => void;
}

export interface DemoLink {
  linkKey: string;
  url: string;
  destination?: string;
}

export interface SeedResult {
  /** false when the program already had partners and nothing was written. */
  seeded: boolean;
  /** The group and offer names created (routes that were missing are left out). */
  created: { group?: string; offers: string[] };
  /** The partners: as created when seeded, else as the API lists them (newest first, up to 100). */
  partners: Array<{ key: string; name: string; email: string; links: DemoLink[] }>;
}

export async function seedDemo(api: IngestClient, opts: SeedOptions): Promise<SeedResult> {
  const log = opts.log ?? (() => {});
  const existing = await api.get<{ partners: SeedResult['partners'] }>('/v1/partners?limit=100');
  if (!existing.ok) throw new Error(`seed: GET /v1/partners failed: ${existing.error.status} ${existing.error.message}`);
  if (existing.data.partners.length > 0) return { seeded: false, created: { offers: [] }, partners: existing.data.partners };

  const program = await api.patch('/v1/program', { defaultDestination: opts.destination });
  if (!program.ok) log(`seed: default destination not set (${program.error.status} ${program.error.code})`);

  let groupKey: string | undefined;
  const group = await api.post<{ group?: { key?: string } }>('/v1/groups', DEMO_GROUP);
  if (group.ok) groupKey = group.data.group?.key ?? DEMO_GROUP.key;
  else if (group.status === 409) groupKey = DEMO_GROUP.key; // left by an interrupted earlier seed
  else log(`seed: group skipped (${group.error.status} ${group.error.code})`);

  const offers: string[] = [];
  for (const offer of DEMO_OFFERS) {
    const res = await api.post('/v1/offers', offer);
    if (res.ok) offers.push(offer.name);
    else log(`seed: offer "${offer.name}" skipped (${res.error.status} ${res.error.code}: ${res.error.message})`);
  }

  const partners: SeedResult['partners'] = [];
  for (const p of DEMO_PARTNERS) {
    const res = await api.post<{ partner: SeedResult['partners'][number] }>('/v1/partners', {
      ...p,
      ...(groupKey ? { groupKey } : {}),
    });
    if (!res.ok) throw new Error(`seed: POST /v1/partners (${p.key}) failed: ${res.error.status} ${res.error.message}`);
    const partner = res.data.partner;
    // The program's default destination may be unset (route absent): then point a link at
    // the demo explicitly.
    if (partner.links?.[0]?.destination !== opts.destination) {
      const link = await api.post<{ link: DemoLink }>(`/v1/partners/${encodeURIComponent(partner.key)}/links`, { destination: opts.destination });
      if (link.ok) partner.links = [link.data.link, ...(partner.links ?? [])];
    }
    partners.push(partner);
  }
  return { seeded: true, created: { group: groupKey && DEMO_GROUP.name, offers }, partners };
}

/** The short link to print for a partner: its link pointing at `destination`, else its first. */
export function linkFor(partner: SeedResult['partners'][number] | undefined, destination?: string): string | undefined {
  const links = partner?.links ?? [];
  return (links.find((l) => l.destination === destination) ?? links[0])?.url;
}
