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

export const migrations: Migration[] = [{ version: 1, name: 'core', sql: core }];
