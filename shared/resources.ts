/**
 * The stateful resources, declared once. The CDK stack builds its tables from these definitions and
 * the local mode creates the same tables in the emulator; handlers find each table's name in the
 * environment variable named here.
 */
import type { ActivityKey, Processing } from './processing';

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
  /**
   * Point-in-time recovery is on for every table unless this says why a restore would do harm or
   * no good (the reason is also the cdk-nag acknowledgement on that table).
   */
  noPointInTimeRecoveryBecause?: string;
  /**
   * DynamoDB Standard-Infrequent-Access: storage at 40% of Standard's price, reads and writes 25%
   * dearer. Only for tables whose bill is mostly storage; this says why.
   */
  infrequentAccessBecause?: string;
  /** The processing activities whose data it holds and how long it keeps them: the s39 record reads this. */
  processing?: Processing;
}

const pk: KeyDef = { name: 'pk', type: 'S' };
const sk: KeyDef = { name: 'sk', type: 'S' };

/**
 * Each table's environment variable, apart from the rest of its definition: a handler finds its
 * tables' names through these alone (config.ts `tableName`), so its bundle does not carry every
 * table's description, retention rules and indexes. TABLES repeats each name as a literal (a
 * reference here would be a property read, which keeps TABLES in every bundle); its type checks
 * that both say the same and that every table has its variable here.
 */
export const TABLE_ENV_VARS = {
  consents: 'CONSENTS_TABLE',
  visits: 'VISITS_TABLE',
  orders: 'ORDERS_TABLE',
  members: 'MEMBERS_TABLE',
  requests: 'REQUESTS_TABLE',
  audit: 'AUDIT_TABLE',
  disclosures: 'DISCLOSURES_TABLE',
  subscriptions: 'SUBSCRIPTIONS_TABLE',
  policies: 'POLICIES_TABLE',
  registers: 'REGISTERS_TABLE',
  reports: 'REPORTS_TABLE',
} as const;

export const TABLES = {
  consents: {
    id: 'Consents',
    envVar: 'CONSENTS_TABLE',
    partitionKey: pk,
    sortKey: sk,
    processing: {
      activities: ['consent'],
      retention: {
        rule: {
          th: 'ตัวเลือกล่าสุดของผู้เยี่ยมชมแต่ละรายเก็บไว้เป็นหลักฐาน ประวัติก่อนหน้าลบเมื่อเจ้าของข้อมูลขอลบ',
          en: 'Each visitor\u2019s latest choice is kept as proof; earlier receipts go when the person asks for deletion',
        },
      },
    },
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
    // Sparse: only member links carry `visitorId`, so staff find a visitor's member without a scan.
    indexes: [{ name: 'byVisitor', partitionKey: { name: 'visitorId', type: 'S' } }],
    ttlAttribute: 'expiresAt',
    processing: {
      activities: ['visitAnalytics'],
      retention: { setting: 'visitRetentionDays', rule: { th: 'นับจากวันที่บันทึก ลบอัตโนมัติ (TTL)', en: 'from when recorded, then expired by TTL' } },
    },
    purpose: 'Visit records from storefront beacons, kept only with analytics consent, expiring by TTL (policy 1.1, 1.2, 3).',
    noPointInTimeRecoveryBecause:
      'A restore would bring back visits already erased for a data-subject request or expired by TTL (policy 1.1, 2.1), and these are analytics hints that no duty needs back: losing a day of them harms nobody; consents, requests and audit, which must survive, keep PITR.',
    infrequentAccessBecause:
      'Records are written once, read only by staff queries, exports and erasure, and kept for the retention period: the bill is mostly storage (see the cost model in npm run bench).',
  },
  orders: {
    id: 'Orders',
    envVar: 'ORDERS_TABLE',
    partitionKey: pk,
    indexes: [{ name: 'byMember', partitionKey: { name: 'memberId', type: 'S' }, sortKey: { name: 'orderedAt', type: 'S' } }],
    processing: {
      activities: ['orders'],
      retention: { rule: { th: 'เก็บเป็นเอกสารทางธุรกิจเพื่อข้อพิพาท ไม่ลบเมื่อขอลบข้อมูล', en: 'kept as business records for disputes; not erased on deletion requests' } },
    },
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
    processing: {
      activities: ['membership', 'disclosures'],
      retention: {
        setting: 'disputeHoldDays',
        rule: { th: 'หลังยกเลิกบัญชี จากนั้นทำให้เป็นข้อมูลนิรนาม', en: 'after the account is cancelled, then anonymised' },
      },
    },
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
    processing: {
      activities: ['dataRequests'],
      retention: {
        setting: 'disputeHoldDays',
        rule: {
          th: 'หลังบัญชีของผู้ขอสิ้นสุดระยะเก็บรักษา จากนั้นทำให้เป็นข้อมูลนิรนาม ตัวนับจำกัดอัตราหมดอายุในหนึ่งวัน',
          en: 'after the requester\u2019s account hold ends, then anonymised; rate counters expire within a day',
        },
      },
    },
    purpose: 'Data-subject requests (policy 2.1, PDPA) with their history and outcome; rate-limit counters expire by TTL.',
  },
  audit: {
    id: 'Audit',
    envVar: 'AUDIT_TABLE',
    // pk = subject (member id, or "system"), sk = zero-padded sequence: one hash chain per subject.
    partitionKey: pk,
    sortKey: sk,
    processing: {
      activities: ['audit'],
      retention: { rule: { th: 'เพิ่มได้อย่างเดียว เก็บตลอดอายุของระบบ', en: 'append-only, kept for the life of the system' } },
    },
    purpose: 'Append-only, hash-chained audit log of every change to personal data and every staff action.',
  },
  disclosures: {
    id: 'Disclosures',
    envVar: 'DISCLOSURES_TABLE',
    partitionKey: pk,
    sortKey: sk,
    processing: {
      activities: ['disclosures'],
      retention: { rule: { th: 'เพิ่มได้อย่างเดียว เก็บตลอดอายุของระบบ (มาตรา 39)', en: 'append-only, kept for the life of the system (s39)' } },
    },
    purpose: 'Register of disclosures to third parties with their legal basis (policy 5), append-only.',
  },
  subscriptions: {
    id: 'Subscriptions',
    envVar: 'SUBSCRIPTIONS_TABLE',
    // pk = SHA-256 of the lower-cased address: the key in unsubscribe links, with no address in clear.
    partitionKey: pk,
    indexes: [
      // Sparse: only addresses whose unsubscribe notice is still owed (a failed send), oldest first, for the sweep.
      { name: 'byOwedNotice', partitionKey: { name: 'noticeQueue', type: 'S' }, sortKey: { name: 'noticeOwedSince', type: 'S' } },
    ],
    processing: {
      activities: ['marketingPreferences'],
      retention: {
        rule: { th: 'ตราบเท่าที่ต้องไม่ส่งข่าวสารไปยังที่อยู่นั้น (เก็บเฉพาะค่าแฮชเป็นคีย์)', en: 'as long as the address must not be mailed (keyed by its hash)' },
      },
    },
    purpose: 'Suppression list: who refused newsletters and promotions, when and how (policy 6); the shop\u2019s mail sender checks it.',
  },
  policies: {
    id: 'Policies',
    envVar: 'POLICIES_TABLE',
    partitionKey: pk,
    sortKey: sk,
    processing: { personalData: false, because: 'published policy texts and dates only' },
    purpose: 'Published privacy-policy versions with effective dates and text hashes (policy 7).',
  },
  registers: {
    id: 'Registers',
    envVar: 'REGISTERS_TABLE',
    // pk = "PROCESSOR" or "BREACH", sk = the entry's id: each register is one small partition read by
    // Query; "CHAIN#<kind>:<id>" items (sk = "CHAIN") hold the deadline chains of breaches and agreements.
    partitionKey: pk,
    sortKey: sk,
    indexes: [
      // Sparse, as on the requests table: live deadline chains by when they were last seen, for the sweep.
      { name: 'byQuietChain', partitionKey: { name: 'chainQueue', type: 'S' }, sortKey: { name: 'seenAt', type: 'S' } },
    ],
    processing: {
      activities: ['breaches', 'processors'],
      retention: { rule: { th: 'ไม่ลบ การแก้ไขเพิ่มเป็นประวัติ', en: 'never deleted; every update is appended to the entry\u2019s history' } },
    },
    purpose:
      'The DPO\u2019s registers: processors and their confidentiality agreements (policy 5), personal-data breaches with the 72-hour deadline (PDPA s37(4)); never deleted.',
  },
  reports: {
    id: 'Reports',
    envVar: 'REPORTS_TABLE',
    // pk = "DAY#<Bangkok day>", sk = "PART#<table>#<first sequence number>#<last>#<n>" (one partial per
    // stream batch and day, keyed by the batch so a redelivered batch writes nothing twice) or "CLOSED"
    // (the day's counts once closed). Reading a range is one Query per day, never a Scan.
    partitionKey: pk,
    sortKey: sk,
    processing: {
      activities: ['visitAnalytics'],
      retention: {
        rule: {
          th: 'ค่าแฮชแบบมีคีย์ของรหัสผู้เยี่ยมชมและรหัสการเข้าชมเก็บไว้จนปิดยอดของวันนั้น (เช้าวันถัดไป) หลังจากนั้นเหลือเพียงจำนวนนับซึ่งไม่ระบุตัวบุคคล',
          en: 'keyed hashes of visitor and session ids only until the day is closed (the next morning); then counts only, which identify no one',
        },
      },
    },
    purpose:
      'Report counters (policy 1.2: to improve the site): per-day partials from the visits, consents and requests streams, merged into counts only when the day closes.',
  },
} as const satisfies { [K in keyof typeof TABLE_ENV_VARS]: TableDef & { envVar: (typeof TABLE_ENV_VARS)[K] } };

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
  /** Whose data it holds (s39 record); how long is `expireAfterDays`. */
  activities?: ActivityKey[];
}

export const BUCKETS = {
  inboundMail: {
    id: 'InboundMail',
    envVar: 'INBOUND_MAIL_BUCKET',
    // Long enough for SES and Lambda retries and a person to look at a failed mail; short because raw mail is personal data.
    expireAfterDays: 30,
    keyPrefix: 'inbound/',
    activities: ['dataRequests'],
    purpose: 'Raw inbound mail written by the SES receipt rule, read by the inbound handler.',
  },
  exports: {
    id: 'Exports',
    envVar: 'EXPORTS_BUCKET',
    expireAfterDays: 7,
    keyPrefix: 'exports/',
    activities: ['dataRequests'],
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
  edgeKey: {
    id: 'EdgeOriginKey',
    arnEnvVar: 'EDGE_SECRET_ARN',
    localEnvVar: 'EDGE_SECRET',
    purpose:
      'Shared value CloudFront adds to every request it forwards (x-shop-edge-key): only such a request\u2019s CloudFront-Viewer-ASN and CloudFront-Viewer-Address are believed.',
  },
  reportKey: {
    id: 'ReportHashKey',
    arnEnvVar: 'REPORT_SECRET_ARN',
    localEnvVar: 'REPORT_SECRET',
    purpose:
      'HMAC key of the truncated visitor and session hashes that report partials keep until their day closes: without it the hashes cannot be matched to a visitor id.',
  },
} as const;

export type SecretKey = keyof typeof SECRETS;

/**
 * Joint-marketing partners' keys (policy 5): one secret per partner declared in the stage settings,
 * so their number is not fixed here. Functions find them as a JSON map of partner id to secret ARN;
 * locally as a JSON map of partner id to key.
 */
export const PARTNER_SECRETS = { arnsEnvVar: 'PARTNER_SECRET_ARNS', localEnvVar: 'PARTNER_KEYS' } as const;

/**
 * The stage's alarm topic (SNS; built by infra/constructs/alerts.ts, locally created in the emulator):
 * functions declaring `alarmTopic` find its ARN here. Breach deadlines publish to it.
 */
export const ALARM_TOPIC = { envVar: 'ALARM_TOPIC_ARN', id: 'Alarms' } as const;
