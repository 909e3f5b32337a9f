/**
 * Events out (issue 14): every state change another system of the shop may have to act on becomes an
 * event on the stack's own EventBridge bus. Each type has a versioned JSON Schema in
 * `events/schemas/<type>.v<version>.json`; a test validates every event this module builds against
 * its schema, so the two cannot drift apart.
 *
 * An event carries the least personal data its consumers need: member and request ids, never the
 * address in clear (suppression events name its SHA-256, which the newsletter sender can compute
 * from its own list). The one exception is an edit's corrected fields, which other systems must
 * apply and which this system passes on without keeping them beyond the request.
 *
 * Publishing is an owed effect of the step that changes the state (request-effects.ts): written in
 * the same put, settled once, retried by redelivery or the sweep. EventBridge has no idempotency key,
 * so a crash after PutEvents and before the effect is marked done publishes the event once more; its
 * `eventId` stays the same, and consumers drop an id they have seen.
 */
import { createHash } from 'node:crypto';
import type { RequestType } from './request-types';
import type { RequestOutcome } from './requests';

/** The `source` of every event this system puts on its bus. */
export const EVENT_SOURCE = 'shop.privacy';

/** Every event type with the version of its schema: a breaking change adds a new version and file. */
export const EVENT_TYPES = {
  'request.opened': 1,
  'request.completed': 1,
  'member.erasure_due': 1,
  'member.deactivated': 1,
  'member.anonymised': 1,
  'address.suppressed': 1,
  'address.resubscribed': 1,
  'consent.changed': 1,
  'disclosure.recorded': 1,
} as const;
export type EventType = keyof typeof EVENT_TYPES;

/** The schema file of an event type (relative to the repository root). */
export const schemaFileOf = (type: EventType) => `events/schemas/${type}.v${EVENT_TYPES[type]}.json`;

/**
 * Corrections an edit request carries to the other systems. `phone` and `address` are not held
 * here at all (the shop's e-commerce database holds them): this system only passes them on.
 */
export interface FieldChanges {
  name?: string;
  email?: string;
  locale?: string;
  phone?: string;
  address?: { line1: string; line2?: string; district?: string; province?: string; postalCode?: string; country?: string };
}

interface Common {
  /** Stable per state change: a republished event has the same id, so consumers can drop repeats. */
  eventId: string;
  schemaVersion: number;
  occurredAt: string;
}

export type EventData =
  | { type: 'request.opened'; requestId: string; requestType: RequestType; memberId?: string; dueAt: string }
  | { type: 'request.completed'; requestId: string; requestType: RequestType; outcome: RequestOutcome; memberId?: string; changes?: FieldChanges }
  | { type: 'member.erasure_due'; requestId: string; memberId: string; dueAt: string }
  | { type: 'member.deactivated'; memberId: string; reason: 'cancellation' | 'deletion'; holdUntil?: string; requestId?: string }
  | { type: 'member.anonymised'; memberId: string }
  | { type: 'address.suppressed'; addressHash: string; memberId?: string; via: string; requestId?: string }
  | { type: 'address.resubscribed'; addressHash: string; memberId?: string }
  | { type: 'consent.changed'; visitorId: string; policyVersion: string; choices: { analytics: boolean; marketing: boolean } }
  | { type: 'disclosure.recorded'; disclosureId: string; memberId?: string; recipient: string; legalBasis: string; categories: string[] };

export type OutEvent = Common & EventData;

/** What a consumer reads in EventBridge's `detail-type`. */
export const detailTypeOf = (event: OutEvent) => event.type;

/** The SHA-256 of the lower-cased address, as the suppression list keys it. */
export const addressHash = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('hex');

/** The event of a state change; `key` names the change (e.g. `<requestId>:completed`) and fixes the id. */
export function outEvent(data: EventData, key: string, now: Date): OutEvent {
  const eventId = createHash('sha256').update(`${data.type}\n${key}`).digest('hex').slice(0, 32);
  return { eventId, schemaVersion: EVENT_TYPES[data.type], occurredAt: now.toISOString(), ...data };
}

/** Puts events on the bus; rejects when any entry was not accepted (the owed effect then stays owed). */
export interface EventPublisher {
  publish(events: OutEvent[]): Promise<void>;
}
