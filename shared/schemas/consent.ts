/**
 * Request shapes of the consent and policy routes; the storefront depends on these names.
 * Module-level schemas are pure-annotated so bundles keep only those they use (see common.ts).
 */
import * as z from 'zod/mini';
import { COLLECTION_METHODS } from '../domain/consent';
import { Category, HttpsUrl, IsoDateTime, PolicySummaryInput, PolicyVersionId, Sha256Hex, VisitorId } from './common';

export const Choices = /* @__PURE__ */ (() =>
  z.strictObject({
    necessary: z.literal(true, 'necessary cookies cannot be refused; must be true'),
    analytics: z.boolean(),
    marketing: z.boolean(),
  }))();

/** No memberId: a public caller cannot link a visitor id to a member (unknown fields are refused). */
export const ConsentInput = /* @__PURE__ */ (() =>
  z.strictObject({
    visitorId: VisitorId,
    policyVersion: PolicyVersionId,
    choices: Choices,
    collectionMethod: z.optional(z.enum(COLLECTION_METHODS)),
  }))();
export type ConsentInput = z.infer<typeof ConsentInput>;

export const VisitorPath = /* @__PURE__ */ (() => z.object({ visitorId: VisitorId }))();

export const PublishPolicyInput = /* @__PURE__ */ (() =>
  z.strictObject({
    version: PolicyVersionId,
    effectiveAt: IsoDateTime,
    url: HttpsUrl,
    sha256: Sha256Hex,
    changes: z.array(Category).check(z.refine((a) => new Set(a).size === a.length, 'must not repeat a category')),
    summary: z.optional(PolicySummaryInput),
  }))();
export type PublishPolicyInput = z.infer<typeof PublishPolicyInput>;
