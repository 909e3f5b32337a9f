/**
 * Beacon and visit-query shapes. Events are checked per type (a page view needs a path, a search its
 * kind...). Unknown extra fields are dropped rather than refused, so a newer storefront script keeps
 * working against this API; unknown event types are refused. Module-level schemas are pure-annotated
 * so bundles keep only those they use (see common.ts).
 */
import * as z from 'zod/mini';
import { IsoDateTime, MemberId, VisitorId } from './common';

/** The beacon's limits: the schemas below and the beacon's fast path (beacon-fast-path.ts) both read them. */
export const BEACON_LIMITS = {
  text: { path: 2048, referrer: 2048, title: 512, searchKind: 64, query: 512, orderId: 128 },
  results: 1e9,
  durationMs: 86_400_000,
  total: 1e10,
  events: 50,
  consentToken: 4096,
} as const;
/** A session id: 1-128 letters, digits, - or _. */
export const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

const L = BEACON_LIMITS;
const text = (max: number) => z.optional(z.string().check(z.maxLength(max)));
const base = /* @__PURE__ */ (() => ({
  path: text(L.text.path),
  referrer: text(L.text.referrer),
  title: text(L.text.title),
  searchKind: text(L.text.searchKind),
  query: text(L.text.query),
  /** A search's result count (the searches report counts those without results). */
  results: z.optional(z.number().check(z.int(), z.gte(0), z.lte(L.results))),
  durationMs: z.optional(z.number().check(z.int(), z.gte(0), z.lte(L.durationMs))),
  orderId: text(L.text.orderId),
  total: z.optional(z.number().check(z.gte(0), z.lte(L.total))),
  at: z.optional(IsoDateTime),
}))();
const required = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

export const VisitEvent = /* @__PURE__ */ (() =>
  z.discriminatedUnion('type', [
    z.object({ ...base, type: z.literal('pageview'), path: required(L.text.path) }),
    z.object({ ...base, type: z.literal('search'), searchKind: required(L.text.searchKind) }),
    z.object({ ...base, type: z.literal('leave'), durationMs: z.number().check(z.int(), z.gte(0), z.lte(L.durationMs)) }),
    z.object({ ...base, type: z.literal('order'), orderId: required(L.text.orderId) }),
  ]))();

export const SessionId = /* @__PURE__ */ (() => z.string().check(z.regex(SESSION_ID, 'must be 1-128 letters, digits, - or _')))();

export const BeaconInput = /* @__PURE__ */ (() =>
  z.object({
    visitorId: VisitorId,
    sessionId: SessionId,
    consentToken: z.optional(z.string().check(z.maxLength(L.consentToken))),
    events: z.array(VisitEvent).check(z.minLength(1), z.maxLength(L.events)),
  }))();

export const VisitQuery = /* @__PURE__ */ (() =>
  z
    .object({
      visitorId: z.optional(VisitorId),
      memberId: z.optional(MemberId),
      limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(100))),
      next: z.optional(z.string().check(z.maxLength(8192))),
    })
    .check(
      z.refine((q) => (q.visitorId === undefined) !== (q.memberId === undefined), {
        message: 'give exactly one of visitorId or memberId',
        path: ['visitorId'],
      }),
    ))();

export const LinkPath = /* @__PURE__ */ (() => z.object({ memberId: MemberId, visitorId: VisitorId }))();

export const OrderInput = /* @__PURE__ */ (() =>
  z.strictObject({
    orderId: z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1-128 letters, digits or _.:-')),
    memberId: MemberId,
    orderedAt: IsoDateTime,
    amount: z.number().check(z.gte(0), z.lte(1e10)),
    currency: z.optional(z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'))),
    itemsCount: z.number().check(z.int(), z.gte(0), z.lte(100_000)),
  }))();
export type OrderInput = z.infer<typeof OrderInput>;
