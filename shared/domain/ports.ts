/**
 * Ports: what the domain needs from the world. AWS adapters live in shared/adapters; tests use
 * in-memory or mocked implementations.
 */
import type { ConsentRecord } from './consent';
import type { PolicyVersion } from './policy';
import type { VisitRecord } from './visits';
import type { Order } from './orders';

/** Time as the domain sees it; production wiring passes shared/adapters/clock.ts, tests a fixed or stepping clock. */
export interface Clock {
  now(): Date;
}

export type SaveOutcome = 'created' | 'duplicate';
/** What `createOpen` did: created the request, or found the (address, type) slot held by another request. */
export type OpenSlotOutcome = { created: true } | { created: false; holder: string };

export interface ConsentStore {
  /** Appends the history entry and replaces the visitor's current state, atomically. */
  save(record: ConsentRecord): Promise<SaveOutcome>;
  current(visitorId: string): Promise<ConsentRecord | undefined>;
  receipt(visitorId: string, receiptId: string): Promise<ConsentRecord | undefined>;
  /**
   * The cheapest read of what the beacon path needs (eventually consistent): the current choices and
   * whether profiling of this visitor stopped because its member was deactivated (policy 2.2).
   */
  currentChoices(visitorId: string): Promise<{ analytics: boolean; receiptId: string; profilingStopped?: boolean } | undefined>;
}

export interface PolicyStore {
  /** Published versions (the stage's baseline version is added by the caller). */
  list(): Promise<PolicyVersion[]>;
  /** Fails with ConflictError when the version exists with different content. */
  publish(version: PolicyVersion): Promise<SaveOutcome>;
}

/** The key that signs consent tokens; fetched once per cold start. */
export type SigningKey = () => Promise<Uint8Array>;

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; absent on the last page. */
  next?: string;
}

export interface VisitStore {
  /** Writes a beacon's record (idempotent: a record with the same keys is overwritten). */
  put(record: VisitRecord): Promise<void>;
  /** Remembers that a visitor id belongs to a member, for as long as visits are kept. */
  link(memberId: string, visitorId: string, expiresAt: number): Promise<void>;
  visitorsOf(memberId: string): Promise<string[]>;
  /** The member a visitor id was linked to by the storefront backend, if any. */
  memberOfVisitor(visitorId: string): Promise<string | undefined>;
  /** Records of these visitors, newest first, `limit` records a page. */
  page(visitorIds: string[], limit: number, cursor?: string): Promise<Page<VisitRecord>>;
}

export interface OrderStore {
  /** 'duplicate' when the same order was recorded before; ConflictError when it differs. */
  record(order: Order): Promise<SaveOutcome>;
}

/** One line of the audit trail as the caller gives it. */
export interface AuditInput {
  /** Member id the entry is about, or "system" for entries about no one member. */
  subject: string;
  /** Who acted: a staff ARN, "storefront-backend", "requester", "system:<job>". */
  actor: string;
  action: string;
  requestId?: string;
  /** What changed, without personal data values where a field name says enough. */
  details?: Record<string, unknown>;
}

export interface AuditEntry extends AuditInput {
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

export interface AuditLog {
  /** Appends to the subject's hash chain (retrying on a concurrent append). */
  append(entry: AuditInput): Promise<AuditEntry>;
  /** The subject's entries in order. */
  entries(subject: string): Promise<AuditEntry[]>;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  headers?: Record<string, string>;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}

export interface MemberStore {
  get(memberId: string): Promise<import('./members').Member | undefined>;
  /** Writes the member (index keys derived here: email, hold queue, partner hash). */
  put(member: import('./members').Member): Promise<void>;
  findByEmail(email: string): Promise<import('./members').Member | undefined>;
  findByPartnerHash(hash: string): Promise<import('./members').Member | undefined>;
  /** Deactivated members whose dispute hold ended before `now`, oldest first. */
  holdsEndedBefore(now: Date, limit: number): Promise<import('./members').Member[]>;
}

/** What the staff queue narrows a status to. */
export interface QueueFilter {
  type?: import('./request-types').RequestType;
  channel?: import('./requests').Channel;
}

export interface RequestStore {
  /** 'duplicate' when a request with this id exists (an SES redelivery). */
  create(request: import('./requests').DataRequest): Promise<SaveOutcome>;
  /**
   * Creates a web request as the one open request of its address and type: the request and a slot
   * naming it are written together, the slot only if it is free or still names `replacing` (a holder
   * found closed). So two concurrent submissions of the same form cannot both create a request.
   */
  createOpen(request: import('./requests').DataRequest, slot: string, replacing?: string): Promise<OpenSlotOutcome>;
  get(id: string): Promise<import('./requests').DataRequest | undefined>;
  /** Writes a new version; ConflictError if someone else wrote in between. */
  update(request: import('./requests').DataRequest): Promise<void>;
  /**
   * Soonest due first; with `dueBefore`, only those due before it (a key condition, not a filter).
   * With `filter`, only requests of that type and/or channel (a page may then hold fewer than `limit`).
   */
  byStatus(
    status: import('./requests').RequestStatus,
    limit: number,
    cursor?: string,
    dueBefore?: Date,
    filter?: QueueFilter,
  ): Promise<Page<import('./requests').DataRequest>>;
  /** How many requests have this status (due before `dueBefore` if given): the staff queue's counts. */
  countByStatus(status: import('./requests').RequestStatus, dueBefore?: Date): Promise<number>;
  /** All of an address's requests, closed ones too (exports, anonymisation). */
  byEmail(email: string): Promise<import('./requests').DataRequest[]>;
  /** Only the address's requests not closed yet (a sparse index): what folding a repeat needs. */
  openByEmail(email: string): Promise<import('./requests').DataRequest[]>;
  /** Requests still owing an effect that became owed before `before`, oldest first (a sparse index). */
  owingSince(before: Date, limit: number, cursor?: string): Promise<Page<import('./requests').DataRequest>>;
  /** Remembers which request a mail we sent belongs to (by SES's message id), so a reply can find it. */
  rememberSentMail(messageId: string, requestId: string, now: Date): Promise<void>;
  /** The request a mail we sent belongs to, by SES's message id. */
  requestOfSentMail(messageId: string): Promise<string | undefined>;
  /** Counts one use of `key` today; false when `max` uses were already counted. */
  takeQuota(key: string, max: number, now: Date): Promise<boolean>;
}

/** Policy 5's three grounds for a disclosure, the ones staff record; partner confirmations are logged by the system. */
export const LEGAL_BASES = ['customer_authorised', 'customer_transaction', 'required_by_law'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number] | 'partner_membership_confirmation';

export interface Disclosure {
  id: string;
  memberId?: string;
  recipient: string;
  legalBasis: LegalBasis;
  reference?: string;
  categories: string[];
  disclosedAt: string;
  recordedAt: string;
  recordedBy: string;
  note?: string;
}

export interface DisclosureStore {
  record(disclosure: Disclosure): Promise<void>;
  forMember(memberId: string): Promise<Disclosure[]>;
  recent(limit: number, cursor?: string): Promise<Page<Disclosure>>;
}

/**
 * Everything held about a member, for exports and erasure (reads and deletes by Query only). A
 * member's visitor ids come only from the links the storefront backend made: nothing a public
 * caller sends can add a visitor id to someone's export or erasure.
 */
export interface PersonalDataIndex {
  visitorIds(memberId: string): Promise<string[]>;
  /** Every consent receipt of these visitor ids. */
  consentHistory(visitorIds: string[]): Promise<import('./consent').ConsentRecord[]>;
  visits(visitorIds: string[]): Promise<import('./visits').VisitRecord[]>;
  orders(memberId: string): Promise<import('./orders').Order[]>;
  /** Deletes visit records and member links; returns how many items went. */
  eraseVisits(memberId: string, visitorIds: string[]): Promise<number>;
  /** Deletes these visitors' consent receipts except each one's latest; returns how many went. */
  eraseConsentHistory(visitorIds: string[]): Promise<number>;
  /** Marks these visitor ids as no longer profiled: the beacon path then stores nothing for them (policy 2.2). */
  stopProfiling(visitorIds: string[], at: Date): Promise<void>;
}

export interface ExportStore {
  /** Stores a request's export document (encrypted; the store expires it); returns the key its download link names. */
  put(requestId: string, document: unknown): Promise<string>;
}

export type UnsubscribeVia = 'link' | 'one-click' | 'email' | 'deadline' | 'staff' | 'privacy-center' | 'account-cancelled';

export interface Subscription {
  /** SHA-256 of the lower-cased address. */
  key: string;
  email: string;
  subscribed: boolean;
  unsubscribedAt?: string;
  via?: UnsubscribeVia;
  /** When the customer was told (once). */
  confirmedAt?: string;
  /** A delivery sending the notice holds it until then; a failed send clears it (see `claimNotice`). */
  noticeClaimedUntil?: string;
  /** Since when the notice has been owed (set by the first claim, gone once sent): the sweep finishes it. */
  noticeOwedSince?: string;
  /** The language the notice is owed in. */
  noticeLocale?: import('./members').Locale;
  linkIssuedAt?: string;
  /** When the customer last asked for newsletters again after an unsubscribe. */
  resubscribedAt?: string;
}

export interface SubscriptionStore {
  get(key: string): Promise<Subscription | undefined>;
  getMany(keys: string[]): Promise<Subscription[]>;
  /** Remembers the address behind a link key, so a one-click unsubscribe knows whom to tell. */
  register(key: string, email: string, now: Date): Promise<void>;
  /**
   * Suppresses at once; the first unsubscribe's time and channel stay. Returns whether this call suppressed it.
   * `requestId` marks a suppression a request step publishes itself, so the subscriptions stream does not (change-events.ts).
   */
  suppress(key: string, email: string, via: UnsubscribeVia, now: Date, requestId?: string): Promise<boolean>;
  /**
   * True only for the first caller: the customer is told once. For a caller that owes the notice
   * elsewhere (a request's owed mail); false also while a link delivery holds the notice's claim.
   */
  markConfirmed(key: string, now: Date): Promise<boolean>;
  /**
   * True for the one delivery that may send the notice now (not sent yet, no live claim); it holds the
   * claim until `until`. The first claim also marks the notice owed (in `locale`), for the sweep.
   */
  claimNotice(key: string, now: Date, until: Date, locale: import('./members').Locale): Promise<boolean>;
  /** Notices owed since before `before` (a failed send, a delivery that died), oldest first. */
  owedNotices(before: Date, limit: number): Promise<Subscription[]>;
  /** The notice went out: it is never owed again. */
  noticeSent(key: string, now: Date): Promise<void>;
  /** A failed send gives its claim (`until`) back, so the next click takes the notice at once. */
  releaseNotice(key: string, until: Date): Promise<void>;
  /**
   * The signed-in customer asks for newsletters again (privacy center): subscribed from now, and a
   * later unsubscribe is recorded and told as a new one.
   */
  resubscribe(key: string, email: string, now: Date): Promise<void>;
}

/** A deadline job: one hop of a request's chain. */
export interface DeadlineJob {
  v: 1;
  requestId: string;
  chainId: string;
  hop: number;
  milestone: string;
  /** ISO time the milestone is due. */
  at: string;
}

/** A deadline job of one of the DPO's registers: one hop of a breach's or an agreement's chain. */
export interface RegisterJob {
  v: 1;
  register: import('./registers').RegisterKind;
  entryId: string;
  chainId: string;
  hop: number;
  milestone: string;
  at: string;
}

export interface Scheduler {
  /** Sends the job with this delay (the adapter caps it at SQS's 900 s). */
  schedule(job: DeadlineJob | RegisterJob, delaySeconds: number): Promise<void>;
}

/** The registers table: entries are created once and changed only by a write conditional on their version. */
export interface RegisterStore {
  get<K extends import('./registers').RegisterKind>(kind: K, id: string): Promise<import('./registers').EntryOf<K> | undefined>;
  /** ConflictError if the id exists. */
  create<K extends import('./registers').RegisterKind>(kind: K, entry: import('./registers').EntryOf<K>): Promise<void>;
  /** Writes version N+1 over N; ConflictError if someone else wrote in between. */
  update<K extends import('./registers').RegisterKind>(kind: K, entry: import('./registers').EntryOf<K>): Promise<void>;
  /** The whole register (a handful of processors; breaches, one hopes, fewer), newest first. */
  list<K extends import('./registers').RegisterKind>(kind: K): Promise<import('./registers').EntryOf<K>[]>;
}

/** The stage's alarm topic: whoever the alarms reach (e-mail, chat, SMS). */
export interface AlarmPublisher {
  publish(subject: string, message: string): Promise<void>;
}

export interface ChainState {
  chainId: string;
  hop: number;
  seenAt: string;
}

export interface ChainStore {
  get(requestId: string): Promise<ChainState | undefined>;
  /** Starts (or replaces) the request's chain; messages of an older chain are then dropped. */
  start(requestId: string, chainId: string, now: Date): Promise<void>;
  /** Moves the chain from `hop` to `hop + 1`; false when another delivery got there first. */
  advance(requestId: string, chainId: string, hop: number, now: Date): Promise<boolean>;
  /** Live chains last seen before `before`, oldest first (a sparse index: retired chains are not in it). */
  quietSince(before: Date, limit: number, cursor?: string): Promise<Page<ChainState & { requestId: string }>>;
  /** Takes a finished chain out of the sweep's index (unless a newer chain replaced it meanwhile). */
  retire(requestId: string, chainId: string): Promise<void>;
}
