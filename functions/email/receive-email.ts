/**
 * SES receipt rule, Lambda action (after the S3 action stored the raw mail): read, parse, check the
 * verdicts, classify and open the request. A malformed event is logged and dropped (SES would send
 * the same again); any failure after that throws, so Lambda retries and then parks the event on the
 * failure queue, while the raw mail stays in S3 for the bucket's lifetime: no mail is lost.
 */
import type { SESEvent } from 'aws-lambda';
import { S3MailReader } from '../../shared/adapters/mail';
import { parseRawEmail } from '../../shared/adapters/mime';
import { requestDeps } from '../../shared/adapters/wiring/requests';
import { requireEnv, runtimeConfig } from '../../shared/config';
import { intakeEmail, type IntakeOutcome, type RequestDeps } from '../../shared/domain/request-service';
import { log } from '../../shared/log';
import { BUCKETS } from '../../shared/resources';
import { SesEvent, SesRecord } from '../../shared/schemas/ses';

export const makeHandler =
  (deps: RequestDeps & { mail: Pick<S3MailReader, 'read' | 'keyOf'> }) =>
  async (event: SESEvent): Promise<IntakeOutcome[]> => {
    if (!SesEvent.safeParse(event).success) {
      log.error('not an SES receipt event; dropped');
      return [];
    }
    const outcomes: IntakeOutcome[] = [];
    for (const raw of event.Records) {
      const parsedRecord = SesRecord.safeParse(raw);
      if (!parsedRecord.success) {
        log.error('SES record without message id or verdicts; dropped');
        continue;
      }
      const { mail, receipt } = parsedRecord.data.ses;
      const bytes = await deps.mail.read(mail.messageId);
      if (!bytes) throw new Error(`Raw mail ${mail.messageId} is not in the inbound bucket yet`);
      const parsed = await parseRawEmail(bytes);
      const outcome = await intakeEmail(deps, {
        sesMessageId: mail.messageId,
        rawMailKey: deps.mail.keyOf(mail.messageId),
        verdicts: {
          spf: receipt.spfVerdict.status,
          dkim: receipt.dkimVerdict.status,
          dmarc: receipt.dmarcVerdict.status,
          spam: receipt.spamVerdict.status,
          virus: receipt.virusVerdict.status,
        },
        parsed,
      });
      // Ids only: no sender address or subject in the log.
      log.info('inbound mail', { messageId: mail.messageId, ...outcome });
      outcomes.push(outcome);
    }
    return outcomes;
  };

export const handler = makeHandler({
  ...requestDeps(),
  mail: new S3MailReader(requireEnv(BUCKETS.inboundMail.envVar), runtimeConfig().INBOUND_MAIL_PREFIX),
});
