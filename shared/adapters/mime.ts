/**
 * Turns an inbound mail as SES stores it (raw MIME in S3) into the few fields a privacy request
 * needs: who wrote, to whom, the subject and the words of the mail. Attachments are described,
 * never kept: their content is not needed to classify a request and must not spread further.
 *
 * The MIME parser is postal-mime: it decodes charsets with the runtime's `TextDecoder` (Node's full
 * ICU knows TIS-620 and windows-874), so the function carries no code-page tables of its own.
 *
 * `parseRawEmail` never rejects. Mail comes from anyone, so an input the parser cannot make sense
 * of gives an empty `ParsedEmail` (empty subject and text, no addresses) rather than an error, and a
 * truncated mail gives what was read before the cut: the caller treats either like any mail that
 * asks for nothing recognisable, as `other` for staff.
 * Nothing here judges the sender; `from` is what the header claims, spoofed or not.
 */
import PostalMime, { type Address, type Email } from 'postal-mime';

export interface ParsedEmail {
  /** As in the header, angle brackets included. */
  messageId?: string;
  from?: { address: string; name?: string };
  replyTo?: string;
  to: string[];
  subject: string;
  /** The plain text part, or the HTML converted to text when the mail has no (or an empty) plain text part. */
  text: string;
  /** ISO 8601; absent when the mail has no Date header or one that is not a date. */
  date?: string;
  attachments: { filename?: string; contentType: string; size: number }[];
  /** The In-Reply-To header's message id, and the References header's, oldest first (angle brackets included). */
  inReplyTo?: string;
  references?: string[];
  /** The mail had no plain text part, so `text` was converted from its HTML. */
  hadHtmlOnly: boolean;
}

/** Bounds the CPU one hostile mail can take; a bigger HTML-only mail leaves `text` empty (staff read it). */
const MAX_HTML_TO_CONVERT = 2_000_000;

/**
 * A charset label the Encoding Standard does not know (`x-windows-874`, `x-tis620`, `x-unknown`)
 * would be guessed at by the parser. Such labels are read as UTF-8 first and, when that loses
 * characters, as windows-874: the shop's mail is Thai or English, the clients that invent labels are
 * old Thai ones, and windows-874 (a superset of TIS-620) leaves ASCII as it is.
 */
const UNKNOWN_LABEL_READINGS = ['utf-8', 'windows-874'] as const;
const LOST_CHARACTER = '\uFFFD';

export async function parseRawEmail(raw: Buffer): Promise<ParsedEmail> {
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
  const mail = await parseReadingUnknownLabels(bytes);
  if (!mail) return emptyEmail();
  try {
    return toParsedEmail(mail, bytes, await textOf(mail));
  } catch {
    return emptyEmail();
  }
}

/** The words of an HTML document as plain text (the same conversion an HTML-only mail gets). */
export async function htmlToText(html: string): Promise<string> {
  // postal-mime converts HTML to text only for a mail that also has a plain part: give it an empty one.
  const asMail = Buffer.concat([
    Buffer.from(
      'Content-Type: multipart/mixed; boundary="=b"\r\n\r\n--=b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\r\n--=b\r\n' +
        'Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
    ),
    Buffer.from(html),
    Buffer.from('\r\n--=b--\r\n'),
  ]);
  return normaliseText((await tryParse(asMail))?.text ?? '');
}

async function textOf(mail: Email): Promise<string> {
  const text = normaliseText(mail.text ?? '');
  if (text || typeof mail.html !== 'string' || mail.html.trim() === '' || mail.html.length > MAX_HTML_TO_CONVERT) return text;
  return htmlToText(mail.html);
}

const normaliseText = (text: string) => text.replace(/\r\n?/g, '\n').trim();

async function tryParse(bytes: Buffer): Promise<Email | undefined> {
  try {
    return await PostalMime.parse(bytes, { attachmentEncoding: 'arraybuffer' });
  } catch {
    return undefined;
  }
}

async function parseReadingUnknownLabels(bytes: Buffer): Promise<Email | undefined> {
  if (!hasUnknownLabel(bytes)) return tryParse(bytes);
  let best: Email | undefined;
  for (const reading of UNKNOWN_LABEL_READINGS) {
    const mail = await tryParse(relabelUnknownCharsets(bytes, reading));
    if (mail && (!best || lostCharacters(mail) < lostCharacters(best))) best = mail;
    if (best && lostCharacters(best) === 0) break;
  }
  return best;
}

function lostCharacters(mail: Email): number {
  return countOf(mail.subject ?? '', LOST_CHARACTER) + countOf(mail.text ?? '', LOST_CHARACTER) + countOf(mail.html ?? '', LOST_CHARACTER);
}

function countOf(text: string, character: string): number {
  return text.split(character).length - 1;
}

// Header parameters (`charset=x-tis620`) and RFC 2047 encoded words (`=?x-tis620?Q?...?=`).
const CHARSET_PARAMETER = /(charset\s*=\s*"?)([A-Za-z][\w.:+-]*)/gi;
const ENCODED_WORD_CHARSET = /(=\?)([A-Za-z][\w.:+-]*)(?=(?:\*[\w-]*)?\?[BbQq]\?)/g;

function hasUnknownLabel(bytes: Buffer): boolean {
  const source = bytes.toString('latin1');
  for (const pattern of [CHARSET_PARAMETER, ENCODED_WORD_CHARSET]) {
    for (const match of source.matchAll(pattern)) if (!isKnownCharset(match[2]!)) return true;
  }
  return false;
}

/** The same bytes with every unknown charset label replaced by `reading`. */
function relabelUnknownCharsets(bytes: Buffer, reading: string): Buffer {
  // latin1 maps each byte to one character and back, so everything but the labels stays byte for byte.
  const relabel = (_match: string, before: string, label: string): string => `${before}${isKnownCharset(label) ? label : reading}`;
  return Buffer.from(bytes.toString('latin1').replace(CHARSET_PARAMETER, relabel).replace(ENCODED_WORD_CHARSET, relabel), 'latin1');
}

/** The WHATWG Encoding Standard's labels: what browsers, and so mail clients, actually use. */
function isKnownCharset(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

function toParsedEmail(mail: Email, bytes: Buffer, text: string): ParsedEmail {
  const from = mailboxes(mail.from)[0];
  const replyTo = mailboxes(mail.replyTo)[0];
  const attachments = mail.attachments.map((attachment) => ({
    ...(attachment.filename === null ? {} : { filename: attachment.filename }),
    contentType: attachment.mimeType,
    size: typeof attachment.content === 'string' ? Buffer.byteLength(attachment.content) : attachment.content.byteLength,
  }));
  const references = mail.references?.split(/\s+/).filter(Boolean);
  return {
    ...(mail.messageId ? { messageId: mail.messageId } : {}),
    ...(from ? { from } : {}),
    ...(replyTo ? { replyTo: replyTo.address } : {}),
    to: mailboxes(mail.to).map((mailbox) => mailbox.address),
    subject: (mail.subject ?? '').trim(),
    text,
    ...dateOf(mail),
    attachments,
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo.trim() } : {}),
    ...(references?.length ? { references } : {}),
    hadHtmlOnly: hadHtmlOnly(mail, bytes),
  };
}

function mailboxes(header: Address | Address[] | undefined): { address: string; name?: string }[] {
  const entries = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return entries.flatMap((entry) => (entry.group ? entry.group : [entry])).flatMap(toMailbox);
}

function toMailbox(entry: { address?: string; name: string }): { address: string; name?: string }[] {
  const address = entry.address?.trim().toLowerCase();
  if (!address) return [];
  const name = entry.name.trim();
  return [name ? { address, name } : { address }];
}

/** The Date header read strictly: one that is not a date is left out rather than guessed. */
function dateOf(mail: Email): { date?: string } {
  const value = mail.headers.find((header) => header.key === 'date')?.value;
  if (!value) return {};
  const date = new Date(value.replace(/\s+/g, ' ').trim());
  return Number.isNaN(date.getTime()) ? {} : { date: date.toISOString() };
}

const PLAIN_TEXT_CONTENT_TYPE = /^content-type:[ \t]*(?:\r?\n[ \t]+)?"?text\/plain\b/gim;

/**
 * The parser does not say whether `text` came from a plain part or was converted from HTML, so the
 * raw mail is searched for a text/plain part that is not itself an attachment.
 */
function hadHtmlOnly(mail: Email, bytes: Buffer): boolean {
  if (typeof mail.html !== 'string' || mail.html.trim() === '') return false;
  const plainParts = bytes.toString('latin1').match(PLAIN_TEXT_CONTENT_TYPE)?.length ?? 0;
  const plainAttachments = mail.attachments.filter((attachment) => attachment.mimeType === 'text/plain').length;
  return plainParts <= plainAttachments;
}

function emptyEmail(): ParsedEmail {
  return { to: [], subject: '', text: '', attachments: [], hadHtmlOnly: false };
}
