/**
 * Turns an inbound mail as SES stores it (raw MIME in S3) into the few fields a privacy request
 * needs: who wrote, to whom, the subject and the words of the mail. Attachments are described,
 * never kept: their content is not needed to classify a request and must not spread further.
 *
 * `parseRawEmail` never rejects. Mail comes from anyone, so an input mailparser cannot make sense
 * of gives an empty `ParsedEmail` (empty subject and text, no addresses) rather than an error, and a
 * truncated mail gives what was read before the cut: the caller treats either like any mail that
 * asks for nothing recognisable, as `other` for staff.
 * Nothing here judges the sender; `from` is what the header claims, spoofed or not.
 */
import { simpleParser, type AddressObject, type EmailAddress, type ParsedMail, type SimpleParserOptions } from 'mailparser';

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

const PARSER_OPTIONS: SimpleParserOptions = {
  // Inlining images as data: URLs and hashing attachments is work for content that is thrown away.
  keepCidLinks: true,
  checksumAlgo: false,
  // Keeps `html` to the mail's own HTML parts, which `hadHtmlOnly` relies on.
  skipTextToHtml: true,
  skipTextLinks: true,
  // Bounds the CPU one hostile mail can take; a bigger HTML part leaves `text` empty (staff read it).
  maxHtmlLengthToParse: 2_000_000,
};

/**
 * A charset label no decoder knows makes mailparser decode the part as UTF-8, which turns legacy
 * 8-bit text into U+FFFD. Such labels are read as windows-874 instead: the shop's mail is Thai or
 * English, the clients that invent labels ("x-windows-874", "x-tis620") are old Thai ones, and
 * windows-874 (a superset of TIS-620) leaves ASCII as it is.
 */
const FALLBACK_CHARSET = 'windows-874';
const LOST_CHARACTER = '\uFFFD';

export async function parseRawEmail(raw: Buffer): Promise<ParsedEmail> {
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
  const first = await tryParse(bytes);
  if (!first) return emptyEmail();
  const mail = lostCharacters(first) > 0 ? await retryWithFallbackCharset(bytes, first) : first;
  try {
    return toParsedEmail(mail, bytes, await textOf(mail));
  } catch {
    return emptyEmail();
  }
}

/**
 * mailparser converts HTML to text only when the HTML is the whole mail or sits beside a plain part,
 * so an HTML-only mail with an attachment or an inline logo (multipart/mixed or /related) comes back
 * without text. Such HTML is converted by parsing it again as a mail of its own.
 */
async function textOf(mail: ParsedMail): Promise<string> {
  const text = (mail.text ?? '').trim();
  if (text || typeof mail.html !== 'string' || mail.html.trim() === '') return text;
  const htmlAsMail = Buffer.concat([Buffer.from('Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'), Buffer.from(mail.html)]);
  return ((await tryParse(htmlAsMail))?.text ?? '').trim();
}

async function tryParse(bytes: Buffer): Promise<ParsedMail | undefined> {
  try {
    return await simpleParser(bytes, PARSER_OPTIONS);
  } catch {
    return undefined;
  }
}

async function retryWithFallbackCharset(bytes: Buffer, first: ParsedMail): Promise<ParsedMail> {
  const relabelled = relabelUnknownCharsets(bytes);
  if (!relabelled) return first;
  const second = await tryParse(relabelled);
  return second && lostCharacters(second) < lostCharacters(first) ? second : first;
}

function lostCharacters(mail: ParsedMail): number {
  return countOf(mail.subject ?? '', LOST_CHARACTER) + countOf(mail.text ?? '', LOST_CHARACTER);
}

function countOf(text: string, character: string): number {
  return text.split(character).length - 1;
}

// Header parameters (`charset=x-tis620`) and RFC 2047 encoded words (`=?x-tis620?Q?...?=`).
const CHARSET_PARAMETER = /(charset\s*=\s*"?)([A-Za-z][\w.:+-]*)/gi;
const ENCODED_WORD_CHARSET = /(=\?)([A-Za-z][\w.:+-]*)(?=(?:\*[\w-]*)?\?[BbQq]\?)/g;

/** The same bytes with every unknown charset label replaced, or undefined when every label is known. */
function relabelUnknownCharsets(bytes: Buffer): Buffer | undefined {
  // latin1 maps each byte to one character and back, so everything but the labels stays byte for byte.
  const source = bytes.toString('latin1');
  let changed = false;
  const relabel = (_match: string, before: string, label: string): string => {
    if (isKnownCharset(label)) return `${before}${label}`;
    changed = true;
    return `${before}${FALLBACK_CHARSET}`;
  };
  const relabelled = source.replace(CHARSET_PARAMETER, relabel).replace(ENCODED_WORD_CHARSET, relabel);
  return changed ? Buffer.from(relabelled, 'latin1') : undefined;
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

function toParsedEmail(mail: ParsedMail, bytes: Buffer, text: string): ParsedEmail {
  const from = mailboxes(mail.from)[0];
  const replyTo = mailboxes(mail.replyTo)[0];
  const attachments = mail.attachments.map((attachment) => ({
    ...(attachment.filename === undefined ? {} : { filename: attachment.filename }),
    contentType: attachment.contentType,
    size: attachment.size,
  }));
  return {
    ...(mail.messageId ? { messageId: mail.messageId } : {}),
    ...(from ? { from } : {}),
    ...(replyTo ? { replyTo: replyTo.address } : {}),
    to: mailboxes(mail.to).map((mailbox) => mailbox.address),
    subject: (mail.subject ?? '').trim(),
    text,
    ...dateOf(mail),
    attachments,
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    ...(mail.references ? { references: Array.isArray(mail.references) ? mail.references : mail.references.split(/\s+/).filter(Boolean) } : {}),
    hadHtmlOnly: hadHtmlOnly(mail, bytes),
  };
}

function mailboxes(header: AddressObject | AddressObject[] | undefined): { address: string; name?: string }[] {
  const objects = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return objects.flatMap((object) => flatten(object.value)).flatMap(toMailbox);
}

function flatten(entries: EmailAddress[]): EmailAddress[] {
  return entries.flatMap((entry) => (entry.group ? flatten(entry.group) : [entry]));
}

function toMailbox(entry: EmailAddress): { address: string; name?: string }[] {
  const address = entry.address?.trim().toLowerCase();
  if (!address) return [];
  const name = entry.name.trim();
  return [name ? { address, name } : { address }];
}

/** mailparser turns an unreadable Date header into "now", which would misdate the request. */
function dateOf(mail: ParsedMail): { date?: string } {
  const line = mail.headerLines?.find((header) => header.key === 'date')?.line;
  if (!line) return {};
  const date = new Date(
    line
      .slice(line.indexOf(':') + 1)
      .replace(/\s+/g, ' ')
      .trim(),
  );
  return Number.isNaN(date.getTime()) ? {} : { date: date.toISOString() };
}

const PLAIN_TEXT_CONTENT_TYPE = /^content-type:[ \t]*(?:\r?\n[ \t]+)?"?text\/plain\b/gim;

/**
 * mailparser does not say whether `text` came from a plain part or was converted from HTML, so the
 * raw mail is searched for a text/plain part that is not itself an attachment.
 */
function hadHtmlOnly(mail: ParsedMail, bytes: Buffer): boolean {
  if (typeof mail.html !== 'string' || mail.html.trim() === '') return false;
  const plainParts = bytes.toString('latin1').match(PLAIN_TEXT_CONTENT_TYPE)?.length ?? 0;
  const plainAttachments = mail.attachments.filter((attachment) => attachment.contentType === 'text/plain').length;
  return plainParts <= plainAttachments;
}

function emptyEmail(): ParsedEmail {
  return { to: [], subject: '', text: '', attachments: [], hadHtmlOnly: false };
}
