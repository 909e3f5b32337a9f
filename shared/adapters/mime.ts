/**
 * Turns an inbound mail as SES stores it (raw MIME in S3) into the few fields a privacy request
 * needs: who wrote, to whom, the subject and the words of the mail. Attachments are described,
 * never kept: their content is not needed to classify a request and must not spread further.
 *
 * The MIME parser is postal-mime: it decodes charsets with the runtime's `TextDecoder` (Node's full
 * ICU knows TIS-620 and windows-874), so the function carries no code-page tables of its own. Its
 * HTML-to-text conversion is not used: one regular expression in it backtracks over every `href` of
 * an unclosed tag, so 90 KB of crafted HTML took 16 s of CPU. HTML parts are handed to it under
 * another type (it then returns their bytes untouched) and converted here in one pass.
 *
 * `parseRawEmail` never rejects. Mail comes from anyone, so an input the parser cannot make sense
 * of gives an empty `ParsedEmail` (empty subject and text, no addresses) rather than an error, and a
 * truncated mail gives what was read before the cut: the caller treats either like any mail that
 * asks for nothing recognisable, as `other` for staff.
 * Nothing here judges the sender; `from` is what the header claims, spoofed or not.
 */
import PostalMime, { type Address, type Attachment, type Email } from 'postal-mime';

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

/** Bounds the work one hostile mail can cause; a bigger HTML-only mail leaves `text` empty (staff read it). */
const MAX_HTML_TO_CONVERT = 2_000_000;

/**
 * The type an HTML part is renamed to before parsing, with its charset label in the name (the parser
 * keeps no parameters of a part it does not read as text): `text/html; charset=tis-620` becomes
 * `application/x-shop-inline-html.tis-620; charset=tis-620`.
 */
const HTML_PART_PREFIX = 'application/x-shop-inline-html.';
const HTML_CONTENT_TYPE = /^(content-type:[ \t]*(?:\r?\n[ \t]+)?"?)text\/html\b([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/gim;

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
  const parsed = await parseReadingUnknownLabels(bytes);
  if (!parsed) return emptyEmail();
  try {
    return toParsedEmail(parsed, bytes);
  } catch {
    return emptyEmail();
  }
}

/** A parsed mail with the HTML of its inline HTML parts, decoded. */
type Parsed = Email & { htmlParts: string[] };

async function tryParse(bytes: Buffer): Promise<Parsed | undefined> {
  try {
    const mail = await PostalMime.parse(renameHtmlParts(bytes), { attachmentEncoding: 'arraybuffer' });
    const htmlParts = mail.attachments
      .filter(isInlineHtml)
      .map((part) => decodeHtml(part.content as ArrayBuffer, part.mimeType.slice(HTML_PART_PREFIX.length)));
    const attachments = mail.attachments.filter((part) => !isInlineHtml(part)).map((part) => (isHtmlPart(part) ? { ...part, mimeType: 'text/html' } : part));
    return { ...mail, attachments, htmlParts };
  } catch {
    return undefined;
  }
}

function renameHtmlParts(bytes: Buffer): Buffer {
  const source = bytes.toString('latin1');
  const renamed = source.replace(HTML_CONTENT_TYPE, (_match, before: string, parameters: string) => {
    const label = [...parameters.matchAll(CHARSET_PARAMETER)][0]?.[2]?.toLowerCase() ?? 'utf-8';
    return `${before}${HTML_PART_PREFIX}${label}${parameters}`;
  });
  return renamed === source ? bytes : Buffer.from(renamed, 'latin1');
}

const isHtmlPart = (part: Attachment) => part.mimeType.startsWith(HTML_PART_PREFIX);
const isInlineHtml = (part: Attachment) => isHtmlPart(part) && part.disposition !== 'attachment';

function decodeHtml(content: ArrayBuffer, label: string): string {
  try {
    return new TextDecoder(label).decode(content);
  } catch {
    return new TextDecoder().decode(content);
  }
}

function textOf(mail: Parsed): string {
  const text = normaliseText(mail.text ?? '');
  const html = mail.htmlParts.join('\n');
  if (text || html.trim() === '' || html.length > MAX_HTML_TO_CONVERT) return text;
  return normaliseText(htmlToText(html));
}

const normaliseText = (text: string) => text.replace(/\r\n?/g, '\n').trim();

async function parseReadingUnknownLabels(bytes: Buffer): Promise<Parsed | undefined> {
  if (!hasUnknownLabel(bytes)) return tryParse(bytes);
  let best: Parsed | undefined;
  for (const reading of UNKNOWN_LABEL_READINGS) {
    const mail = await tryParse(relabelUnknownCharsets(bytes, reading));
    if (mail && (!best || lostCharacters(mail) < lostCharacters(best))) best = mail;
    if (best && lostCharacters(best) === 0) break;
  }
  return best;
}

function lostCharacters(mail: Parsed): number {
  return countOf(mail.subject ?? '', LOST_CHARACTER) + countOf(mail.text ?? '', LOST_CHARACTER) + countOf(mail.htmlParts.join(''), LOST_CHARACTER);
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

function toParsedEmail(mail: Parsed, bytes: Buffer): ParsedEmail {
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
    text: textOf(mail),
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
function hadHtmlOnly(mail: Parsed, bytes: Buffer): boolean {
  if (mail.htmlParts.every((html) => html.trim() === '')) return false;
  const plainParts = bytes.toString('latin1').match(PLAIN_TEXT_CONTENT_TYPE)?.length ?? 0;
  const plainAttachments = mail.attachments.filter((attachment) => attachment.mimeType === 'text/plain').length;
  return plainParts <= plainAttachments;
}

function emptyEmail(): ParsedEmail {
  return { to: [], subject: '', text: '', attachments: [], hadHtmlOnly: false };
}

// ---------------------------------------------------------------------------------------------
// HTML to text, in one pass: every search moves forward, so no input makes it scan a part twice.

/** Elements whose content is not words of the mail. */
const SKIPPED_ELEMENTS = new Set(['head', 'script', 'style', 'title', 'template']);
/** Elements that end a line of text. */
const BLOCK_ELEMENTS = new Set([
  'address',
  'article',
  'blockquote',
  'br',
  'dd',
  'div',
  'dl',
  'dt',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tbody',
  'thead',
  'tr',
  'ul',
]);
const TAG_NAME = /^\/?([a-zA-Z][a-zA-Z0-9-]*)/;

/** The words of an HTML document as plain text: tags, comments, scripts and styles dropped, entities decoded. */
export function htmlToText(html: string): string {
  const lower = html.toLowerCase();
  const out: string[] = [];
  let at = 0;
  while (at < html.length) {
    const open = html.indexOf('<', at);
    if (open < 0) {
      out.push(html.slice(at));
      break;
    }
    out.push(html.slice(at, open));
    if (html.startsWith('<!--', open)) {
      const end = html.indexOf('-->', open + 4);
      at = end < 0 ? html.length : end + 3;
      continue;
    }
    const close = html.indexOf('>', open + 1);
    if (close < 0) break; // a tag cut off at the end: nothing after it is text
    const name = TAG_NAME.exec(html.slice(open + 1, Math.min(close, open + 40)))?.[1]?.toLowerCase();
    at = close + 1;
    if (!name) continue; // <!DOCTYPE>, <?xml?> and stray brackets
    const closing = html[open + 1] === '/';
    if (!closing && SKIPPED_ELEMENTS.has(name)) {
      const end = lower.indexOf(`</${name}`, at);
      const endTag = end < 0 ? -1 : html.indexOf('>', end);
      at = endTag < 0 ? html.length : endTag + 1;
    } else if (BLOCK_ELEMENTS.has(name)) {
      out.push('\n');
    } else {
      // Cells of a row stay on its line; an image stands between words.
      out.push(name === 'td' || name === 'th' || name === 'img' ? ' ' : '');
    }
  }
  return decodeEntities(out.join(''))
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  bull: '•',
  middot: '·',
  laquo: '«',
  raquo: '»',
  euro: '€',
  times: '×',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/g, (entity, body: string) => {
    if (body[0] !== '#') return NAMED_ENTITIES[body] ?? entity;
    const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
  });
}
