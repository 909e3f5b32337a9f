/**
 * Mail in and out: the SES v2 mailer (simple content, extra headers such as List-Unsubscribe) and
 * the reader of raw inbound mail that the SES receipt rule stored in S3.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingMail } from '../domain/ports';

export class SesMailer implements Mailer {
  constructor(
    private readonly from: string,
    private readonly client = new SESv2Client({}),
  ) {}

  async send(mail: OutgoingMail) {
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [mail.to] },
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' }, ...(mail.html ? { Html: { Data: mail.html, Charset: 'UTF-8' } } : {}) },
            ...(mail.headers ? { Headers: Object.entries(mail.headers).map(([Name, Value]) => ({ Name, Value })) } : {}),
          },
        },
      }),
    );
    return { messageId: out.MessageId ?? '' };
  }
}

/** SES accepts inbound messages up to 40 MB; anything larger in the bucket is not a real mail. */
export const MAX_RAW_MAIL_BYTES = 40 * 1024 * 1024;

export class S3MailReader {
  constructor(
    private readonly bucket: string,
    private readonly prefix: string,
    private readonly client = new S3Client({}),
  ) {}

  /** The raw message SES stored under `<prefix><messageId>`, or undefined when it is not there. */
  async read(messageId: string): Promise<Buffer | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}${messageId}` }));
      if ((out.ContentLength ?? 0) > MAX_RAW_MAIL_BYTES) throw new Error(`Raw mail ${messageId} is larger than SES allows`);
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
}
