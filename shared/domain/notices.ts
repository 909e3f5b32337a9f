/**
 * The mails the system sends about data-subject requests and unsubscribes (policy 2.1, 2.2, 6 and
 * the PDPA fallback), in Thai and English. Pure functions: each builds subject, text and HTML from
 * one list of blocks, so the two parts cannot drift apart; the caller adds `to` and headers.
 */
import { escapeHtml } from '../html';
import type { Locale } from './members';
import { REQUEST_TYPE_LABELS, type RequestType } from './request-types';
import type { UnsubscribeVia } from './ports';

export type { Locale };

export interface Notice {
  subject: string;
  text: string;
  html: string;
}

const BANGKOK = 'Asia/Bangkok';
const DATE_LOCALE: Record<Locale, string> = { th: 'th-TH', en: 'en-GB' };
const DEFAULT_SHOP: Record<Locale, string> = { th: 'ร้านค้า', en: 'the shop' };

// ---------------------------------------------------------------------------------------------
// Formatting helpers

function parseInstant(iso: string): Date {
  const date = new Date(iso);
  // "Invalid Date" in a customer's mail is worse than a failed send that is retried.
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not a valid date: "${iso}"`);
  return date;
}

/** The calendar day in Bangkok, e.g. "15 มีนาคม 2569" (Buddhist era) or "15 March 2026". */
export function formatDate(iso: string, locale: Locale): string {
  return parseInstant(iso).toLocaleDateString(DATE_LOCALE[locale], { timeZone: BANGKOK, dateStyle: 'long' });
}

/** Day and Bangkok wall-clock time, for links that expire within hours. */
export function formatDateTime(iso: string, locale: Locale): string {
  const time = new Intl.DateTimeFormat(DATE_LOCALE[locale], {
    timeZone: BANGKOK,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(parseInstant(iso));
  const day = formatDate(iso, locale);
  return locale === 'th' ? `${day} เวลา ${time} น.` : `${day}, ${time} (Bangkok time)`;
}

/** `until` of a kept item may be a date ("2031-12-31", ISO instant) or words ("until the dispute is settled"). */
function formatUntil(until: string, locale: Locale): string {
  return /^\d{4}-\d{2}-\d{2}/.test(until) && !Number.isNaN(Date.parse(until)) ? formatDate(until, locale) : until;
}

/** Only web links go into a mail; anything else (javascript:, data:) is a caller bug. */
function checkedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError(`Not a valid URL: "${url}"`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new RangeError(`Only http(s) links may be mailed, got "${parsed.protocol}"`);
  }
  return url;
}

/** A subject is a header: no line breaks, whatever a shop name or note contains. */
const oneLine = (value: string) =>
  value
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();

const shopOf = (shopName: string | undefined, locale: Locale) => shopName?.trim() || DEFAULT_SHOP[locale];

/** Thai writes no space between Thai words, but sets a Latin name ("Precise Shop") apart with one. */
const thaiBefore = (name: string) => (/^[\u0E00-\u0E7F]/.test(name) ? name : ` ${name}`);

const label = (type: RequestType, locale: Locale) => REQUEST_TYPE_LABELS[type][locale];

// ---------------------------------------------------------------------------------------------
// One message model, two renderings

type Block =
  /** A paragraph; line breaks are kept. */
  | { kind: 'p'; text: string }
  /** Label/value rows: reference, request, dates. */
  | { kind: 'facts'; rows: [string, string][] }
  | { kind: 'list'; items: { lead?: string; text: string }[] }
  /** A link the reader should open; the text part shows the hint and the bare URL. */
  | { kind: 'action'; hint: string; button: string; url: string };

interface Message {
  locale: Locale;
  subject: string;
  blocks: Block[];
  footer: string;
}

const p = (text: string): Block => ({ kind: 'p', text });

function blockText(block: Block): string {
  switch (block.kind) {
    case 'p':
      return block.text;
    case 'facts':
      return block.rows.map(([name, value]) => `${name}: ${value}`).join('\n');
    case 'list':
      return block.items.map((item) => `- ${item.lead ? `${item.lead}: ` : ''}${item.text}`).join('\n');
    case 'action':
      return `${block.hint}\n${block.url}`;
  }
}

function renderText(message: Message): string {
  const parts = message.blocks.map(blockText);
  return `${[...parts, '-----', message.footer].join('\n\n')}\n`;
}

const html = (value: string) => escapeHtml(value).replace(/\r?\n/g, '<br>');

const STYLE = {
  body: 'margin:0;padding:0;background:#f4f4f4;',
  box: 'max-width:600px;margin:0 auto;padding:24px;background:#ffffff;font-family:Tahoma,Arial,sans-serif;font-size:15px;line-height:1.6;color:#222222;',
  p: 'margin:0 0 16px;',
  table: 'border-collapse:collapse;margin:0 0 16px;',
  th: 'text-align:left;vertical-align:top;padding:4px 16px 4px 0;font-weight:normal;color:#555555;',
  td: 'vertical-align:top;padding:4px 0;font-weight:bold;',
  ul: 'margin:0 0 16px;padding-left:20px;',
  li: 'margin:0 0 8px;',
  button: 'display:inline-block;padding:10px 20px;background:#1a56db;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold;',
  small: 'margin:0 0 16px;font-size:13px;color:#555555;word-break:break-all;',
  hr: 'border:none;border-top:1px solid #dddddd;margin:24px 0 12px;',
  footer: 'margin:0;font-size:12px;color:#777777;',
};

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'p':
      return `<p style="${STYLE.p}">${html(block.text)}</p>`;
    case 'facts':
      return (
        `<table role="presentation" style="${STYLE.table}">` +
        block.rows
          .map(([name, value]) => `<tr><th scope="row" style="${STYLE.th}">${html(name)}:</th><td style="${STYLE.td}">${html(value)}</td></tr>`)
          .join('') +
        '</table>'
      );
    case 'list':
      return (
        `<ul style="${STYLE.ul}">` +
        block.items.map((item) => `<li style="${STYLE.li}">${item.lead ? `<strong>${html(item.lead)}:</strong> ` : ''}${html(item.text)}</li>`).join('') +
        '</ul>'
      );
    case 'action': {
      const href = escapeHtml(block.url);
      return (
        `<p style="${STYLE.p}">${html(block.hint)}</p>` +
        `<p style="${STYLE.p}"><a href="${href}" style="${STYLE.button}">${html(block.button)}</a></p>` +
        `<p style="${STYLE.small}"><a href="${href}" style="color:#1a56db;">${html(block.url)}</a></p>`
      );
    }
  }
}

function renderHtml(message: Message): string {
  const parts = message.blocks.map(blockHtml);
  return (
    `<!DOCTYPE html><html lang="${message.locale}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${html(message.subject)}</title></head>` +
    `<body style="${STYLE.body}"><div style="${STYLE.box}">` +
    parts.join('') +
    `<hr style="${STYLE.hr}"><p style="${STYLE.footer}">${html(message.footer)}</p>` +
    '</div></body></html>'
  );
}

function render(message: Message): Notice {
  return { subject: oneLine(message.subject), text: renderText(message), html: renderHtml(message) };
}

// ---------------------------------------------------------------------------------------------
// Pieces every customer mail shares

const greeting = (locale: Locale) => p(locale === 'th' ? 'เรียน ท่านลูกค้า' : 'Dear customer,');

const signature = (shop: string, locale: Locale) =>
  p(locale === 'th' ? `ขอแสดงความนับถือ\nฝ่ายดูแลข้อมูลส่วนบุคคล ${shop}` : `Kind regards,\nThe privacy team at ${shop}`);

const customerFooter = (shop: string, locale: Locale) =>
  locale === 'th'
    ? `อีเมลฉบับนี้เกี่ยวกับข้อมูลส่วนบุคคลของท่าน ตามนโยบายความเป็นส่วนตัวของ${thaiBefore(shop)}`
    : `This email is about your personal data, under the privacy policy of ${shop}.`;

const staffFooter = (shop: string) =>
  `This mail concerns a customer's personal data under the privacy policy of ${shop}. Do not forward it outside the privacy team.`;

const F = {
  th: { reference: 'เลขที่อ้างอิง', request: 'ประเภทคำขอ' },
  en: { reference: 'Reference', request: 'Request' },
} as const;

const refSuffix = (requestId: string, locale: Locale) => (locale === 'th' ? ` (เลขที่อ้างอิง ${requestId})` : ` (reference ${requestId})`);

// ---------------------------------------------------------------------------------------------
// Customer mails

export interface RequestAcknowledgementInput {
  requestId: string;
  type: RequestType;
  /** ISO instant by which the shop answers (policy deadline, or the PDPA's 30 days). */
  dueAt: string;
  shopName?: string;
}

/** Policy 2.1: the request arrived, has a reference and a due date, and staff will review it. */
export function requestAcknowledgement(input: RequestAcknowledgementInput, locale: Locale): Notice {
  const shop = shopOf(input.shopName, locale);
  const due = formatDate(input.dueAt, locale);
  const th = locale === 'th';
  return render({
    locale,
    subject: th ? `บริษัทฯ ได้รับคำขอของท่านแล้ว${refSuffix(input.requestId, locale)}` : `We have received your request${refSuffix(input.requestId, locale)}`,
    blocks: [
      greeting(locale),
      p(th ? 'บริษัทฯ ได้รับคำขอเกี่ยวกับข้อมูลส่วนบุคคลของท่านเรียบร้อยแล้ว รายละเอียดดังนี้' : 'We have received your request about your personal data:'),
      {
        kind: 'facts',
        rows: [
          [F[locale].reference, input.requestId],
          [F[locale].request, label(input.type, locale)],
          [th ? 'กำหนดแจ้งผลภายในวันที่' : 'We will answer by', due],
        ],
      },
      p(
        th
          ? `ขั้นตอนต่อไป: เจ้าหน้าที่ของบริษัทฯ จะตรวจสอบคำขอของท่าน ก่อนดำเนินการใด ๆ บริษัทฯ จะตรวจสอบให้แน่ใจว่าคำขอนี้มาจากท่านจริง จึงอาจติดต่อท่านเพื่อขอการยืนยันหรือข้อมูลเพิ่มเติม บริษัทฯ จะแจ้งผลให้ท่านทราบภายในวันที่ ${due}`
          : `What happens next: our staff will review your request. Before we act on it, we make sure it really comes from you, so we may contact you for a confirmation or for more details. We will answer you by ${due}.`,
      ),
      p(
        th
          ? `กรุณาระบุเลขที่อ้างอิง ${input.requestId} ทุกครั้งที่ติดต่อบริษัทฯ เกี่ยวกับคำขอนี้`
          : `Please quote the reference ${input.requestId} whenever you write to us about this request.`,
      ),
      signature(shop, locale),
    ],
    footer: customerFooter(shop, locale),
  });
}

export interface ConfirmationNeededInput {
  requestId: string;
  type: RequestType;
  /** Signed link that confirms the request (nothing changes on an unconfirmed email). */
  confirmUrl: string;
  expiresAt: string;
  shopName?: string;
}

/** Someone asked in the customer's name; only a click on the signed link lets it go ahead. */
export function confirmationNeeded(input: ConfirmationNeededInput, locale: Locale): Notice {
  const shop = shopOf(input.shopName, locale);
  const url = checkedUrl(input.confirmUrl);
  const expires = formatDateTime(input.expiresAt, locale);
  const th = locale === 'th';
  return render({
    locale,
    subject: th ? `กรุณายืนยันคำขอของท่าน${refSuffix(input.requestId, locale)}` : `Please confirm your request${refSuffix(input.requestId, locale)}`,
    blocks: [
      greeting(locale),
      p(th ? 'บริษัทฯ ได้รับคำขอเกี่ยวกับข้อมูลส่วนบุคคลในนามของท่าน รายละเอียดดังนี้' : 'We have received a request about your personal data, made in your name:'),
      {
        kind: 'facts',
        rows: [
          [F[locale].reference, input.requestId],
          [F[locale].request, label(input.type, locale)],
          [th ? 'ลิงก์ยืนยันใช้ได้ถึง' : 'Confirmation link valid until', expires],
        ],
      },
      {
        kind: 'action',
        hint: th ? 'หากท่านเป็นผู้ยื่นคำขอนี้ กรุณาเปิดลิงก์ด้านล่างเพื่อยืนยันว่าเป็นท่านจริง' : 'If you made this request, please open the link below to confirm that it was you:',
        button: th ? 'ยืนยันคำขอ' : 'Confirm my request',
        url,
      },
      p(
        th
          ? 'หากท่านไม่ได้ยื่นคำขอนี้ โปรดละเว้นอีเมลฉบับนี้ ท่านไม่ต้องดำเนินการใด ๆ และข้อมูลของท่านจะไม่มีการเปลี่ยนแปลง'
          : 'If you did not make this request, ignore this email. You need not do anything, and nothing will change.',
      ),
      p(
        th
          ? `ลิงก์นี้ใช้ได้ถึง ${expires} กรุณาอย่าส่งต่ออีเมลฉบับนี้ให้ผู้อื่น เพราะผู้ที่เปิดลิงก์จะยืนยันคำขอในนามของท่าน`
          : `The link is valid until ${expires}. Please do not forward this email: whoever opens the link confirms the request in your name.`,
      ),
      signature(shop, locale),
    ],
    footer: customerFooter(shop, locale),
  });
}

export interface KeptItem {
  /** What was kept, e.g. "Order records". */
  what: string;
  /** Why, e.g. "to settle disputes (policy 2.2)". */
  why: string;
  /** A date (ISO, shown in the locale) or words; omitted when there is no fixed end. */
  until?: string;
}

interface RequestCompletedBase {
  requestId: string;
  type: RequestType;
  kept?: KeptItem[];
  /** For access requests: the time-limited link to the copy. */
  downloadUrl?: string;
  downloadExpiresAt?: string;
  shopName?: string;
}

/** A refusal must give its reason, so `note` is required when `outcome` is `rejected`. */
export type RequestCompletedInput = RequestCompletedBase & ({ outcome: 'done'; note?: string } | { outcome: 'rejected'; note: string });

const DONE: Record<RequestType, Record<Locale, string>> = {
  edit: {
    th: 'บริษัทฯ ได้แก้ไขข้อมูลส่วนบุคคลของท่านตามที่ท่านแจ้งเรียบร้อยแล้ว',
    en: 'We have corrected your personal data as you asked.',
  },
  delete: {
    th: 'บริษัทฯ ได้ลบข้อมูลส่วนบุคคลของท่านตามคำขอเรียบร้อยแล้ว',
    en: 'We have deleted your personal data as you asked.',
  },
  cancel_account: {
    th: 'บริษัทฯ ได้ยกเลิกบัญชีสมาชิกของท่านแล้ว บัญชีของท่านอยู่ในสถานะไม่ใช้งาน (Deactivate) บริษัทฯ จะไม่ส่งอีเมลถึงท่านในฐานะสมาชิก และจะไม่นำข้อมูลของท่านไปวิเคราะห์อีก ทั้งนี้ ตามนโยบายความเป็นส่วนตัว ข้อ 2.2 ข้อมูลของท่านยังคงเก็บรักษาไว้ในฐานข้อมูล เพื่อใช้ระงับข้อพิพาทที่อาจเกิดขึ้นภายหลังเท่านั้น',
    en: 'We have cancelled your membership account. It is now deactivated: we will no longer send you member mail or use your data to build a profile of you. As clause 2.2 of our privacy policy says, your data stays in our database, kept only to settle any later disputes.',
  },
  stop_marketing: {
    th: 'ท่านจะไม่ได้รับจดหมายข่าวและโปรโมชั่นจากบริษัทฯ อีกต่อไป',
    en: 'You will no longer receive newsletters or promotions from us.',
  },
  access: {
    th: 'บริษัทฯ ได้ดำเนินการตามคำขอสำเนาข้อมูลส่วนบุคคลของท่านเรียบร้อยแล้ว',
    en: 'We have completed your request for a copy of your personal data.',
  },
  other: {
    th: 'บริษัทฯ ได้ดำเนินการตามคำขอของท่านเรียบร้อยแล้ว',
    en: 'We have completed your request.',
  },
};

/**
 * The outcome of a request: done (with what was kept and why, and for access the download link) or
 * refused with the reason. Kept items are listed whatever the outcome; the download link only when done.
 */
export function requestCompleted(input: RequestCompletedInput, locale: Locale): Notice {
  const shop = shopOf(input.shopName, locale);
  const th = locale === 'th';
  const done = input.outcome === 'done';
  const note = input.note?.trim();
  if (!done && !note) throw new RangeError('A rejected request needs the reason in `note`');
  const kept = input.kept ?? [];
  const download = done && input.downloadUrl ? checkedUrl(input.downloadUrl) : undefined;
  const downloadUntil = download && input.downloadExpiresAt ? formatDateTime(input.downloadExpiresAt, locale) : undefined;

  const blocks: Block[] = [greeting(locale)];
  const facts: [string, string][] = [
    [F[locale].reference, input.requestId],
    [F[locale].request, label(input.type, locale)],
    [th ? 'ผลการดำเนินการ' : 'Outcome', done ? (th ? 'ดำเนินการเรียบร้อยแล้ว' : 'Completed') : th ? 'ไม่สามารถดำเนินการได้' : 'Not carried out'],
  ];
  if (downloadUntil) facts.push([th ? 'ลิงก์ดาวน์โหลดใช้ได้ถึง' : 'Download link valid until', downloadUntil]);

  if (done) {
    blocks.push(p(DONE[input.type][locale]), { kind: 'facts', rows: facts });
    if (note) blocks.push(p(th ? `หมายเหตุจากเจ้าหน้าที่: ${note}` : `A note from our staff: ${note}`));
  } else {
    blocks.push(
      p(th ? 'บริษัทฯ ขออภัยที่ไม่สามารถดำเนินการตามคำขอของท่านได้' : 'We are sorry, but we could not carry out your request.'),
      { kind: 'facts', rows: facts },
      p(th ? `เหตุผล: ${note}` : `Reason: ${note}`),
    );
  }

  if (kept.length > 0) {
    blocks.push(p(th ? 'ข้อมูลต่อไปนี้บริษัทฯ ยังคงเก็บรักษาไว้ โดยใช้เฉพาะตามวัตถุประสงค์ที่ระบุ' : 'We have kept the following, and use it only for the purpose given:'), {
      kind: 'list',
      items: kept.map((item) => {
        const until = item.until ? formatUntil(item.until, locale) : undefined;
        const suffix = until ? (th ? ` (เก็บไว้ถึง ${until})` : ` (kept until ${until})`) : '';
        return { lead: item.what, text: `${item.why}${suffix}` };
      }),
    });
  }

  if (download) {
    blocks.push({
      kind: 'action',
      hint: th ? 'ท่านสามารถดาวน์โหลดสำเนาข้อมูลส่วนบุคคลของท่านได้จากลิงก์ด้านล่าง' : 'You can download the copy of your personal data from the link below:',
      button: th ? 'ดาวน์โหลดข้อมูลของท่าน' : 'Download your data',
      url: download,
    });
    blocks.push(
      p(
        th
          ? `${downloadUntil ? `ลิงก์นี้ใช้ได้ถึง ${downloadUntil} ` : ''}ผู้ใดที่มีลิงก์นี้สามารถดาวน์โหลดข้อมูลของท่านได้ กรุณาอย่าส่งต่อให้ผู้อื่น`
          : `${downloadUntil ? `The link works until ${downloadUntil}. ` : ''}Anyone with the link can download your data, so please do not forward it.`,
      ),
    );
  }

  blocks.push(
    p(
      done
        ? th
          ? `หากท่านมีข้อสงสัย กรุณาตอบกลับอีเมลฉบับนี้ โดยระบุเลขที่อ้างอิง ${input.requestId}`
          : `If you have any questions, reply to this email quoting the reference ${input.requestId}.`
        : th
          ? `หากท่านไม่เห็นด้วยกับผลการพิจารณา กรุณาตอบกลับอีเมลฉบับนี้ โดยระบุเลขที่อ้างอิง ${input.requestId} ท่านยังมีสิทธิร้องเรียนต่อสำนักงานคณะกรรมการคุ้มครองข้อมูลส่วนบุคคล (สคส.) ได้อีกด้วย`
          : `If you disagree with this decision, reply to this email quoting the reference ${input.requestId}. You also have the right to complain to Thailand's Personal Data Protection Committee (PDPC).`,
    ),
    signature(shop, locale),
  );

  return render({
    locale,
    subject: done
      ? th
        ? `คำขอของท่านดำเนินการเรียบร้อยแล้ว${refSuffix(input.requestId, locale)}`
        : `Your request has been completed${refSuffix(input.requestId, locale)}`
      : th
        ? `ผลการพิจารณาคำขอของท่าน${refSuffix(input.requestId, locale)}`
        : `We could not carry out your request${refSuffix(input.requestId, locale)}`,
    blocks,
    footer: customerFooter(shop, locale),
  });
}

export interface NoAccountFoundInput {
  requestId?: string;
  shopName?: string;
}

/** The sender's address matches no member account, so we cannot act on it from this address. */
export function noAccountFound(input: NoAccountFoundInput, locale: Locale): Notice {
  const shop = shopOf(input.shopName, locale);
  const th = locale === 'th';
  const blocks: Block[] = [
    greeting(locale),
    p(
      th
        ? 'บริษัทฯ ได้รับคำขอเกี่ยวกับข้อมูลส่วนบุคคลของท่านแล้ว แต่ไม่พบบัญชีสมาชิกที่ลงทะเบียนด้วยอีเมลนี้'
        : 'We have received your request about your personal data, but we hold no member account under this email address.',
    ),
  ];
  if (input.requestId) blocks.push({ kind: 'facts', rows: [[F[locale].reference, input.requestId]] });
  blocks.push(
    p(
      th
        ? 'หากท่านสมัครสมาชิกด้วยอีเมลอื่น กรุณาส่งคำขอจากอีเมลนั้น เพื่อให้บริษัทฯ ค้นหาบัญชีของท่านได้ และมั่นใจได้ว่าคำขอมาจากท่านจริง'
        : 'If you registered with another email address, please write to us from that address, so that we can find your account and be sure the request comes from you.',
    ),
    signature(shop, locale),
  );
  return render({
    locale,
    subject: (th ? 'ไม่พบบัญชีสมาชิกที่ใช้อีเมลนี้' : 'No member account found for this email address') + (input.requestId ? refSuffix(input.requestId, locale) : ''),
    blocks,
    footer: customerFooter(shop, locale),
  });
}

export interface UnsubscribeConfirmedInput {
  via: UnsubscribeVia;
  shopName?: string;
}

const VIA: Record<UnsubscribeVia, Record<Locale, string>> = {
  link: {
    th: 'บริษัทฯ ได้ดำเนินการตามที่ท่านกดลิงก์ยกเลิกการรับข่าวสาร',
    en: 'We have done this because you used the unsubscribe link.',
  },
  'one-click': {
    th: 'บริษัทฯ ได้ดำเนินการตามที่ท่านกดยกเลิกการรับข่าวสารจากโปรแกรมอีเมลของท่าน',
    en: 'We have done this because you unsubscribed with the button in your email program.',
  },
  email: {
    th: 'บริษัทฯ ได้ดำเนินการตามที่ท่านแจ้งความประสงค์มาทางอีเมล',
    en: 'We have done this because you asked us by email.',
  },
  deadline: {
    th: 'คำขอยกเลิกการรับข่าวสารของท่านได้รับการดำเนินการโดยอัตโนมัติ เนื่องจากครบกำหนด 7 วันตามนโยบายความเป็นส่วนตัว ข้อ 6',
    en: 'Your request to stop them was applied automatically because the 7-day period set by clause 6 of our privacy policy has ended.',
  },
  staff: {
    th: 'เจ้าหน้าที่ของบริษัทฯ ได้ดำเนินการตามคำขอของท่านแล้ว',
    en: 'Our staff have carried out your request.',
  },
  'account-cancelled': {
    th: 'บริษัทฯ ได้ดำเนินการเนื่องจากท่านยกเลิกบัญชีสมาชิก (นโยบายความเป็นส่วนตัว ข้อ 2.2)',
    en: 'We have done this because you cancelled your member account (clause 2.2 of our privacy policy).',
  },
  'privacy-center': {
    th: 'บริษัทฯ ได้ดำเนินการตามที่ท่านปิดการรับข่าวสารในหน้าข้อมูลส่วนบุคคลของท่าน',
    en: 'We have done this because you switched them off on your privacy page.',
  },
};

/** Policy 6: newsletters and promotions stop; says how, and for `deadline` that the 7 days ran out. */
export function unsubscribeConfirmed(input: UnsubscribeConfirmedInput, locale: Locale): Notice {
  const shop = shopOf(input.shopName, locale);
  const th = locale === 'th';
  return render({
    locale,
    subject: th ? 'ยกเลิกการรับจดหมายข่าวและโปรโมชั่นเรียบร้อยแล้ว' : 'You have been unsubscribed from newsletters and promotions',
    blocks: [
      greeting(locale),
      p(th ? 'ท่านจะไม่ได้รับจดหมายข่าวและโปรโมชั่นจากบริษัทฯ ทางอีเมลนี้อีกต่อไป' : 'You will no longer receive newsletters or promotions from us at this email address.'),
      p(VIA[input.via][locale]),
      p(
        th
          ? 'อีเมลเกี่ยวกับคำสั่งซื้อหรือข้อมูลส่วนบุคคลของท่าน เช่น อีเมลฉบับนี้ จะยังคงส่งถึงท่านตามปกติ'
          : 'Emails about your orders or your personal data, such as this one, are not affected.',
      ),
      signature(shop, locale),
    ],
    footer: customerFooter(shop, locale),
  });
}

export interface PrivacyCenterSignInInput {
  /** The shop page with the privacy center, the one-time token in its fragment. */
  signInUrl: string;
  expiresAt: string;
  shopName?: string;
}

/** The one-time sign-in link to the privacy center; sent whether or not the address has an account. */
export function privacyCenterSignIn(input: PrivacyCenterSignInInput, locale: Locale): Notice {
  const shop = shopOf(input.shopName, locale);
  const url = checkedUrl(input.signInUrl);
  const expires = formatDateTime(input.expiresAt, locale);
  const th = locale === 'th';
  return render({
    locale,
    subject: th ? 'ลิงก์เข้าสู่หน้าข้อมูลส่วนบุคคลของท่าน' : 'Your sign-in link to your privacy page',
    blocks: [
      greeting(locale),
      p(
        th
          ? 'มีผู้ขอเข้าดูคำขอ การรับข่าวสาร และข้อมูลส่วนบุคคลที่บริษัทฯ เก็บไว้ภายใต้อีเมลนี้'
          : 'Someone asked to see the requests, newsletter subscription and personal data we hold under this email address.',
      ),
      {
        kind: 'action',
        hint: th ? 'หากเป็นท่าน กรุณาเปิดลิงก์ด้านล่าง ลิงก์ใช้ได้ครั้งเดียว' : 'If that was you, open the link below. It works once.',
        button: th ? 'เข้าสู่หน้าข้อมูลส่วนบุคคล' : 'Open my privacy page',
        url,
      },
      p(
        th
          ? `ลิงก์นี้ใช้ได้ถึง ${expires} หากท่านไม่ได้ขอ โปรดละเว้นอีเมลฉบับนี้ และอย่าส่งต่อให้ผู้อื่น`
          : `The link is valid until ${expires}. If you did not ask for it, ignore this email, and do not forward it.`,
      ),
      signature(shop, locale),
    ],
    footer: customerFooter(shop, locale),
  });
}

// ---------------------------------------------------------------------------------------------
// Staff mails (always English: the queue and the team work in English)

export interface StaffReminderInput {
  requestId: string;
  type: RequestType;
  dueAt: string;
  daysLeft: number;
  queueUrl?: string;
  shopName?: string;
  /** The shop's systems that have not confirmed their part yet (issue 14): the reminder names them. */
  waitingOn?: string[];
}

/** The late systems of a carried-out request, as a sentence and a row of facts. */
const waitingBlocks = (waitingOn: string[] | undefined): Block[] =>
  waitingOn?.length ? [p(`Carried out here; waiting for these systems to confirm: ${waitingOn.join(', ')}.`)] : [];
const waitingRows = (waitingOn: string[] | undefined): [string, string][] => (waitingOn?.length ? [['Waiting for', waitingOn.join(', ')]] : []);

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/** A request nobody has finished is coming up to its deadline. */
export function staffReminder(input: StaffReminderInput, _locale: Locale = 'en'): Notice {
  const locale = 'en';
  const due = formatDate(input.dueAt, locale);
  const type = label(input.type, locale);
  const left = input.daysLeft <= 0 ? 'due today' : `${days(input.daysLeft)} left`;
  const blocks: Block[] = [
    p(`Request ${input.requestId} (${type}) is not finished yet and is due on ${due}: ${left}.`),
    ...waitingBlocks(input.waitingOn),
    {
      kind: 'facts',
      rows: [
        ['Reference', input.requestId],
        ['Request', type],
        ['Due', due],
        ['Days left', String(Math.max(0, input.daysLeft))],
        ...waitingRows(input.waitingOn),
      ],
    },
  ];
  if (input.queueUrl) {
    blocks.push({ kind: 'action', hint: 'Open the request queue:', button: 'Open the queue', url: checkedUrl(input.queueUrl) });
  }
  return render({
    locale,
    subject: `Reminder: request ${input.requestId} (${type}) due ${due}, ${left}`,
    blocks,
    footer: staffFooter(shopOf(input.shopName, locale)),
  });
}

export interface StaffEscalationInput {
  requestId: string;
  type: RequestType;
  dueAt: string;
  overdueDays: number;
  shopName?: string;
  waitingOn?: string[];
}

/** A request is past its deadline: someone must handle it now. */
export function staffEscalation(input: StaffEscalationInput, _locale: Locale = 'en'): Notice {
  const locale = 'en';
  const due = formatDate(input.dueAt, locale);
  const type = label(input.type, locale);
  const late = input.overdueDays <= 0 ? 'has reached its deadline' : `is ${days(input.overdueDays)} overdue`;
  return render({
    locale,
    subject: `Overdue: request ${input.requestId} (${type}) ${late}`,
    blocks: [
      p(`Request ${input.requestId} (${type}) was due on ${due} and ${late}. Please handle it now and record the reason for the delay.`),
      ...waitingBlocks(input.waitingOn),
      {
        kind: 'facts',
        rows: [
          ['Reference', input.requestId],
          ['Request', type],
          ['Due', due],
          ['Days overdue', String(Math.max(0, input.overdueDays))],
          ...waitingRows(input.waitingOn),
        ],
      },
    ],
    footer: staffFooter(shopOf(input.shopName, locale)),
  });
}

// ---------------------------------------------------------------------------------------------
// The DPO's registers (breaches, processors' agreements)

export interface BreachDeadlineInput {
  breachId: string;
  milestone: string;
  learnedAt: string;
  notifyBy: string;
  hoursLeft: number;
  approxAffected: number;
  risk: string;
  shopName?: string;
}

/** A breach's PDPC deadline is coming or has passed (to the DPO and the alarm topic). */
export function breachDeadlineNotice(input: BreachDeadlineInput): Notice {
  const locale = 'en';
  const by = formatDateTime(input.notifyBy, locale);
  const state =
    input.hoursLeft <= 0
      ? 'is OVERDUE: the 72 hours have passed'
      : input.milestone.startsWith('escalate')
        ? `needs action now: ${input.hoursLeft} hours left`
        : `has ${input.hoursLeft} hours left`;
  return render({
    locale,
    subject: `${input.hoursLeft <= 0 ? 'Overdue' : input.milestone.startsWith('escalate') ? 'Escalation' : 'Reminder'}: breach ${input.breachId} PDPC notification ${state}`,
    blocks: [
      p(
        `The notification of breach ${input.breachId} to the PDPC (PDPA s37(4)) ${state}. It is due by ${by}, 72 hours after the shop learned of it. Record the notification, or why none is required, in the breach register.`,
      ),
      {
        kind: 'facts',
        rows: [
          ['Breach', input.breachId],
          ['Learned at', formatDateTime(input.learnedAt, locale)],
          ['Notify the PDPC by', by],
          ['About how many people', String(input.approxAffected)],
          ['Risk', input.risk],
        ],
      },
    ],
    footer: staffFooter(shopOf(input.shopName, locale)),
  });
}

export interface AgreementExpiryInput {
  processorId: string;
  processorName: string;
  reference: string;
  expiresOn: string;
  daysLeft: number;
  shopName?: string;
}

/** A processor's confidentiality agreement expires soon, or did today (to the DPO). */
export function agreementExpiryNotice(input: AgreementExpiryInput): Notice {
  const locale = 'en';
  const on = formatDate(`${input.expiresOn}T00:00:00+07:00`, locale);
  const when = input.daysLeft <= 0 ? `expired on ${on}` : `expires on ${on}, in ${days(input.daysLeft)}`;
  return render({
    locale,
    subject: `Confidentiality agreement of ${oneLine(input.processorName)} ${when}`,
    blocks: [
      p(
        `The confidentiality agreement with ${input.processorName} (${input.reference}) ${when}. Policy 5 promises that contractors keep customer data confidential: renew it and record the new agreement in the processor register, or record that the shop stopped using them.`,
      ),
      {
        kind: 'facts',
        rows: [
          ['Processor', `${input.processorName} (${input.processorId})`],
          ['Agreement', input.reference],
          ['Expires', on],
        ],
      },
    ],
    footer: staffFooter(shopOf(input.shopName, locale)),
  });
}

export interface BreachSubjectNoticeInput {
  breachId: string;
  learnedAt: string;
  /** The data categories concerned, already in the reader's language. */
  categories: string[];
  shopName?: string;
  requestAddress?: string;
}

/** Tells a member that a breach concerns their data (PDPA s37(4)), in their language. */
export function breachSubjectNotice(input: BreachSubjectNoticeInput, locale: Locale): Notice {
  const shop = shopOf(input.shopName, locale);
  const learned = formatDate(input.learnedAt, locale);
  const contact = input.requestAddress
    ? locale === 'th'
      ? `หากมีข้อสงสัย โปรดติดต่อเราที่ ${input.requestAddress}`
      : `If you have questions, write to us at ${input.requestAddress}.`
    : undefined;
  const blocks: Block[] =
    locale === 'th'
      ? [
          greeting(locale),
          p(
            `เมื่อวันที่ ${learned} ${shop}ทราบถึงเหตุละเมิดข้อมูลส่วนบุคคลซึ่งเกี่ยวข้องกับข้อมูลของท่าน${refSuffix(input.breachId, locale)} เราได้ดำเนินการเพื่อจำกัดผลกระทบแล้ว และแจ้งให้ท่านทราบเพื่อให้ท่านระมัดระวังอีเมลหรือข้อความที่อ้างว่ามาจากร้านค้า ข้อมูลที่เกี่ยวข้อง:`,
          ),
          { kind: 'list', items: input.categories.map((text) => ({ text })) },
          ...(contact ? [p(contact)] : []),
          signature(shop, locale),
        ]
      : [
          greeting(locale),
          p(
            `On ${learned}, ${shop} learned of a personal-data breach that concerns your data${refSuffix(input.breachId, locale)}. We have acted to limit its effects, and we tell you so that you can be careful with mails or messages that claim to come from the shop. The data concerned:`,
          ),
          { kind: 'list', items: input.categories.map((text) => ({ text })) },
          ...(contact ? [p(contact)] : []),
          signature(shop, locale),
        ];
  return render({
    locale,
    subject:
      locale === 'th'
        ? `แจ้งเหตุละเมิดข้อมูลส่วนบุคคล${refSuffix(input.breachId, locale)}`
        : `A personal-data breach concerning your data${refSuffix(input.breachId, locale)}`,
    blocks,
    footer: customerFooter(shop, locale),
  });
}
