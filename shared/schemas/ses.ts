/**
 * The parts of an SES receipt event (Lambda action) the inbound handler relies on.
 * Module-level schemas are pure-annotated so bundles keep only those they use (see common.ts).
 */
import * as z from 'zod/mini';

/**
 * A verdict SES did not give (older receipt events carry no DMARC verdict) reads as GRAY: not
 * authenticated, so nothing changes until the sender confirms through the mailed link. Dropping the
 * record instead would lose the request without a retry, a failure-queue entry or an outcome.
 */
const NOT_GIVEN = 'GRAY';
const Verdict = /* @__PURE__ */ (() => z._default(z.object({ status: z._default(z.string(), NOT_GIVEN) }), { status: NOT_GIVEN }))();

export const SesRecord = /* @__PURE__ */ (() =>
  z.object({
    ses: z.object({
      mail: z.object({
        messageId: z.string().check(z.regex(/^[A-Za-z0-9._-]{1,200}$/)),
        source: z.optional(z.string()),
        timestamp: z.optional(z.string()),
      }),
      receipt: z.object({
        recipients: z.optional(z.array(z.string())),
        spfVerdict: Verdict,
        dkimVerdict: Verdict,
        dmarcVerdict: Verdict,
        spamVerdict: Verdict,
        virusVerdict: Verdict,
      }),
    }),
  }))();

export const SesEvent = /* @__PURE__ */ (() => z.object({ Records: z.array(z.unknown()).check(z.minLength(1)) }))();
