/**
 * Shapes of the member, request, disclosure and partner routes.
 * Module-level schemas are pure-annotated so bundles keep only those they use (see common.ts).
 */
import * as z from 'zod/mini';
import { LOCALES } from '../domain/members';
import { LEGAL_BASES } from '../domain/ports';
import { REQUEST_TYPES } from '../domain/request-types';
import { QUEUE_VIEWS } from '../domain/request-queue';
import { CHANNELS, REQUEST_OUTCOMES } from '../domain/requests';
import { CONFIRMED_ACTIONS } from '../domain/fulfilment';
import { IsoDateTime, MemberId, PartnerId } from './common';

export const Email = /* @__PURE__ */ (() => z.email({ error: 'must be an e-mail address' }).check(z.maxLength(254)))();
export const Locale = /* @__PURE__ */ (() => z.enum(LOCALES))();
export const RequestType = /* @__PURE__ */ (() => z.enum(REQUEST_TYPES))();
export const RequestId = /* @__PURE__ */ (() => z.string().check(z.regex(/^R-[A-Z2-9]{10}$/, 'must be a request reference like R-ABCDEFGH23')))();

export const MemberPath = /* @__PURE__ */ (() => z.object({ memberId: MemberId }))();
export const PutMemberInput = /* @__PURE__ */ (() =>
  z.strictObject({
    email: Email,
    name: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
    locale: Locale,
    marketingOptIn: z.boolean(),
    /** The joint-marketing partner the member signed up through (policy 5); kept from the first sync that names it. */
    referredBy: z.optional(PartnerId),
  }))();
export const CancelMemberInput = /* @__PURE__ */ (() => z.strictObject({ reason: z.optional(z.string().check(z.maxLength(500))) }))();

export const SubmitRequestInput = /* @__PURE__ */ (() =>
  z.strictObject({
    email: Email,
    type: RequestType,
    details: z.optional(z.string().check(z.maxLength(4000))),
    locale: z.optional(Locale),
  }))();

export const TokenQuery = /* @__PURE__ */ (() => z.object({ token: z.string().check(z.minLength(1), z.maxLength(4096)) }))();
export const TokenBody = /* @__PURE__ */ (() => z.object({ token: z.string().check(z.minLength(1), z.maxLength(4096)) }))();

export const RequestQueueQuery = /* @__PURE__ */ (() =>
  z.object({
    /** A status, or `closed` (done, rejected and expired together). */
    status: z.optional(z.enum(QUEUE_VIEWS)),
    type: z.optional(RequestType),
    channel: z.optional(z.enum(CHANNELS)),
    limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(100))),
    next: z.optional(z.string().check(z.maxLength(4096))),
  }))();
export const RequestPath = /* @__PURE__ */ (() => z.object({ id: RequestId }))();
export const CompleteRequestInput = /* @__PURE__ */ (() =>
  z.strictObject({
    outcome: z.enum(REQUEST_OUTCOMES),
    note: z.optional(z.string().check(z.maxLength(2000))),
    changes: z.optional(
      z.strictObject({
        name: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
        email: z.optional(Email),
        locale: z.optional(Locale),
        // Held by the shop's other systems only: passed on in the completion event, not stored here.
        phone: z.optional(z.string().check(z.regex(/^\+?[0-9 ()-]{6,20}$/, 'must be a phone number: digits, spaces, ()- and an optional leading +'))),
        address: z.optional(
          z.strictObject({
            line1: z.string().check(z.minLength(1), z.maxLength(200)),
            line2: z.optional(z.string().check(z.maxLength(200))),
            district: z.optional(z.string().check(z.maxLength(100))),
            province: z.optional(z.string().check(z.maxLength(100))),
            postalCode: z.optional(z.string().check(z.regex(/^[A-Za-z0-9 -]{3,10}$/, 'must be a postal code'))),
            country: z.optional(z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'))),
          }),
        ),
      }),
    ),
  }))();

/** A system's confirmation of its part (fulfilment); `reason` is required when it failed. */
export const ConfirmFulfilmentInput = /* @__PURE__ */ (() =>
  z.strictObject({
    outcome: z.enum([...CONFIRMED_ACTIONS, 'failed']),
    reason: z.optional(z.string().check(z.minLength(1), z.maxLength(500))),
  }))();
export const OverrideFulfilmentInput = /* @__PURE__ */ (() => z.strictObject({ reason: z.string().check(z.minLength(3), z.maxLength(2000)) }))();

export const DisclosureInput = /* @__PURE__ */ (() =>
  z.strictObject({
    memberId: z.optional(MemberId),
    recipient: z.string().check(z.minLength(1), z.maxLength(200)),
    legalBasis: z.enum(LEGAL_BASES),
    reference: z.optional(z.string().check(z.maxLength(200))),
    categories: z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.minLength(1), z.maxLength(30)),
    disclosedAt: IsoDateTime,
    note: z.optional(z.string().check(z.maxLength(2000))),
  }))();
export const DisclosureQuery = /* @__PURE__ */ (() =>
  z.object({
    memberId: z.optional(MemberId),
    limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(100))),
    next: z.optional(z.string().check(z.maxLength(4096))),
  }))();

export const PartnerCheckInput = /* @__PURE__ */ (() =>
  z.strictObject({
    emailHash: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be the hex HMAC-SHA256 of the normalised e-mail address')),
  }))();

export const AuditPath = /* @__PURE__ */ (() =>
  z.object({ subject: z.string().check(z.regex(/^[A-Za-z0-9_.:@-]{1,128}$/, 'must be a member id or "requests" / "disclosures"')) }))();
