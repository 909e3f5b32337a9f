/**
 * Shapes of the unsubscribe and subscription routes and of deadline jobs on the queue.
 * Module-level schemas are pure-annotated so bundles keep only those they use (see common.ts).
 */
import * as z from 'zod/mini';
import { isoDateTime } from './common';
import { Email, TokenQuery } from './requests';

export { TokenQuery };
export const EmailPath = /* @__PURE__ */ (() => z.object({ email: Email }))();
export const CheckInput = /* @__PURE__ */ (() => z.strictObject({ emails: z.array(Email).check(z.minLength(1), z.maxLength(100)) }))();
export const LinkInput = /* @__PURE__ */ (() => z.strictObject({ email: Email }))();

/** RFC 8058: the body of a one-click unsubscribe is exactly `List-Unsubscribe=One-Click`. */
export const OneClickBody = /* @__PURE__ */ (() =>
  z.object({
    'List-Unsubscribe': z.literal('One-Click', 'must be "One-Click" (RFC 8058)'),
    /** Set by our own confirmation page, to tell a click on the page from a mail provider's one-click. */
    source: z.optional(z.literal('page')),
  }))();

export const DeadlineJobSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    v: z.literal(1),
    requestId: z.string().check(z.regex(/^R-[A-Z2-9]{10}$/)),
    chainId: z.string().check(z.minLength(1), z.maxLength(64)),
    hop: z.number().check(z.int(), z.gte(0)),
    milestone: z.string().check(z.regex(/^(remind-\d+(\.\d+)?d|due|overdue-\d+)$/)),
    at: isoDateTime(),
  }))();
