/**
 * The record of processing activities (PDPA s39), generated, never written by hand: one row per
 * processing activity declared in shared/processing.ts, filled from the declarations the system runs
 * on (the route table, the tables and buckets with their retention, the stage settings, the consent
 * categories) and from the processor and disclosure registers. Rendered as CSV (UTF-8 with BOM, so
 * spreadsheet programs read Thai) and as a printable HTML page, in Thai or English.
 */
import { escapeHtml } from '../html';
import { ACTIVITIES, DATA_CATEGORIES, LEGAL_BASES_S24, type ActivityKey, type Bilingual, type Processing, type Retention } from '../processing';
import type { Disclosure } from './ports';
import type { Processor } from './registers';
import { csvCell } from './csv';

export type RecordLocale = 'th' | 'en';

/** What the generator reads; the handler passes the real declarations, tests may pass their own. */
export interface RecordSources {
  tables: readonly { id: string; processing?: Processing }[];
  buckets: readonly { id: string; expireAfterDays: number; activities?: readonly ActivityKey[] }[];
  routes: readonly {
    method: string;
    path: string;
    auth: string;
    activity?: ActivityKey;
    uses: { tables?: Partial<Record<string, readonly string[]>> };
  }[];
  /** Table keys (as routes name them) to table ids. */
  tableIds: Record<string, string>;
  settings: Partial<Record<NonNullable<Retention['setting']>, number>>;
  consentCategories: Record<string, ActivityKey>;
  processors: readonly Processor[];
  disclosures: readonly Disclosure[];
  controller: { name: string; contact: string };
}

export const RECORD_COLUMNS = [
  'activity',
  'purpose',
  'legalBasis',
  'subjects',
  'categories',
  'collectedThrough',
  'consentCategory',
  'storageAndRetention',
  'readers',
  'recipients',
  'security',
  'clause',
] as const;
export type RecordColumn = (typeof RECORD_COLUMNS)[number];
export type RecordRow = Record<RecordColumn, string> & { key: ActivityKey };

/** Column headings in both languages: the CSV, the printable page and the console's table. */
export const RECORD_HEADERS: Record<RecordColumn, Bilingual> = {
  activity: { th: 'กิจกรรมการประมวลผล', en: 'Processing activity' },
  purpose: { th: 'วัตถุประสงค์', en: 'Purpose' },
  legalBasis: { th: 'ฐานทางกฎหมาย', en: 'Legal basis' },
  subjects: { th: 'เจ้าของข้อมูล', en: 'Data subjects' },
  categories: { th: 'ประเภทข้อมูลส่วนบุคคล', en: 'Personal data categories' },
  collectedThrough: { th: 'ช่องทางการเก็บ', en: 'Collected through' },
  consentCategory: { th: 'หมวดความยินยอม', en: 'Consent category' },
  storageAndRetention: { th: 'ที่จัดเก็บและระยะเวลาเก็บรักษา', en: 'Stored in, and kept for' },
  readers: { th: 'ผู้มีสิทธิเข้าถึง', en: 'Who can read it' },
  recipients: { th: 'ผู้รับข้อมูลและผู้ประมวลผล', en: 'Recipients and processors' },
  security: { th: 'มาตรการรักษาความมั่นคงปลอดภัย', en: 'Security measures' },
  clause: { th: 'ข้อนโยบาย / มาตรา', en: 'Policy clause / section' },
};

const WORDS = {
  title: { th: 'บันทึกรายการกิจกรรมการประมวลผลข้อมูลส่วนบุคคล (มาตรา 39 พ.ร.บ. คุ้มครองข้อมูลส่วนบุคคล)', en: 'Record of processing activities (PDPA s39)' },
  controller: { th: 'ผู้ควบคุมข้อมูลส่วนบุคคล', en: 'Data controller' },
  contact: { th: 'ติดต่อ', en: 'Contact' },
  generated: { th: 'สร้างจากการกำหนดค่าของระบบเมื่อ', en: 'Generated from the system\u2019s declarations at' },
  none: { th: 'ไม่มี', en: 'none' },
  days: { th: 'วัน', en: 'days' },
  until: { th: 'ข้อตกลงหมดอายุ', en: 'agreement expires' },
  noExpiry: { th: 'ข้อตกลงไม่มีวันหมดอายุ', en: 'agreement without expiry' },
  disclosedTo: { th: 'เปิดเผยแก่', en: 'Disclosed to' },
  times: { th: 'ครั้ง', en: 'times' },
  security: {
    th: 'เข้ารหัสขณะจัดเก็บ (KMS) และขณะส่ง (TLS) สิทธิ์การเข้าถึงน้อยที่สุดต่อฟังก์ชัน บันทึกการตรวจสอบแบบเชื่อมโยงค่าแฮช การแจ้งเตือนถึงผู้รับผิดชอบ',
    en: 'Encrypted at rest (KMS) and in transit (TLS), least-privilege access per function, hash-chained audit log, alarms that reach a person',
  },
} as const;

const READERS: Record<string, Bilingual> = {
  public: { th: 'เจ้าของข้อมูลผ่านลิงก์ที่ลงนามหรือรหัสของตน', en: 'the person themselves, through a signed link or their own id' },
  iam: { th: 'ระบบหลังร้านและเครื่องมือเจ้าหน้าที่ (IAM)', en: 'the shop\u2019s backend and staff tools (IAM)' },
  staff: { th: 'เจ้าหน้าที่ที่ลงชื่อเข้าใช้', en: 'signed-in staff' },
  dpo: { th: 'เจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคล (DPO)', en: 'the data protection officer (DPO)' },
};

const READ_ACTIONS = new Set(['GetItem', 'BatchGetItem', 'Query']);
const WRITE_ACTIONS = new Set(['PutItem', 'UpdateItem', 'BatchWriteItem']);

const join = (items: string[], locale: RecordLocale) => (items.length ? items.join('; ') : WORDS.none[locale]);

/** Tables and buckets that declare personal data, each with the activities it holds. */
export function personalDataStores(sources: Pick<RecordSources, 'tables' | 'buckets'>) {
  return [
    ...sources.tables.flatMap((t) =>
      t.processing && 'activities' in t.processing ? [{ id: t.id, activities: t.processing.activities, retention: t.processing.retention }] : [],
    ),
    ...sources.buckets.flatMap((b) => (b.activities?.length ? [{ id: b.id, activities: b.activities, expireAfterDays: b.expireAfterDays }] : [])),
  ];
}

/** Routes that write a table holding personal data: each must name the activity it collects for. */
export function routesStoringPersonalData<R extends RecordSources['routes'][number]>(
  sources: Pick<RecordSources, 'tables' | 'tableIds'> & { routes: readonly R[] },
): R[] {
  const personal = new Set(sources.tables.filter((t) => t.processing && 'activities' in t.processing).map((t) => t.id));
  return sources.routes.filter((r) =>
    Object.entries(r.uses.tables ?? {}).some(
      ([key, actions]) => personal.has(sources.tableIds[key] ?? '') && (actions ?? []).some((a) => WRITE_ACTIONS.has(a)),
    ),
  );
}

function retentionText(retention: Retention, settings: RecordSources['settings'], locale: RecordLocale): string {
  const days = retention.setting ? settings[retention.setting] : undefined;
  return days !== undefined ? `${days} ${WORDS.days[locale]} (${retention.setting}), ${retention.rule[locale]}` : retention.rule[locale];
}

export function buildProcessingRecord(sources: RecordSources, locale: RecordLocale): RecordRow[] {
  const stores = personalDataStores(sources);
  const idToKey = Object.fromEntries(Object.entries(sources.tableIds).map(([key, id]) => [id, key]));
  return (Object.entries(ACTIVITIES) as [ActivityKey, (typeof ACTIVITIES)[ActivityKey]][]).map(([key, activity]) => {
    const held = stores.filter((s) => s.activities.includes(key));
    const heldTableKeys = new Set(held.map((s) => idToKey[s.id]).filter(Boolean));
    const readers = new Set(
      sources.routes
        .filter((r) => Object.entries(r.uses.tables ?? {}).some(([t, actions]) => heldTableKeys.has(t) && (actions ?? []).some((a) => READ_ACTIONS.has(a))))
        .map((r) => r.auth),
    );
    const categories = new Set<string>(activity.categories);
    const processors = sources.processors
      .filter((p) => !p.endedOn && p.categories.some((c) => categories.has(c)))
      .map((p) => {
        const agreement = `${p.agreement.reference}, ${p.agreement.expiresOn ? `${WORDS.until[locale]} ${p.agreement.expiresOn}` : WORDS.noExpiry[locale]}`;
        return `${p.name} (${p.service}; ${p.country}; ${agreement})`;
      });
    const disclosures =
      key === 'disclosures'
        ? Object.entries(
            sources.disclosures.reduce<Record<string, number>>((acc, d) => {
              const k = `${d.recipient} (${d.legalBasis})`;
              acc[k] = (acc[k] ?? 0) + 1;
              return acc;
            }, {}),
          ).map(([who, n]) => `${WORDS.disclosedTo[locale]} ${who}: ${n} ${WORDS.times[locale]}`)
        : [];
    return {
      key,
      activity: activity.name[locale],
      purpose: activity.purpose[locale],
      legalBasis: LEGAL_BASES_S24[activity.legalBasis][locale],
      subjects: activity.subjects[locale],
      categories: activity.categories.map((c) => DATA_CATEGORIES[c][locale]).join('; '),
      collectedThrough: join(
        sources.routes.filter((r) => r.activity === key).map((r) => `${r.method} ${r.path}`),
        locale,
      ),
      consentCategory: join(
        Object.entries(sources.consentCategories)
          .filter(([, a]) => a === key)
          .map(([c]) => c),
        locale,
      ),
      storageAndRetention: join(
        held.map((s) =>
          'retention' in s ? `${s.id}: ${retentionText(s.retention, sources.settings, locale)}` : `${s.id}: ${s.expireAfterDays} ${WORDS.days[locale]}`,
        ),
        locale,
      ),
      readers: join(
        ['public', 'iam', 'staff', 'dpo'].filter((a) => readers.has(a)).map((a) => READERS[a]![locale]),
        locale,
      ),
      recipients: join([...processors, ...disclosures], locale),
      security: WORDS.security[locale],
      clause: activity.clause,
    };
  });
}

/** UTF-8 with a byte-order mark and CRLF line ends, as spreadsheet programs expect. */
export function processingRecordCsv(rows: RecordRow[], locale: RecordLocale): string {
  const lines = [RECORD_COLUMNS.map((c) => csvCell(RECORD_HEADERS[c][locale])), ...rows.map((r) => RECORD_COLUMNS.map((c) => csvCell(r[c])))];
  return `\uFEFF${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}

/** A standalone page to print or save as PDF (inline styles only: the API's pages allow no scripts). */
export function processingRecordHtml(rows: RecordRow[], locale: RecordLocale, meta: { controller: RecordSources['controller']; generatedAt: string }): string {
  const h = escapeHtml;
  const head = RECORD_COLUMNS.map((c) => `<th scope="col">${h(RECORD_HEADERS[c][locale])}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${RECORD_COLUMNS.map((c, i) => (i === 0 ? `<th scope="row">${h(r[c])}</th>` : `<td>${h(r[c])}</td>`)).join('')}</tr>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(WORDS.title[locale])}</title>
<style>
body{font:14px/1.45 "Noto Sans Thai",Tahoma,Arial,sans-serif;color:#1b1b1b;margin:1.5rem}
h1{font-size:1.3rem;margin:0 0 .5rem}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #595959;padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{background:#e8e8e8}
@media print{body{margin:0;font-size:10px}@page{size:A4 landscape;margin:10mm}thead{display:table-header-group}tr{break-inside:avoid}}
</style></head>
<body><main>
<h1>${h(WORDS.title[locale])}</h1>
<p>${h(WORDS.controller[locale])}: ${h(meta.controller.name)}. ${h(WORDS.contact[locale])}: ${h(meta.controller.contact)}</p>
<p>${h(WORDS.generated[locale])} ${h(meta.generatedAt)}</p>
<table><thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody></table>
</main></body></html>
`;
}
