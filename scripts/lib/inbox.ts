/**
 * Feeds a raw mail through the same inbound path as in AWS: the raw bytes into the inbound bucket
 * (as the SES receipt rule's S3 action does), then an SES receipt event with the chosen verdicts to
 * the real handler. Used by `npm run inbox` and the integration tests.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SESEvent } from 'aws-lambda';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../infra/stage-config';
import type { IntakeOutcome } from '../../shared/domain/request-service';
import { BUCKETS } from '../../shared/resources';
import { loadEvent } from '../../test/helpers/events';

export const VERDICT_VALUES = ['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED'] as const;
export type VerdictValue = (typeof VERDICT_VALUES)[number];
export type VerdictName = 'spf' | 'dkim' | 'dmarc' | 'spam' | 'virus';

export async function deliverMail(
  raw: Buffer,
  verdicts: Partial<Record<VerdictName, VerdictValue>> = {},
  messageId = randomBytes(20).toString('hex'),
): Promise<IntakeOutcome & { messageId: string }> {
  const bucket = process.env[BUCKETS.inboundMail.envVar];
  if (!bucket) throw new Error(`${BUCKETS.inboundMail.envVar} is not set: prepare the local AWS resources first`);
  await new S3Client({ forcePathStyle: true }).send(new PutObjectCommand({ Bucket: bucket, Key: `${BUCKETS.inboundMail.keyPrefix}${messageId}`, Body: raw }));
  const event = loadEvent<SESEvent>('ses', 'receipt');
  const record = event.Records[0]!.ses;
  record.mail.messageId = messageId;
  const v = (name: VerdictName) => ({ status: verdicts[name] ?? 'PASS' });
  Object.assign(record.receipt, { spfVerdict: v('spf'), dkimVerdict: v('dkim'), dmarcVerdict: v('dmarc'), spamVerdict: v('spam'), virusVerdict: v('virus') });
  const { handler } = (await import(pathToFileURL(join(REPO_ROOT, 'functions', 'email', 'receive-email.ts')).href)) as {
    handler: (e: SESEvent) => Promise<IntakeOutcome[]>;
  };
  const [outcome] = await handler(event);
  return { ...(outcome ?? { outcome: 'rejected', reason: 'not processed' }), messageId };
}
