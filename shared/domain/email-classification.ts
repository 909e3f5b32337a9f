/**
 * Reads a member's email (Thai or English) and says which data-subject request it makes, so the
 * request can be opened with a type and staff see why. Rules, not a model: every decision can be
 * traced to a phrase in `matched`, and staff reclassify when the rules are wrong. A mail no rule
 * recognises is `other`, never dropped: policy clause 2 promises that emailed requests are handled.
 *
 * Only the subject and the sender's own words are read. Quoted replies are usually the shop's own
 * words (its acknowledgement names the request), so they never count. A forwarded original counts
 * only when the sender's own words ask for nothing, as when a member forwards a request they sent
 * from another address.
 */
import type { RequestType } from './request-types';

export interface MailToClassify {
  subject: string;
  text: string;
}

export interface Classification {
  type: RequestType;
  /** Every phrase that matched, as `type: phrase`, the deciding type first. */
  matched: string[];
}

type RecognisedType = Exclude<RequestType, 'other'>;

/**
 * When a mail asks for several things the most far-reaching one decides: an account cancellation
 * read as a deletion, or a deletion read as an unsubscribe, would leave the member with an account
 * or data they asked to be rid of, while the reverse mistake only costs staff a reclassification.
 * The lesser requests stay visible in `matched`.
 */
const PRECEDENCE: readonly RecognisedType[] = ['cancel_account', 'delete', 'stop_marketing', 'access', 'edit'];

// A request is stated near the top; reading further only costs time on a huge body.
const MAX_CHARS_READ = 50_000;

// Building blocks for the Thai rules. Thai is matched with spaces removed (see `normalise`).
const TH_ME = '(?:ผม|ฉัน|ดิฉัน|หนู|เรา|ข้าพเจ้า|กระผม)';
const TH_SHOP = '(?:ทาง)?(?:ร้าน|บริษัท|คุณ|ท่าน|เว็บไซต์|เว็บ)?';
const TH_EMAIL = '(?:อีเมลล์|อีเมล์|อีเมล|เมล์|เมล|e-?mail)';
const TH_MARKETING = `(?:ข้อมูล)?(?:ข่าวสาร|ข่าวประชาสัมพันธ์|ข้อความประชาสัมพันธ์|ประชาสัมพันธ์|จดหมายข่าว|โปรโมชั่น|โปรโมชัน|โปรโมชั้น|โปรฯ|โปร|โฆษณา|sms|เอสเอ็มเอส|ข้อความ|นิวส์เลตเตอร์|นิวส์เลทเทอร์|newsletters?|ส่วนลด|ดีล|การตลาด|${TH_EMAIL})`;

// Building blocks for the English rules. English is matched lower-cased with single spaces.
const EN_MARKETING =
  '(?:e-?mails?|mails?|newsletters?|promotions?|promos?|marketing|offers?|deals|ads|adverts?|advertising|advertisements?|sms|texts?|messages|spam)';
const EN_DATA = '(?:data|information|info|details|records?|history)';

/** Each rule must name what is asked for, not just a verb, so "I deleted your email" asks for nothing. */
const RULES: Record<RecognisedType, readonly RegExp[]> = {
  cancel_account: [
    /(?:ยกเลิก|ปิด|ลบ|ระงับ|เลิกใช้|ยุติ)(?:การใช้)?(?:งาน)?(?:บัญชี|แอ็?คเค้?าท์|account|ไอดี)/g,
    new RegExp(`ยกเลิก(?:การ)?(?:สมัคร)?(?:เป็น)?สมาชิก(?!(?:รับ)?(?:ข่าวสาร|จดหมายข่าว|นิวส์|${TH_EMAIL}))`, 'g'),
    /(?:ลาออก|ออก)จาก(?:การเป็น)?สมาชิก/g,
    /ไม่(?:ต้องการ|อยาก|ประสงค์)(?:จะ|ที่จะ)?เป็นสมาชิก/g,
    /\b(?:close|cancel|deactivate|de-activate|terminate|delete|remove|disable|shut down|end|discontinue)\s+(?:(?:my|our|the|this|your|customer|member|membership|user|shop|online|old|entire|whole)\s+){0,3}(?:account|membership)\b(?!\s+(?:data|information|info|details|history))/g,
    /\b(?:account|membership)\s+(?:deletion|closure|cancell?ation|deactivation|termination|removal)\b/g,
    /\b(?:unregister|deregister)\s+me\b/g,
    /\bno longer (?:want|wish|need) to (?:be a member|have an account)\b/g,
  ],
  delete: [
    /ลบข้อมูล/g,
    /ลบประวัติ/g,
    /ทำลายข้อมูล/g,
    new RegExp(
      `(?:ขอให้|ช่วย|รบกวน|กรุณา|โปรด|ต้องการ(?:ให้)?|อยาก(?:ให้)?|ขอ)(?:ทำการ)?ลบ(?!สินค้า|ออเดอร์|order|คำสั่งซื้อ|รายการสั่งซื้อ|ตะกร้า|ของในตะกร้า|ที่อยู่|เบอร์|ข้อความ|จดหมาย|ไฟล์|${TH_EMAIL})`,
      'g',
    ),
    new RegExp(`ลบ(?:ชื่อ|ที่อยู่|เบอร์(?:โทร(?:ศัพท์)?)?|${TH_EMAIL})?(?:ของ)?${TH_ME}?ออกจาก(?:ระบบ|ฐานข้อมูล)`, 'g'),
    new RegExp(`ไม่(?:ต้องการ|อยาก|ประสงค์(?:จะ|ที่จะ)?)ให้${TH_SHOP}(?:จัด)?เก็บ(?:รักษา)?ข้อมูล`, 'g'),
    new RegExp(
      `\\b(?:delete|erase|remove|wipe|destroy|purge)\\s+(?:(?:all|any|of|my|our|the|personal|private|customer|stored|saved|own|account|profile|shopping|purchase|order|browsing|search|collected)\\s+){0,4}${EN_DATA}\\b`,
      'g',
    ),
    /\b(?:delete|erase|remove|wipe)\s+(?:me|everything)\s+from\s+(?:your|the|all)\s+(?:\w+\s+)?(?:database|databases|system|systems|records|servers?|files)\b/g,
    /\b(?:delete|erase|remove|wipe)\s+everything\s+(?:you\s+(?:have|hold|store|keep)\s+)?(?:about|on|of)\s+me\b/g,
    /\bmy\s+(?:personal\s+|private\s+)?(?:data|information|info|details)\s+(?:to\s+be\s+|be\s+|being\s+)?(?:deleted|erased|removed|wiped|destroyed)\b/g,
    /\bdeletion\s+of\s+(?:all\s+)?(?:my|our)\s+(?:personal\s+)?(?:data|information|info|details)\b/g,
    /\b(?:data\s+deletion|erasure|right to be forgotten|forget me)\b/g,
  ],
  stop_marketing: [
    new RegExp(`ยกเลิก(?:การ)?(?:สมัคร)?(?:รับ|ติดตาม)${TH_MARKETING}`, 'g'),
    /ยกเลิกการสมัครรับ/g,
    new RegExp(`ยกเลิก(?:การ)?(?:สมัคร)?(?:เป็น)?สมาชิก(?:รับ)?(?:ข่าวสาร|จดหมายข่าว|นิวส์|${TH_EMAIL})`, 'g'),
    /ยกเลิก(?:การ)?(?:ส่ง)?(?:ข่าวสาร|จดหมายข่าว|นิวส์เลตเตอร์|newsletter)/g,
    new RegExp(`ไม่(?:ต้องการ|อยาก|ประสงค์)(?:จะ|ที่จะ)?(?:ได้)?รับ${TH_MARKETING}`, 'g'),
    new RegExp(`(?:เลิก|หยุด|ไม่ต้อง|อย่า|งด)ส่ง${TH_MARKETING}`, 'g'),
    new RegExp(`(?:เลิก|หยุด|ปฏิเสธ(?:การ)?)รับ${TH_MARKETING}`, 'g'),
    new RegExp(`ลบ(?:ชื่อ|${TH_EMAIL})(?:ของ)?${TH_ME}?ออกจาก(?:รายชื่อ|รายการ)(?:ผู้)?(?:รับ|ส่ง)`, 'g'),
    /ถอน(?:ความ)?ยินยอม/g,
    /\bun-?\s?su(?:bs|b|s)c?rib(?:e|ed|ing)\b/g, // "unsubcribe" and "unsuscribe" are common enough to count
    /\bopt\s*-?\s*out\b/g,
    new RegExp(
      `\\bstop\\s+(?:sending|emailing|e-mailing|mailing|texting|spamming)\\s+(?:me\\s+|us\\s+)?(?:(?:any|your|these|the|those|more|all|marketing|promotional)\\s+)*(?:${EN_MARKETING}|these|them|this|stuff|junk)\\b`,
      'g',
    ),
    /\bstop\s+(?:sending|emailing|e-mailing|spamming|texting)\s+(?:me|us)\b(?!\s+(?:the|a|an|my|wrong|items?|products?|orders?|parcels?|packages?)\b)/g,
    new RegExp(`\\bstop\\s+(?:the\\s+|your\\s+|all\\s+)?(?:newsletters?|promotions?|promotional\\s+${EN_MARKETING}|marketing|spam)\\b`, 'g'),
    new RegExp(`\\b(?:no|not\\s+any)\\s+more\\s+(?:\\w+\\s+)?${EN_MARKETING}\\b`, 'g'),
    new RegExp(
      `\\b(?:don't|do not|never)\\s+(?:send|e-?mail)\\s+(?:me|us)\\s+(?:any\\s+)?(?:more\\s+|further\\s+)?(?:\\w+\\s+)?(?:${EN_MARKETING}|anything)\\b`,
      'g',
    ),
    new RegExp(
      `\\b(?:don't|do not|no longer)\\s+(?:want|wish|need|like)\\s+to\\s+(?:receive|get)\\s+(?:any\\s+)?(?:more\\s+|further\\s+)?(?:\\w+\\s+){0,2}${EN_MARKETING}\\b`,
      'g',
    ),
    /\b(?:remove|take|delete)\s+(?:me|my\s+(?:e-?mail(?:\s+address)?|address|name))\s+(?:off|from)\s+(?:of\s+)?(?:(?:your|the|this|all|any)\s+)?(?:\w+\s+){0,2}(?:list|lists|mailing)\b/g,
    /\bcancel\s+(?:my\s+|the\s+|your\s+)?(?:\w+\s+)?(?:subscription|newsletter)\b/g,
    /\bwithdraw\s+(?:my\s+)?consent\b/g,
  ],
  access: [
    /สำเนาข้อมูล/g,
    new RegExp(
      `(?:ขอ|ต้องการ|อยาก)(?:ดู|ทราบ|ตรวจดู|ตรวจสอบ|เข้าถึง|เรียกดู|รับ)?ข้อมูล(?:ส่วนตัว|ส่วนบุคคล|(?:ทั้งหมด)?(?:ที่|ซึ่ง)${TH_SHOP}(?:จัด)?(?:เก็บ|มี|บันทึก)|(?:ทั้งหมด)?ของ${TH_ME})`,
      'g',
    ),
    new RegExp(`เก็บข้อมูล(?:ส่วนตัว|ส่วนบุคคล)?(?:อะไร(?:ของ)?${TH_ME}?|(?:ของ)?${TH_ME}(?:ไว้)?อะไร)(?:ไว้)?บ้าง`, 'g'),
    new RegExp(`มีข้อมูล(?:อะไร)?(?:ของ)?${TH_ME}(?:ไว้)?(?:อะไร)?บ้าง`, 'g'),
    new RegExp(`ข้อมูล(?:ส่วนตัว|ส่วนบุคคล)?(?:ของ${TH_ME})?(?:ที่|ซึ่ง)${TH_SHOP}(?:จัด)?(?:เก็บ|มี|บันทึก)(?:ไว้)?(?:มี)?อะไรบ้าง`, 'g'),
    new RegExp(`เข้าถึงข้อมูล(?:ส่วนตัว|ส่วนบุคคล|ของ${TH_ME})`, 'g'),
    new RegExp(`(?:ส่ง|ดาวน์โหลด|export)ข้อมูล(?:ส่วนตัว|ส่วนบุคคล)?(?:ทั้งหมด)?ของ${TH_ME}(?:ทั้งหมด)?(?:มา)?ให้`, 'g'),
    /โอนย้ายข้อมูล/g,
    /\b(?:access|copy|copies|export|download|obtain)\s+(?:(?:to|of|a|an|all|my|our|the|personal|full|complete|stored)\s+){1,4}(?:data|information|info|records)\b/g,
    /\b(?:see|view|review)\s+(?:all\s+)?(?:of\s+)?(?:my|our)\s+(?:personal\s+|stored\s+)?(?:data|information|info|records)\b/g,
    /\brequest\s+(?:(?:a|an|all|my|our|the|personal|full|complete)\s+){1,3}(?:data|information|info)\b/g,
    /\bwhat\s+(?:personal\s+|kind\s+of\s+|kinds\s+of\s+|sort\s+of\s+)?(?:data|information|info)\s+(?:\w+\s+){0,3}?(?:do|does|did)\s+(?:you|your\s+\w+|the\s+\w+)\s+(?:hold|have|keep|store|collect|process|retain)\b/g,
    /\b(?:subject access request|data access request|access request|dsar|data portability|data export|right (?:of|to) access)\b/g,
    /\bsend\s+me\s+(?:a\s+copy\s+of\s+)?(?:all\s+)?(?:(?:the|my)\s+)?(?:personal\s+)?(?:data|information)\s+(?:that\s+|which\s+)?you\s+(?:hold|have|keep|store)\b/g,
  ],
  edit: [
    new RegExp(`(?:แก้ไข|แก้|เปลี่ยนแปลง|เปลี่ยน|อัปเดต|อัพเดต|อัพเดท|อัปเดท|ปรับปรุง)(?:ข้อมูล|ที่อยู่|ชื่อ|นามสกุล|เบอร์|หมายเลขโทรศัพท์|โทรศัพท์|วันเกิด|รายละเอียด|${TH_EMAIL})`, 'g'),
    new RegExp(`(?:ข้อมูล|ที่อยู่|ชื่อ|นามสกุล|เบอร์(?:โทร(?:ศัพท์)?)?|วันเกิด|${TH_EMAIL})(?:ของ${TH_ME})?(?:ใน(?:ระบบ|บัญชี))?(?:ไม่ถูกต้อง|ผิด|ไม่ตรง)`, 'g'),
    /สะกด(?:ชื่อ|นามสกุล)?ผิด/g,
    /ย้ายบ้าน|ที่อยู่ใหม่/g,
    /\b(?:correct|update|change|amend|fix|edit|modify|rectify)\s+(?:(?:my|our|the|a|an|registered|delivery|shipping|billing|home|mailing|postal|contact|personal|account|last|first|family|given|phone|mobile|telephone|e-?mail|old|current|saved|default)\s+){0,3}(?:address(?:es)?|name|surname|phone(?:\s+number)?|mobile(?:\s+number)?|number|telephone(?:\s+number)?|e-?mail(?:\s+address)?|details|information|info|data|date\s+of\s+birth|birthday|birth\s+date|profile|records?)\b/g,
    /\bmy\s+(?:\w+\s+){0,2}?(?:address|name|surname|phone\s+number|e-?mail(?:\s+address)?|details|information|date\s+of\s+birth)\s+(?:is|are|was|were|has\s+been|seems?\s+to\s+be)\s+(?:\w+\s+)?(?:wrong|incorrect|misspelled|misspelt|outdated|out\s+of\s+date|not\s+correct|inaccurate)\b/g,
    /\b(?:address|name|surname|phone\s+number|e-?mail(?:\s+address)?|details)\s+(?:on|in)\s+(?:my|the)\s+(?:account|profile|records?)\s+(?:is|are)\s+(?:\w+\s+)?(?:wrong|incorrect|misspelled|outdated|out\s+of\s+date|not\s+correct)\b/g,
    /\b(?:typo|misspelling|spelling\s+mistake|spelling\s+error|mistake|error)\s+in\s+my\s+(?:\w+\s+)?(?:name|surname|address|details|e-?mail)\b/g,
    /\bmy\s+new\s+(?:delivery\s+|shipping\s+|home\s+)?(?:address|phone\s+number|number|e-?mail(?:\s+address)?|surname|name)\s+is\b/g,
    /\b(?:i|we)(?:'ve|\s+have)?\s+(?:recently\s+|just\s+)?moved\s+(?:house|home|address|recently|to\s+a\s+new\s+(?:address|house|home|place|flat|apartment|condo))\b/g,
    /\brectification\b/g,
  ],
};

/** What, said just before a phrase, turns it around: "please don't delete my account", "ไม่ต้องลบข้อมูล". */
const NEGATION_BEFORE = [
  /(?:\bdon't|\bdo not|\bnever|\bno need to|\bnot to)\s+(?:(?:want|wish|need|like)\s+(?:you\s+|them\s+|anyone\s+)?to\s+)?(?:please\s+)?$/,
  // A bare ไม่ is not enough: with spaces removed it can end the previous clause ("ใช้ไม่ได้ ลบข้อมูล...").
  /(?:ไม่ได้|ไม่)(?:ต้องการ|ต้อง|อยาก|ประสงค์|ขอ)(?:จะ|ที่จะ)?(?:ให้)?(?:ทาง)?(?:ร้าน|บริษัท|คุณ)?(?:ทำการ)?$|(?:อย่า(?:เพิ่ง)?|เผลอ)(?:ไป)?$/,
];
const NEGATION_REACH = 40;

export function classifyRequest(mail: MailToClassify): Classification {
  const { own, forwarded } = separateOwnWords(mail.text.slice(0, MAX_CHARS_READ), isForwardSubject(mail.subject));
  const ownHits = findRequests(own);
  const forwardedHits = ownHits.length === 0 ? findRequests(forwarded) : [];
  const found = [...findRequests(withoutReplyPrefixes(mail.subject.slice(0, MAX_CHARS_READ))), ...ownHits, ...forwardedHits];
  const type = PRECEDENCE.find((candidate) => found.some((hit) => hit.type === candidate)) ?? 'other';
  return { type, matched: listMatched(found, type) };
}

interface Hit {
  type: RecognisedType;
  phrase: string;
}

function findRequests(words: string): Hit[] {
  const text = normalise(words);
  const hits: Hit[] = [];
  for (const type of PRECEDENCE) {
    for (const rule of RULES[type]) {
      for (const match of text.matchAll(rule)) {
        if (!isNegated(text, match.index)) hits.push({ type, phrase: match[0] });
      }
    }
  }
  return hits;
}

function isNegated(text: string, matchStart: number): boolean {
  const before = text.slice(Math.max(0, matchStart - NEGATION_REACH), matchStart);
  return NEGATION_BEFORE.some((negation) => negation.test(before));
}

function listMatched(hits: Hit[], decided: RequestType): string[] {
  const ordered = [...hits.filter((hit) => hit.type === decided), ...hits.filter((hit) => hit.type !== decided)];
  return [...new Set(ordered.map((hit) => `${hit.type}: ${hit.phrase}`))];
}

const THAI_CHAR = '[\\u0E00-\\u0E7F]';
const SPACE_NEXT_TO_THAI = new RegExp(`(?<=${THAI_CHAR}) | (?=${THAI_CHAR})`, 'g');

/**
 * One spelling of the text for the rules: lower case, single spaces, and no spaces next to Thai,
 * because Thai writes words together and people still put spaces in odd places ("ลบ ข้อมูล").
 */
function normalise(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/\u0E4D\u0E32/g, '\u0E33') // sara am typed as nikhahit + sara aa looks the same but is not
    .replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, '') // invisible word-break hints Thai editors insert
    .replace(/[\u2018\u2019\u02BC\u2032]/g, "'")
    .replace(/\s+/g, ' ')
    .replace(SPACE_NEXT_TO_THAI, '');
}

const REPLY_PREFIXES = /^(?:\s*(?:re|fwd?|aw|sv|tr|ตอบกลับ|ตอบ|ส่งต่อ)\s*(?:\[\d+\])?\s*[:：]\s*)+/i;
const FORWARD_PREFIX = /^(?:\s*(?:re|aw|ตอบกลับ|ตอบ)\s*[:：]\s*)*\s*(?:fwd?|tr|ส่งต่อ)\s*[:：]/i;

function withoutReplyPrefixes(subject: string): string {
  return subject.replace(REPLY_PREFIXES, '');
}

function isForwardSubject(subject: string): boolean {
  return FORWARD_PREFIX.test(subject);
}

const FORWARD_MARKER = /^\s*(?:-{2,}\s*(?:forwarded message|ข้อความที่ส่งต่อ|ข้อความส่งต่อ)\s*-{2,}|begin forwarded message:?)\s*$/i;
const ORIGINAL_MARKER = /^\s*-{2,}\s*(?:original message|ข้อความต้นฉบับ)\s*-{2,}\s*$/i;
// The colon matters: "...the review I wrote" at the end of a line is the member's own sentence.
const ATTRIBUTION = /(?:\bwrote|เขียนว่า)\s*:\s*$/i;
const ATTRIBUTION_START = /^\s*(?:on\b|เมื่อ)/i;
const HEADER_START = /^\s*(?:from|จาก)\s*:/i;
const HEADER_FIELD = /^\s*\*?(?:from|sent|date|to|cc|subject|จาก|ส่ง|ส่งเมื่อ|วันที่|ถึง|สำเนา|สำเนาถึง|เรื่อง)\s*:\*?/i;
const SUBJECT_FIELD = /^\s*\*?(?:subject|เรื่อง)\s*:\*?\s*/i;
const RULE_LINE = /^\s*_{8,}\s*$/;

type QuoteKind = 'forward' | 'reply';

/**
 * Splits a body into what the sender wrote and, when they forwarded a mail, that mail's text with
 * its header block reduced to the subject. Quoted replies are dropped.
 */
function separateOwnWords(text: string, forwardSubject: boolean): { own: string; forwarded: string } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const start = findQuoteStart(lines);
  const ownLines = lines.slice(0, start?.index ?? lines.length).filter((line) => !isQuotedLine(line));
  const own = ownLines.join('\n');
  if (!start || (start.kind === 'reply' && !forwardSubject)) return { own, forwarded: '' };
  const original = lines
    .slice(start.index)
    .map(withoutQuoteMark)
    .filter((line) => !isMarkerLine(line))
    .map(keepSubjectValue);
  return { own, forwarded: separateOwnWords(original.join('\n'), false).own };
}

function findQuoteStart(lines: string[]): { index: number; kind: QuoteKind } | undefined {
  for (const [index, line] of lines.entries()) {
    if (FORWARD_MARKER.test(line)) return { index, kind: 'forward' };
    if (ORIGINAL_MARKER.test(line) || RULE_LINE.test(line)) return { index, kind: 'reply' };
    if (HEADER_START.test(line) && startsHeaderBlock(lines, index)) return { index, kind: 'reply' };
    if (ATTRIBUTION.test(line)) return { index: attributionStart(lines, index), kind: 'reply' };
  }
  return undefined;
}

/** "From:" alone can be the member's own words; a client's quoted header has more fields after it. */
function startsHeaderBlock(lines: string[], index: number): boolean {
  return lines.slice(index + 1, index + 4).some((line) => HEADER_FIELD.test(line));
}

/** Clients wrap long attributions ("On Mon, ... Shop <shop@\nexample.co.th> wrote:"). */
function attributionStart(lines: string[], index: number): number {
  const previous = lines[index - 1];
  return !ATTRIBUTION_START.test(lines[index] ?? '') && previous !== undefined && ATTRIBUTION_START.test(previous) ? index - 1 : index;
}

function isQuotedLine(line: string): boolean {
  return /^\s*>/.test(line);
}

function withoutQuoteMark(line: string): string {
  return line.replace(/^\s*(?:>\s?)+/, '');
}

function isMarkerLine(line: string): boolean {
  return FORWARD_MARKER.test(line) || ORIGINAL_MARKER.test(line) || RULE_LINE.test(line) || (HEADER_FIELD.test(line) && !SUBJECT_FIELD.test(line));
}

function keepSubjectValue(line: string): string {
  return line.replace(SUBJECT_FIELD, '');
}
