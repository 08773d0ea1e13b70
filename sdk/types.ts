// Public types of the browser script: the options of `init()` (the ES module) and what the
// commands take and resolve with. The script tag's `data-*` attributes map onto the options.

/** How the script is configured. On the script tag: `data-key`, `data-api`, `data-consent`, `data-debug`. */
export interface RefstackOptions {
  /**
   * The program's publishable key.
   * @example "pk_live_4f9a..."
   */
  key: string;
  /**
   * Base URL of the ingest (no trailing slash).
   * @default the origin of the script's own `src` (the ingest serves the script)
   * @example "https://track.vendor.com"
   */
  api: string;
  /**
   * `"required"`: nothing is written to cookies or storage and nothing is sent until
   * `consent(true)`; calls made before are held in memory.
   * @default undefined (consent not required)
   * @example "required"
   */
  consent?: 'required';
  /**
   * Log dropped calls and retries to the console, prefixed `[refstack]`.
   * @default false
   */
  debug?: boolean;
}

/** A new customer. Idempotent per `customerKey`. */
export interface SignupInput {
  /**
   * Your id for the customer.
   * @example "cus_123"
   */
  customerKey: string;
  /** @example "ada@example.com" */
  email: string;
  /** @example "Ada Lovelace" */
  name?: string;
  /** Free-form data stored with the customer. */
  metadata?: Record<string, unknown>;
  /**
   * Partner to credit when this visitor carries no attribution of its own (what
   * PartnerStackJS's `growsumo.data.partner_key` does). A cookie attribution always wins.
   * @default undefined
   */
  partnerKey?: string;
}

/** The same visitor, logged in: attributes an existing referral to this customer if not yet done. */
export interface IdentifyInput {
  /** @example "cus_123" */
  customerKey: string;
  /** @example "ada@example.com" */
  email?: string;
}

/** The partner this visitor came from, as stored in the first-party cookies. */
export interface Attribution {
  /** The partner's key (canonical once the ingest answered; the raw link value if it never did). */
  partnerKey: string;
  /** The click id, when known. */
  xid: string | null;
}

/** What `signup` and `identify` resolve with. */
export interface CustomerResult {
  customerKey: string;
  /** The partner the customer is attributed to; `null` when not referred. */
  partnerKey: string | null;
}

/** The commands; each returns a Promise. */
export interface Refstack {
  /**
   * Creates the customer, attributed to the partner if this visitor was referred. On a network
   * failure the call is kept and retried, and the promise resolves with what is known locally;
   * it rejects (an `Error` with `code` and `status`) only when the ingest refuses the call.
   */
  signup(input: SignupInput): Promise<CustomerResult>;
  /** Sends nothing (and resolves `partnerKey: null`) when the visitor carries no attribution. */
  identify(input: IdentifyInput): Promise<CustomerResult>;
  /** The stored attribution, or `null`. */
  attribution(): Promise<Attribution | null>;
  /** Grants (`true`) or withdraws (`false`, which clears the cookies and storage written) consent. */
  consent(granted: boolean): Promise<void>;
}
