/**
 * Beacon and visit-query shapes. Events are checked per type (a page view needs a path, a search its
 * kind...). Unknown extra fields are dropped rather than refused, so a newer storefront script keeps
 * working against this API; unknown event types are refused. Module-level schemas are pure-annotated
 * so bundles keep only those they use (see common.ts).
 */
import * as z from 'zod/mini';
import { IsoDateTime, MemberId, VisitorId } from './common';

const text = (max: number) => z.optional(z.string().check(z.maxLength(max)));
const base = /* @__PURE__ */ (() => ({
  path: text(2048),
  referrer: text(2048),
  title: text(512),
  searchKind: text(64),
  query: text(512),
  /** A search's result count (the searches report counts those without results). */
  results: z.optional(z.number().check(z.int(), z.gte(0), z.lte(1e9))),
  durationMs: z.optional(z.number().check(z.int(), z.gte(0), z.lte(86_400_000))),
  orderId: text(128),
  total: z.optional(z.number().check(z.gte(0), z.lte(1e10))),
  at: z.optional(IsoDateTime),
}))();
const required = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

export const VisitEvent = /* @__PURE__ */ (() =>
  z.discriminatedUnion('type', [
    z.object({ ...base, type: z.literal('pageview'), path: required(2048) }),
    z.object({ ...base, type: z.literal('search'), searchKind: required(64) }),
    z.object({ ...base, type: z.literal('leave'), durationMs: z.number().check(z.int(), z.gte(0), z.lte(86_400_000)) }),
    z.object({ ...base, type: z.literal('order'), orderId: required(128) }),
  ]))();

export const SessionId = /* @__PURE__ */ (() => z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 letters, digits, - or _')))();

export const BeaconInput = /* @__PURE__ */ (() =>
  z.object({
    visitorId: VisitorId,
    sessionId: SessionId,
    consentToken: z.optional(z.string().check(z.maxLength(4096))),
    events: z.array(VisitEvent).check(z.minLength(1), z.maxLength(50)),
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
