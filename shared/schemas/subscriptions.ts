/**
 * Shapes of the unsubscribe and subscription routes (deadline jobs on the queue: deadline-jobs.ts).
 * Module-level schemas are pure-annotated so bundles keep only those they use (see common.ts).
 */
import * as z from 'zod/mini';
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
