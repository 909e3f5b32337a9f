/**
 * The stateful resources, declared once. The CDK stack builds its tables from these definitions and
 * the local mode creates the same tables in the emulator; handlers find each table's name in the
 * environment variable named here.
 */
export type AttributeType = 'S' | 'N';
export interface KeyDef {
  name: string;
  type: AttributeType;
}
export interface IndexDef {
  name: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
}
export interface TableDef {
  /** Logical id in the stack and base of the local table name. */
  id: string;
  envVar: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  indexes?: IndexDef[];
  ttlAttribute?: string;
  /** Why the data lives here and how long: shown in the README and as the table description. */
  purpose: string;
}

const pk: KeyDef = { name: 'pk', type: 'S' };
const sk: KeyDef = { name: 'sk', type: 'S' };

export const TABLES = {
  consents: {
    id: 'Consents',
    envVar: 'CONSENTS_TABLE',
    partitionKey: pk,
    sortKey: sk,
    purpose: 'Consent receipts (append-only history) and each visitor\u2019s current choices (policy 3).',
  },
  visits: {
    id: 'Visits',
    envVar: 'VISITS_TABLE',
    // pk = "V#<visitorId>" (records, newest last) or "M#<memberId>" (links to visitor ids): a
    // visitor's or member's visits are found, exported or erased by Query, never by Scan; one
    // partition per visitor, so no page or day is a hot key.
    partitionKey: pk,
    sortKey: sk,
    ttlAttribute: 'expiresAt',
    purpose: 'Visit records from storefront beacons, kept only with analytics consent, expiring by TTL (policy 1.1, 1.2, 3).',
  },
  orders: {
    id: 'Orders',
    envVar: 'ORDERS_TABLE',
    partitionKey: pk,
    indexes: [{ name: 'byMember', partitionKey: { name: 'memberId', type: 'S' }, sortKey: { name: 'orderedAt', type: 'S' } }],
    purpose: 'Purchase records from the storefront backend, kept as business records for disputes (policy 1.1(3), 2.2).',
  },
  members: {
    id: 'Members',
    envVar: 'MEMBERS_TABLE',
    partitionKey: pk,
    indexes: [
      // Sender address -> member, for email intake and web requests (addresses stored lower-case).
      { name: 'byEmail', partitionKey: { name: 'email', type: 'S' } },
      // Sparse: only deactivated members whose dispute hold has not yet ended, ordered by its end.
      { name: 'byHoldEnd', partitionKey: { name: 'holdQueue', type: 'S' }, sortKey: { name: 'holdUntil', type: 'S' } },
      // Sparse: the keyed hash partners send to ask "is this person a member?" (policy 5).
      { name: 'byPartnerHash', partitionKey: { name: 'partnerHash', type: 'S' } },
    ],
    purpose: 'Members as the storefront backend registers them; deactivated (not deleted) on cancellation and kept for disputes (policy 2.2).',
  },
  requests: {
    id: 'Requests',
    envVar: 'REQUESTS_TABLE',
    partitionKey: pk,
    indexes: [
      // The staff queue: open requests soonest due first, without a scan.
      { name: 'byStatus', partitionKey: { name: 'status', type: 'S' }, sortKey: { name: 'dueKey', type: 'S' } },
      // A requester's requests, to fold repeats into the open one and for exports.
      { name: 'byEmail', partitionKey: { name: 'email', type: 'S' }, sortKey: { name: 'receivedAt', type: 'S' } },
      // Sparse: only requests not closed yet, by address: folding a repeat reads these, not the history.
      { name: 'byOpenEmail', partitionKey: { name: 'openEmail', type: 'S' } },
      // Sparse: only live deadline chains ("CHAIN#<id>" items) by when they were last seen, so the
      // hourly sweep reads the chains that went quiet, not every open request.
      { name: 'byQuietChain', partitionKey: { name: 'chainQueue', type: 'S' }, sortKey: { name: 'seenAt', type: 'S' } },
      // Sparse: only requests that still owe an effect (mail, audit entry, chain), oldest first, for the sweep.
      { name: 'byOwed', partitionKey: { name: 'owedQueue', type: 'S' }, sortKey: { name: 'owedSince', type: 'S' } },
    ],
    ttlAttribute: 'expiresAt',
    purpose: 'Data-subject requests (policy 2.1, PDPA) with their history and outcome; rate-limit counters expire by TTL.',
  },
  audit: {
    id: 'Audit',
    envVar: 'AUDIT_TABLE',
    // pk = subject (member id, or "system"), sk = zero-padded sequence: one hash chain per subject.
    partitionKey: pk,
    sortKey: sk,
    purpose: 'Append-only, hash-chained audit log of every change to personal data and every staff action.',
  },
  disclosures: {
    id: 'Disclosures',
    envVar: 'DISCLOSURES_TABLE',
    partitionKey: pk,
    sortKey: sk,
    purpose: 'Register of disclosures to third parties with their legal basis (policy 5), append-only.',
  },
  subscriptions: {
    id: 'Subscriptions',
    envVar: 'SUBSCRIPTIONS_TABLE',
    // pk = SHA-256 of the lower-cased address: the key in unsubscribe links, with no address in clear.
    partitionKey: pk,
    purpose: 'Suppression list: who refused newsletters and promotions, when and how (policy 6); the shop\u2019s mail sender checks it.',
  },
  policies: {
    id: 'Policies',
    envVar: 'POLICIES_TABLE',
    partitionKey: pk,
    sortKey: sk,
    purpose: 'Published privacy-policy versions with effective dates and text hashes (policy 7).',
  },
} as const satisfies Record<string, TableDef>;

export type TableKey = keyof typeof TABLES;

/** Buckets, declared once like the tables. */
export interface BucketDef {
  id: string;
  envVar: string;
  /** Objects are deleted after this many days. */
  expireAfterDays: number;
  /** All objects live under this prefix; grants name it. */
  keyPrefix: string;
  purpose: string;
}

export const BUCKETS = {
  inboundMail: {
    id: 'InboundMail',
    envVar: 'INBOUND_MAIL_BUCKET',
    // Long enough for SES and Lambda retries and a person to look at a failed mail; short because raw mail is personal data.
    expireAfterDays: 30,
    keyPrefix: 'inbound/',
    purpose: 'Raw inbound mail written by the SES receipt rule, read by the inbound handler.',
  },
  exports: {
    id: 'Exports',
    envVar: 'EXPORTS_BUCKET',
    expireAfterDays: 7,
    keyPrefix: 'exports/',
    purpose: 'Machine-readable exports for access requests, handed out through time-limited links.',
  },
} as const satisfies Record<string, BucketDef>;

export type BucketKey = keyof typeof BUCKETS;

/** Queues, declared once like the tables. */
export interface QueueDef {
  id: string;
  envVar: string;
  /** Deliveries before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  visibilityTimeoutSeconds: number;
  purpose: string;
}

export const QUEUES = {
  deadlines: {
    id: 'Deadlines',
    envVar: 'DEADLINES_QUEUE_URL',
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 60,
    purpose: 'Deadline jobs: each re-sends itself (at most 15 minutes later) until its milestone is due, then reminds, escalates or enforces.',
  },
} as const satisfies Record<string, QueueDef>;

export type QueueKey = keyof typeof QUEUES;

/**
 * The stack's own EventBridge bus of events out (issue 14): state changes the shop's other systems
 * act on. Consumers are configured per stage (`eventConsumers` in cdk.json).
 */
export const EVENT_BUS = {
  id: 'Events',
  envVar: 'EVENT_BUS_NAME',
  purpose:
    'Events out for the shop\u2019s other systems (request opened or completed, erasure due, deactivation, suppression, ...), one JSON Schema per type in events/schemas/.',
} as const;

/** Secrets the functions may read; in AWS from Secrets Manager, locally from the named env var. */
export const SECRETS = {
  tokenKey: {
    id: 'TokenSigningKey',
    arnEnvVar: 'TOKEN_SECRET_ARN',
    localEnvVar: 'TOKEN_SECRET',
    purpose: 'HMAC key that signs consent tokens and the links in mail.',
  },
} as const;

export type SecretKey = keyof typeof SECRETS;

/**
 * Joint-marketing partners' keys (policy 5): one secret per partner declared in the stage settings,
 * so their number is not fixed here. Functions find them as a JSON map of partner id to secret ARN;
 * locally as a JSON map of partner id to key.
 */
export const PARTNER_SECRETS = { arnsEnvVar: 'PARTNER_SECRET_ARNS', localEnvVar: 'PARTNER_KEYS' } as const;
