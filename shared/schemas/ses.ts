/** The parts of an SES receipt event (Lambda action) the inbound handler relies on. */
import * as z from 'zod/mini';

const Verdict = z.object({ status: z.string() });

export const SesRecord = z.object({
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
});

export const SesEvent = z.object({ Records: z.array(z.unknown()).check(z.minLength(1)) });
