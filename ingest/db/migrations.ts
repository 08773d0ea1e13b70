// Versioned schema migrations. Append only: never edit a migration that has shipped; add a
// new one. Each runs once, in its own IMMEDIATE transaction, recorded in schema_migrations.
//
// Conventions: INTEGER PRIMARY KEY row ids (internal, ordering "newest first" = id DESC);
// times are INTEGER milliseconds since the epoch; money is INTEGER minor units with a
// 3-letter currency; every natural key has a UNIQUE index (dedup is an index, not a lookup).

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const core = /* sql */ `
CREATE TABLE company (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);

CREATE TABLE program (
  id                  INTEGER PRIMARY KEY,
  company_id          INTEGER NOT NULL REFERENCES company(id),
  key                 TEXT NOT NULL UNIQUE,
  name                TEXT NOT NULL,
  publishable_key     TEXT NOT NULL UNIQUE,
  secret_key_hash     TEXT NOT NULL UNIQUE,           -- sha256 hex of sk_...; the key itself is never stored
  cookie_window_days  INTEGER NOT NULL DEFAULT 90 CHECK (cookie_window_days BETWEEN 1 AND 730),
  attribution_model   TEXT NOT NULL DEFAULT 'last_click' CHECK (attribution_model IN ('last_click', 'first_click')),
  hold_days           INTEGER NOT NULL DEFAULT 30 CHECK (hold_days >= 0),
  allowed_origins     TEXT NOT NULL DEFAULT '[]',     -- JSON array of exact origins
  default_destination TEXT,
  created_at          INTEGER NOT NULL
);

CREATE TABLE partner_group (
  id          INTEGER PRIMARY KEY,
  program_id  INTEGER NOT NULL REFERENCES program(id),
  key         TEXT NOT NULL,
  name        TEXT NOT NULL,
  is_default  INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL,
  UNIQUE (program_id, key)
);

CREATE TABLE partner (
  id          INTEGER PRIMARY KEY,
  program_id  INTEGER NOT NULL REFERENCES program(id),
  key         TEXT NOT NULL,
  email       TEXT NOT NULL,
  name        TEXT NOT NULL,
  group_id    INTEGER REFERENCES partner_group(id),
  status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  created_at  INTEGER NOT NULL,
  UNIQUE (program_id, key)
);
CREATE UNIQUE INDEX partner_email ON partner (program_id, email COLLATE NOCASE);

CREATE TABLE partner_contact (
  id          INTEGER PRIMARY KEY,
  partner_id  INTEGER NOT NULL REFERENCES partner(id),
  key         TEXT NOT NULL,
  email       TEXT NOT NULL,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  created_at  INTEGER NOT NULL,
  UNIQUE (partner_id, key)
);
CREATE UNIQUE INDEX partner_contact_email ON partner_contact (partner_id, email COLLATE NOCASE);

CREATE TABLE tag (
  id          INTEGER PRIMARY KEY,
  program_id  INTEGER NOT NULL REFERENCES program(id),
  name        TEXT NOT NULL,
  UNIQUE (program_id, name)
);

CREATE TABLE partner_tag (
  partner_id  INTEGER NOT NULL REFERENCES partner(id),
  tag_id      INTEGER NOT NULL REFERENCES tag(id),
  PRIMARY KEY (partner_id, tag_id)
) WITHOUT ROWID;

CREATE TABLE link (
  id          INTEGER PRIMARY KEY,
  program_id  INTEGER NOT NULL REFERENCES program(id),
  partner_id  INTEGER NOT NULL REFERENCES partner(id),
  contact_id  INTEGER REFERENCES partner_contact(id),
  key         TEXT NOT NULL UNIQUE,
  destination TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX link_partner ON link (partner_id);

CREATE TABLE click (
  id          INTEGER PRIMARY KEY,
  program_id  INTEGER NOT NULL REFERENCES program(id),
  xid         TEXT NOT NULL UNIQUE,
  partner_id  INTEGER NOT NULL REFERENCES partner(id),
  link_id     INTEGER REFERENCES link(id),
  contact_id  INTEGER REFERENCES partner_contact(id),
  source      TEXT NOT NULL CHECK (source IN ('link', 'script', 'signup')),
  url         TEXT,
  referrer    TEXT,
  ip_hash     TEXT,
  browser     TEXT,
  os          TEXT,
  device      TEXT,
  country     TEXT,
  created_at  INTEGER NOT NULL
);
CREATE INDEX click_partner ON click (partner_id, created_at);

CREATE TABLE customer (
  id             INTEGER PRIMARY KEY,
  program_id     INTEGER NOT NULL REFERENCES program(id),
  key            TEXT NOT NULL,
  email          TEXT,
  name           TEXT,
  partner_id     INTEGER REFERENCES partner(id),
  click_id       INTEGER REFERENCES click(id),
  contact_id     INTEGER REFERENCES partner_contact(id),
  metadata       TEXT,                                -- JSON object
  self_referral  INTEGER NOT NULL DEFAULT 0,          -- 1: referred by itself, not credited
  attributed_at  INTEGER,
  created_at     INTEGER NOT NULL,
  UNIQUE (program_id, key)
);
CREATE INDEX customer_partner ON customer (partner_id, created_at);
`;

// Version 2 (reward pipeline): transactions and refunds, offers, the reward ledger, payouts,
// tiers, segments, triggers, leads/deals and the webhook outbox. Reward rows that are paid,
// declined or reversed are final: a SQLite trigger refuses any UPDATE of them.
const rewards = /* sql */ `
CREATE TABLE tier (
  id          INTEGER PRIMARY KEY,
  program_id  INTEGER NOT NULL REFERENCES program(id),
  key         TEXT NOT NULL,
  name        TEXT NOT NULL,
  rank        INTEGER NOT NULL CHECK (rank >= 1),
  metric      TEXT NOT NULL CHECK (metric IN ('revenue', 'customers')),
  threshold   INTEGER NOT NULL CHECK (threshold >= 0),
  currency    TEXT,                                  -- revenue tiers only
  period_days INTEGER CHECK (period_days >= 1),      -- NULL: all time
  created_at  INTEGER NOT NULL,
  UNIQUE (program_id, key),
  UNIQUE (program_id, rank),
  CHECK ((metric = 'revenue') = (currency IS NOT NULL))
);
ALTER TABLE partner ADD COLUMN tier_id INTEGER REFERENCES tier(id);

CREATE TABLE offer (
  id               INTEGER PRIMARY KEY,
  program_id       INTEGER NOT NULL REFERENCES program(id),
  key              TEXT NOT NULL,
  name             TEXT NOT NULL,
  event            TEXT NOT NULL CHECK (event IN ('customer.created', 'transaction.created', 'deal.won')),
  first_only       INTEGER NOT NULL DEFAULT 0,
  amount           INTEGER,
  currency         TEXT,
  bps              INTEGER CHECK (bps BETWEEN 1 AND 10000),
  duration_months  INTEGER CHECK (duration_months >= 1),
  max_per_customer INTEGER CHECK (max_per_customer >= 1),
  max_per_partner  INTEGER CHECK (max_per_partner >= 1),
  starts_at        INTEGER,
  ends_at          INTEGER,
  group_id         INTEGER REFERENCES partner_group(id),
  tier_id          INTEGER REFERENCES tier(id),
  status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  created_at       INTEGER NOT NULL,
  UNIQUE (program_id, key),
  CHECK ((amount IS NOT NULL AND currency IS NOT NULL AND bps IS NULL) OR (amount IS NULL AND currency IS NULL AND bps IS NOT NULL))
);
CREATE INDEX offer_event ON offer (program_id, event, status);

-- A sale (amount > 0) or a refund (amount < 0). Refunds say which sales they took back in
-- refund_allocation. body_hash + response make a retried POST answer exactly the same.
CREATE TABLE txn (
  id            INTEGER PRIMARY KEY,
  program_id    INTEGER NOT NULL REFERENCES program(id),
  key           TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('sale', 'refund')),
  customer_id   INTEGER NOT NULL REFERENCES customer(id),
  partner_id    INTEGER REFERENCES partner(id),
  contact_id    INTEGER REFERENCES partner_contact(id),
  amount        INTEGER NOT NULL CHECK ((kind = 'sale' AND amount > 0) OR (kind = 'refund' AND amount < 0)),
  currency      TEXT NOT NULL,
  product_key   TEXT,
  category_key  TEXT,
  refund_of_id  INTEGER REFERENCES txn(id),
  body_hash     TEXT NOT NULL,
  response      TEXT,
  created_at    INTEGER NOT NULL,
  UNIQUE (program_id, key)
);
CREATE INDEX txn_customer ON txn (customer_id, currency, kind);
CREATE INDEX txn_partner ON txn (partner_id, created_at);
CREATE INDEX txn_program ON txn (program_id, created_at);

CREATE TABLE refund_allocation (
  refund_id  INTEGER NOT NULL REFERENCES txn(id),
  sale_id    INTEGER NOT NULL REFERENCES txn(id),
  amount     INTEGER NOT NULL CHECK (amount > 0),
  PRIMARY KEY (refund_id, sale_id)
) WITHOUT ROWID;
CREATE INDEX refund_allocation_sale ON refund_allocation (sale_id);

CREATE TABLE deal (
  id          INTEGER PRIMARY KEY,
  program_id  INTEGER NOT NULL REFERENCES program(id),
  partner_id  INTEGER NOT NULL REFERENCES partner(id),
  key         TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('lead', 'deal')),
  email       TEXT,
  name        TEXT,
  company     TEXT,
  amount      INTEGER,
  currency    TEXT,
  status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
  closed_at   INTEGER,
  created_at  INTEGER NOT NULL,
  UNIQUE (program_id, key)
);
CREATE INDEX deal_partner ON deal (partner_id, created_at);

CREATE TABLE trigger_rule (
  id          INTEGER PRIMARY KEY,
  program_id  INTEGER NOT NULL REFERENCES program(id),
  key         TEXT NOT NULL,
  name        TEXT NOT NULL,
  event       TEXT NOT NULL,
  conditions  TEXT NOT NULL DEFAULT '[]',             -- JSON [{ field, op, value }]
  action      TEXT NOT NULL,                          -- JSON { type, ... }
  status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  created_at  INTEGER NOT NULL,
  UNIQUE (program_id, key)
);

CREATE TABLE payout (
  id            INTEGER PRIMARY KEY,
  program_id    INTEGER NOT NULL REFERENCES program(id),
  partner_id    INTEGER NOT NULL REFERENCES partner(id),
  amount        INTEGER NOT NULL CHECK (amount > 0),
  currency      TEXT NOT NULL,
  reward_count  INTEGER NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE INDEX payout_partner ON payout (partner_id, id);
CREATE INDEX payout_program ON payout (program_id, id);

-- The ledger. A reversal after payout is a new negative row whose reverses_id names the
-- original; (offer|trigger, source) is unique so an event rewards once per offer.
CREATE TABLE reward (
  id           INTEGER PRIMARY KEY,
  program_id   INTEGER NOT NULL REFERENCES program(id),
  partner_id   INTEGER NOT NULL REFERENCES partner(id),
  customer_id  INTEGER REFERENCES customer(id),
  offer_id     INTEGER REFERENCES offer(id),
  trigger_id   INTEGER REFERENCES trigger_rule(id),
  source_type  TEXT NOT NULL CHECK (source_type IN ('customer', 'transaction', 'deal', 'manual', 'refund', 'partner')),
  source_id    INTEGER,
  reverses_id  INTEGER REFERENCES reward(id),
  amount       INTEGER NOT NULL CHECK (amount <> 0),
  currency     TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'paid', 'declined', 'reversed')),
  approve_at   INTEGER NOT NULL,
  approved_at  INTEGER,
  payout_id    INTEGER REFERENCES payout(id),
  reason       TEXT,
  description  TEXT,
  ext_key      TEXT,
  created_at   INTEGER NOT NULL,
  CHECK ((status = 'paid') = (payout_id IS NOT NULL))
);
CREATE UNIQUE INDEX reward_offer_source ON reward (offer_id, source_type, source_id) WHERE offer_id IS NOT NULL AND reverses_id IS NULL;
CREATE UNIQUE INDEX reward_trigger_source ON reward (trigger_id, source_type, source_id) WHERE trigger_id IS NOT NULL AND reverses_id IS NULL;
CREATE UNIQUE INDEX reward_ext_key ON reward (program_id, ext_key) WHERE ext_key IS NOT NULL;
CREATE INDEX reward_partner ON reward (partner_id, currency, status);
CREATE INDEX reward_program ON reward (program_id, id);
CREATE INDEX reward_due ON reward (status, approve_at);
CREATE INDEX reward_source ON reward (source_type, source_id);
CREATE INDEX reward_reverses ON reward (reverses_id);
CREATE INDEX reward_payout ON reward (payout_id);
CREATE TRIGGER reward_final_rows BEFORE UPDATE ON reward
  WHEN OLD.status IN ('paid', 'declined', 'reversed')
  BEGIN SELECT RAISE(ABORT, 'reward row is final (paid, declined or reversed)'); END;
CREATE TRIGGER reward_no_delete BEFORE DELETE ON reward
  BEGIN SELECT RAISE(ABORT, 'reward rows are never deleted'); END;

CREATE TABLE segment (
  id          INTEGER PRIMARY KEY,
  program_id  INTEGER NOT NULL REFERENCES program(id),
  key         TEXT NOT NULL,
  name        TEXT NOT NULL,
  match       TEXT NOT NULL DEFAULT 'all' CHECK (match IN ('all', 'any')),
  rules       TEXT NOT NULL,                          -- JSON [{ field, op, value, currency? }]
  created_at  INTEGER NOT NULL,
  UNIQUE (program_id, key)
);

CREATE TABLE webhook_endpoint (
  id          INTEGER PRIMARY KEY,
  program_id  INTEGER NOT NULL REFERENCES program(id),
  url         TEXT NOT NULL,
  secret      TEXT NOT NULL,
  events      TEXT NOT NULL,                          -- JSON array of event types, or ["*"]
  description TEXT,
  status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deleted')),
  created_at  INTEGER NOT NULL
);
CREATE INDEX webhook_endpoint_program ON webhook_endpoint (program_id, status);

-- The outbox: written in the same transaction as the event; 'sending' is a lease that
-- expires at next_attempt_at, so a delivery interrupted by a crash is retried.
CREATE TABLE webhook_delivery (
  id               INTEGER PRIMARY KEY,
  endpoint_id      INTEGER NOT NULL REFERENCES webhook_endpoint(id),
  event_id         TEXT NOT NULL,
  event_type       TEXT NOT NULL,
  payload          TEXT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  last_status      INTEGER,
  last_error       TEXT,
  delivered_at     INTEGER,
  created_at       INTEGER NOT NULL,
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (status, next_attempt_at);
`;

// Write-path speed (issue 6).
//  - Reward rows carried 9 indexes; three of them cover a column that is NULL, or a status
//    that is left behind, for almost every row. Partial indexes keep those rows out (each
//    index entry is a page write on the commit path). Queries on reverses_id = ? /
//    payout_id = ? / status = 'pending' still use them.
//  - config_stamp: a random number that triggers renew on every write to the tables the hot
//    paths read on every event (offers, groups, tiers, triggers, webhook endpoints). A
//    connection caches those reads and re-reads the stamp (one row) instead of them. Random,
//    not a counter, so a rolled-back change can never bring back a stamp a cache saw.
const stamped = ['offer', 'partner_group', 'tier', 'trigger_rule', 'webhook_endpoint'];
const speed = /* sql */ `
DROP INDEX reward_reverses;
CREATE INDEX reward_reverses ON reward (reverses_id) WHERE reverses_id IS NOT NULL;
DROP INDEX reward_payout;
CREATE INDEX reward_payout ON reward (payout_id) WHERE payout_id IS NOT NULL;
DROP INDEX reward_due;
CREATE INDEX reward_due ON reward (approve_at) WHERE status = 'pending';

CREATE TABLE config_stamp (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  stamp  INTEGER NOT NULL
);
INSERT INTO config_stamp (id, stamp) VALUES (1, random());
${stamped
  .flatMap((t) =>
    ['INSERT', 'UPDATE', 'DELETE'].map(
      (op) => `CREATE TRIGGER ${t}_stamp_${op.toLowerCase()} AFTER ${op} ON ${t} BEGIN UPDATE config_stamp SET stamp = random() WHERE id = 1; END;`,
    ),
  )
  .join('\n')}
`;

export const migrations: Migration[] = [
  { version: 1, name: 'core', sql: core },
  { version: 2, name: 'rewards', sql: rewards },
  { version: 3, name: 'write-path speed', sql: speed },
];
