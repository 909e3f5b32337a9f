/**
 * Mail in and out: the SES v2 mailer and the reader of raw inbound mail that the SES receipt rule
 * stored in S3. Outgoing mail is composed as MIME here (nodemailer's composer) and sent raw, so the
 * message SES delivers is exactly the one built, headers such as List-Unsubscribe included, and the
 * local emulator keeps the same bytes for `npm run outbox` to show.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Mailer, OutgoingMail } from '../domain/ports';

export class SesMailer implements Mailer {
  constructor(
    private readonly from: string,
    private readonly client = new SESv2Client({}),
  ) {}

  async send(mail: OutgoingMail) {
    const raw = await new MailComposer({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      ...(mail.html ? { html: mail.html } : {}),
      ...(mail.headers ? { headers: mail.headers } : {}),
    })
      .compile()
      .build();
    const out = await this.client.send(
      new SendEmailCommand({ FromEmailAddress: this.from, Destination: { ToAddresses: [mail.to] }, Content: { Raw: { Data: raw } } }),
    );
    return { messageId: out.MessageId ?? '' };
  }
}

/** SES accepts inbound messages up to 40 MB; anything larger in the bucket is not a real mail. */
export const MAX_RAW_MAIL_BYTES = 40 * 1024 * 1024;

export const RAW_MAIL_URL_SECONDS = 300;

export class S3MailReader {
  constructor(
    private readonly bucket: string,
    private readonly prefix: string,
    private readonly client = new S3Client({}),
  ) {}

  /** The key SES stores a message's raw mail under. */
  keyOf(messageId: string) {
    return `${this.prefix}${messageId}`;
  }

  /** A presigned link to one raw mail, for staff; minutes only (the role's credentials bound it anyway). */
  rawMailUrl(key: string, seconds = RAW_MAIL_URL_SECONDS): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: seconds });
  }

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
