/**
 * Events out from changes written outside request steps (issue 14): a visitor's cookie choices, a
 * disclosure entered in the register, and an address suppressed or resubscribed by the unsubscribe
 * link, RFC 8058 one-click or the privacy center's switch. These writes have no owed-effect record
 * of their own, so the tables' DynamoDB Streams carry them to one worker: a change is published
 * once it is written, and a failed PutEvents fails the batch, which the stream then delivers again
 * (never lost; a repeat keeps its `eventId`, which is derived from the item, so consumers drop it).
 *
 * This module only decides which change becomes which event; the worker unmarshals the stream
 * records into `TableChange`s and publishes what comes back.
 */
import type { LegalBasis, UnsubscribeVia } from './ports';
import { outEvent, type OutEvent } from './events-out';

/** The tables whose stream feeds the worker (keys of TABLES in shared/resources.ts). */
export const STREAMED_TABLES = ['consents', 'disclosures', 'subscriptions'] as const;
export type StreamedTable = (typeof STREAMED_TABLES)[number];

/** One stream record as plain data: the item's images as the store wrote them. */
export interface TableChange {
  table: StreamedTable;
  kind: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** The item after the write (absent for a REMOVE). */
  newItem?: Record<string, unknown>;
  /** The item before the write (absent for an INSERT). */
  oldItem?: Record<string, unknown>;
  /** When DynamoDB wrote it: the event's time when the item names none. */
  writtenAt: Date;
}

/**
 * Suppressions that a request step already publishes as an owed effect (request-effects.ts for an
 * opt-out mail and an enforced deadline, request-completion.ts for staff): the stream leaves them
 * out, so each suppression is announced once. The subscription item's `via` (written only by the
 * first unsubscribe) tells them apart, and so does the request id a request step's suppression writes
 * (request-effects.ts), which also covers a confirmed request form, written with `via` `link`.
 */
const SUPPRESSIONS_PUBLISHED_BY_REQUESTS: ReadonlySet<UnsubscribeVia> = new Set(['email', 'deadline', 'staff']);

const text = (item: Record<string, unknown>, name: string) => {
  const value = item[name];
  if (typeof value !== 'string') throw new Error(`stream record without ${name}`);
  return value;
};
const timeOf = (item: Record<string, unknown>, name: string, fallback: Date) => {
  const value = item[name];
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value) : fallback;
};

/** The event a change announces, or undefined when it announces none (a current-choices copy, an erasure, a notice mark). */
export function eventOfChange(change: TableChange): OutEvent | undefined {
  const item = change.newItem;
  switch (change.table) {
    case 'consents': {
      // Each receipt (append-only, written once) is one change of choices; the CURRENT copy written
      // beside it would repeat it, and erasures (REMOVE) are announced by the request's own events.
      if (change.kind !== 'INSERT' || !item || !text(item, 'sk').startsWith('RECEIPT#')) return undefined;
      const choices = item.choices as { analytics?: unknown; marketing?: unknown } | undefined;
      return outEvent(
        {
          type: 'consent.changed',
          visitorId: text(item, 'visitorId'),
          policyVersion: text(item, 'policyVersion'),
          // Only the two choices a tag or pixel follows: no receipt details, no user agent.
          choices: { analytics: choices?.analytics === true, marketing: choices?.marketing === true },
        },
        `consents:${text(item, 'visitorId')}:${text(item, 'receiptId')}`,
        timeOf(item, 'recordedAt', change.writtenAt),
      );
    }
    case 'disclosures': {
      // Every disclosure is written twice (under its member and under ALL, in one transaction):
      // the ALL copy alone announces it.
      if (change.kind !== 'INSERT' || !item || item.pk !== 'ALL') return undefined;
      return outEvent(
        {
          type: 'disclosure.recorded',
          disclosureId: text(item, 'id'),
          ...(typeof item.memberId === 'string' ? { memberId: item.memberId } : {}),
          recipient: text(item, 'recipient'),
          legalBasis: text(item, 'legalBasis') as LegalBasis,
          categories: (item.categories as unknown[]).map(String),
        },
        `disclosures:${text(item, 'id')}`,
        timeOf(item, 'recordedAt', change.writtenAt),
      );
    }
    case 'subscriptions': {
      if (!item) return undefined;
      const wasSuppressed = change.oldItem?.subscribed === false;
      // pk is already the SHA-256 of the lower-cased address, as the schemas name an address.
      const addressHash = text(item, 'pk');
      if (!wasSuppressed && item.subscribed === false) {
        const via = text(item, 'via') as UnsubscribeVia;
        // A request's confirmed form is written as `link` too: the request id it carries tells it apart.
        if (SUPPRESSIONS_PUBLISHED_BY_REQUESTS.has(via) || typeof item.requestId === 'string') return undefined;
        const at = timeOf(item, 'unsubscribedAt', change.writtenAt);
        return outEvent({ type: 'address.suppressed', addressHash, via }, `subscriptions:${addressHash}:suppressed:${at.toISOString()}`, at);
      }
      if (wasSuppressed && item.subscribed === true) {
        const at = timeOf(item, 'resubscribedAt', change.writtenAt);
        return outEvent({ type: 'address.resubscribed', addressHash }, `subscriptions:${addressHash}:resubscribed:${at.toISOString()}`, at);
      }
      // Registering a link key, marking the notice sent, a repeated unsubscribe: no change of state.
      return undefined;
    }
  }
}

/** The events of a batch of changes, in the stream's order. */
export const eventsOfChanges = (changes: TableChange[]) => changes.flatMap((c) => eventOfChange(c) ?? []);
