/**
 * Schemas shared by several routes and by the stage settings. zod/mini keeps handler bundles small.
 *
 * Every module-level schema in shared/schemas is built inside a `/* @__PURE__ *\/` arrow that is
 * called at once. A chain like `z.string().check(...)` is a method call, which esbuild must otherwise
 * assume has side effects and keep: then a handler that imports one schema from a module would carry
 * all of that module's schemas and the zod parts they need. Marked pure, the unused ones are dropped.
 * (A test bundles these modules and checks that nothing of them is kept unless used.)
 */
import * as z from 'zod/mini';
import { _isoDate, _isoDateTime, type $ZodISODateParams, type $ZodISODateTimeParams } from 'zod/v4/core';
import { CATEGORIES } from '../domain/categories';

/**
 * `z.iso.datetime()` and `z.iso.date()`, built the way zod/mini builds them but without going through
 * the `z.iso` namespace object, which keeps all four ISO schemas (time and duration too, ~1.3 KB) in
 * every bundle that uses one.
 */
export const isoDateTime = (params?: $ZodISODateTimeParams) => _isoDateTime(z.ZodMiniISODateTime, params);
export const isoDate = (params?: $ZodISODateParams) => _isoDate(z.ZodMiniISODate, params);

/**
 * An e-mail address as zod's `z.email()` checks it (its default pattern), for the configuration, which
 * checks its settings without zod (shared/config.ts). A unit test keeps it equal to zod's: passing it to
 * `z.email()` instead would put both copies into every bundle that checks an address.
 */
export const EMAIL_PATTERN = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;

/** Visitor ids are cookie values the storefront generates: 8-128 letters, digits, '-' and '_'. */
/** A visitor id: 8-128 letters, digits, - or _. */
export const VISITOR_ID = /^[A-Za-z0-9_-]{8,128}$/;
export const VisitorId = /* @__PURE__ */ (() => z.string().check(z.regex(VISITOR_ID, 'must be 8-128 letters, digits, - or _')))();
export const MemberId = /* @__PURE__ */ (() => z.string().check(z.regex(/^[A-Za-z0-9_.:@-]{1,128}$/, 'must be 1-128 letters, digits or _.:@-')))();
/** A joint-marketing partner's id as declared in the stage settings. */
export const PartnerId = /* @__PURE__ */ (() => z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1-40 lowercase letters, digits or -')))();
/** The IAM role (or user) a partner calls as. */
export const PartnerPrincipalArn = /* @__PURE__ */ (() =>
  z.string().check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/, 'must be the ARN of an IAM role or user')))();
export const PolicyVersionId = /* @__PURE__ */ (() => z.string().check(z.regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits or ._-')))();
export const Category = /* @__PURE__ */ (() => z.enum(CATEGORIES))();
export const IsoDateTime = /* @__PURE__ */ (() => isoDateTime({ offset: true, error: 'must be an ISO-8601 date-time with offset' }))();
export const Sha256Hex = /* @__PURE__ */ (() => z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits')))();
export const HttpsUrl = /* @__PURE__ */ (() => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }))();

export const PolicyVersionSchema = /* @__PURE__ */ (() =>
  z.object({
    version: PolicyVersionId,
    effectiveAt: IsoDateTime,
    url: HttpsUrl,
    sha256: Sha256Hex,
    changes: z.array(Category),
    publishedAt: z.optional(IsoDateTime),
    summary: z.optional(z.union([z.string(), z.strictObject({ th: z.optional(z.string()), en: z.optional(z.string()) })])),
  }))();

/** A version's change summary as staff publish it: one text, or one per language (policy 7). */
export const PolicySummaryInput = /* @__PURE__ */ (() =>
  z.union([
    z.string().check(z.maxLength(2000)),
    z
      .strictObject({
        th: z.optional(z.string().check(z.minLength(1), z.maxLength(2000))),
        en: z.optional(z.string().check(z.minLength(1), z.maxLength(2000))),
      })
      .check(z.refine((s) => Boolean(s.th || s.en), 'give the summary in Thai, English or both')),
  ]))();
