/**
 * The beacon body's fast path: POST /v1/visits is the hottest route, and zod's generic walk over ten
 * events is a visible share of its CPU. `acceptedBeacon` checks the same rules as `BeaconInput` by
 * hand and returns exactly what zod would (known fields only, in the schema's order), or undefined
 * for anything it does not vouch for; zod then decides and words the 400. So the fast path can only
 * ever say yes where zod says yes: test/unit/beacon-fast-path.test.ts holds the two to the same
 * answers on a table of edge cases and on generated bodies.
 */
import type * as z from 'zod/mini';
import { IsoDateTime, VISITOR_ID } from './common';
import { BEACON_LIMITS, type BeaconInput, SESSION_ID } from './visits';

type Beacon = z.infer<typeof BeaconInput>;
type VisitEvent = Beacon['events'][number];

/** zod's own ISO date-time pattern, so the two cannot drift; without it every `at` goes to zod. */
const ISO_DATE_TIME = /* @__PURE__ */ (() => (IsoDateTime as unknown as { _zod: { def: { pattern?: RegExp } } })._zod.def.pattern)();
/** Every field of an event the schema knows, in the order zod outputs them. */
const EVENT_FIELDS: ReadonlySet<string> = new Set([
  'path',
  'referrer',
  'title',
  'searchKind',
  'query',
  'results',
  'durationMs',
  'orderId',
  'total',
  'at',
  'type',
]);

/** Text fields of an event with their longest length, in the schema's order. */
/** The field each type requires (non-empty text, or for `leave` a duration). */
const REQUIRED = { pageview: 'path', search: 'searchKind', leave: 'durationMs', order: 'orderId' } as const;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const durationOk = (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= BEACON_LIMITS.durationMs;

/** An event as zod outputs it, or undefined (not vouched for). */
function acceptedEvent(input: unknown): VisitEvent | undefined {
  if (!isRecord(input)) return undefined;
  const type = input.type;
  if (type !== 'pageview' && type !== 'search' && type !== 'leave' && type !== 'order') return undefined;
  // A field this check does not know (one the schema gained since, or a newer storefront's): zod decides.
  for (const key in input) if (!EVENT_FIELDS.has(key)) return undefined;
  const required = REQUIRED[type];
  const out: Record<string, unknown> = {};
  for (const field of ['path', 'referrer', 'title', 'searchKind', 'query'] as const) {
    const value = input[field];
    if (value === undefined) {
      if (field in input || field === required) return undefined;
      continue;
    }
    if (typeof value !== 'string' || value.length > BEACON_LIMITS.text[field] || (field === required && value.length === 0)) return undefined;
    out[field] = value;
  }
  if (input.results !== undefined) {
    if (typeof input.results !== 'number' || !Number.isSafeInteger(input.results) || input.results < 0 || input.results > BEACON_LIMITS.results)
      return undefined;
    out.results = input.results;
  } else if ('results' in input) return undefined;
  if (input.durationMs !== undefined) {
    if (!durationOk(input.durationMs)) return undefined;
    out.durationMs = input.durationMs;
  } else if ('durationMs' in input || required === 'durationMs') return undefined;
  if (input.orderId !== undefined) {
    if (typeof input.orderId !== 'string' || input.orderId.length > BEACON_LIMITS.text.orderId || (required === 'orderId' && input.orderId.length === 0))
      return undefined;
    out.orderId = input.orderId;
  } else if ('orderId' in input || required === 'orderId') return undefined;
  if (input.total !== undefined) {
    if (typeof input.total !== 'number' || !(input.total >= 0 && input.total <= BEACON_LIMITS.total)) return undefined;
    out.total = input.total;
  } else if ('total' in input) return undefined;
  if (input.at !== undefined) {
    if (!ISO_DATE_TIME || typeof input.at !== 'string' || !ISO_DATE_TIME.test(input.at)) return undefined;
    out.at = input.at;
  } else if ('at' in input) return undefined;
  out.type = type;
  return out as VisitEvent;
}

/** The beacon as `BeaconInput` outputs it when this fast path can vouch for it; otherwise undefined. */
export function acceptedBeacon(input: unknown): Beacon | undefined {
  if (!isRecord(input)) return undefined;
  const { visitorId, sessionId, consentToken, events } = input;
  if (typeof visitorId !== 'string' || !VISITOR_ID.test(visitorId)) return undefined;
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) return undefined;
  if (consentToken === undefined ? 'consentToken' in input : typeof consentToken !== 'string' || consentToken.length > BEACON_LIMITS.consentToken)
    return undefined;
  const token = consentToken as string | undefined;
  if (!Array.isArray(events) || events.length < 1 || events.length > BEACON_LIMITS.events) return undefined;
  const accepted: VisitEvent[] = [];
  for (const event of events) {
    const ok = acceptedEvent(event);
    if (!ok) return undefined;
    accepted.push(ok);
  }
  return token === undefined ? { visitorId, sessionId, events: accepted } : { visitorId, sessionId, consentToken: token, events: accepted };
}
