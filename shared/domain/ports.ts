/**
 * Ports: what the domain needs from the world. AWS adapters live in shared/adapters; tests use
 * in-memory or mocked implementations.
 */
import type { ConsentRecord } from './consent';
import type { PolicyVersion } from './policy';
import type { VisitRecord } from './visits';
import type { Order } from './orders';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type SaveOutcome = 'created' | 'duplicate';

export interface ConsentStore {
  /** Appends the history entry and replaces the visitor's current state, atomically. */
  save(record: ConsentRecord): Promise<SaveOutcome>;
  current(visitorId: string): Promise<ConsentRecord | undefined>;
  receipt(visitorId: string, receiptId: string): Promise<ConsentRecord | undefined>;
  /** The cheapest read of the current choices (eventually consistent, projected): the beacon path. */
  currentChoices(visitorId: string): Promise<{ analytics: boolean; receiptId: string } | undefined>;
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
  /** Writes the records (idempotent: a record with the same keys is overwritten). */
  append(records: VisitRecord[]): Promise<void>;
  /** Remembers that a visitor id belongs to a member, for as long as visits are kept. */
  link(memberId: string, visitorId: string, expiresAt: number): Promise<void>;
  visitorsOf(memberId: string): Promise<string[]>;
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
