/**
 * Mail in and out: the SES v2 mailer and the reader of raw inbound mail that the SES receipt rule
 * stored in S3. Outgoing mail is sent as SES's own simple content (subject, text and HTML parts,
 * extra headers such as List-Unsubscribe): SES composes the MIME, so no MIME library is bundled into
 * the functions that send mail. Raw MIME is not needed anywhere: the mails are text and HTML in
 * UTF-8 with a few extra headers, all of which the simple content carries (attachments would too).
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendEmailCommand, type SendEmailCommandInput, SESv2Client } from '@aws-sdk/client-sesv2';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Mailer, OutgoingMail } from '../domain/ports';

export class SesMailer implements Mailer {
  constructor(
    private readonly from: string,
    private readonly client = new SESv2Client({}),
  ) {}

  async send(mail: OutgoingMail) {
    const out = await this.client.send(new SendEmailCommand(sendEmailInput(this.from, mail)));
    return { messageId: out.MessageId ?? '' };
  }
}

// SES's MessageHeader rules (API reference): a name of printable ASCII without a colon, a value of
// printable ASCII. The emulator accepts anything, so they are checked here, where a test can see them.
const HEADER_NAME = /^[!-9;-~]{1,126}$/;
const HEADER_VALUE = /^[ -~]{1,870}$/;
/** Headers the request's own fields write (or SES overwrites): set through those fields, never twice. */
const RESERVED_HEADERS = new Set(['from', 'to', 'cc', 'bcc', 'subject', 'date', 'message-id', 'mime-version', 'content-type', 'content-transfer-encoding']);

/** The SES v2 request for one mail: UTF-8 subject and parts, extra headers as SES's message headers. */
export function sendEmailInput(from: string, mail: OutgoingMail): SendEmailCommandInput {
  const headers = Object.entries(mail.headers ?? {}).map(([name, value]) => {
    if (!HEADER_NAME.test(name) || RESERVED_HEADERS.has(name.toLowerCase())) throw new Error(`SES cannot add a mail header named ${JSON.stringify(name)}`);
    if (!HEADER_VALUE.test(value)) throw new Error(`The mail header ${name} must be 1 to 870 printable ASCII characters for SES`);
    return { Name: name, Value: value };
  });
  const part = (data: string) => ({ Data: data, Charset: 'UTF-8' });
  return {
    FromEmailAddress: from,
    Destination: { ToAddresses: [mail.to] },
    Content: {
      Simple: {
        Subject: part(mail.subject),
        Body: { Text: part(mail.text), ...(mail.html ? { Html: part(mail.html) } : {}) },
        ...(headers.length ? { Headers: headers } : {}),
      },
    },
  };
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
