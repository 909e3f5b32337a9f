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
    // Sparse: only receipts given by a signed-in member carry memberId, so erasure/export by member is a Query.
    indexes: [{ name: 'byMember', partitionKey: { name: 'memberId', type: 'S' }, sortKey: { name: 'recordedAt', type: 'S' } }],
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
  policies: {
    id: 'Policies',
    envVar: 'POLICIES_TABLE',
    partitionKey: pk,
    sortKey: sk,
    purpose: 'Published privacy-policy versions with effective dates and text hashes (policy 7).',
  },
} as const satisfies Record<string, TableDef>;

export type TableKey = keyof typeof TABLES;

/** Secrets the functions may read; in AWS from Secrets Manager, locally from the named env var. */
export const SECRETS = {
  tokenKey: {
    id: 'TokenSigningKey',
    arnEnvVar: 'TOKEN_SECRET_ARN',
    localEnvVar: 'TOKEN_SECRET',
    purpose: 'HMAC key that signs consent tokens.',
  },
} as const;

export type SecretKey = keyof typeof SECRETS;
