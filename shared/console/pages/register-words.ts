/// <reference lib="dom" />
/**
 * Words of the DPO's register pages (breaches, processors, the s39 record), Thai and English, kept
 * beside those pages; the English table is typed against the Thai one, so a missing word fails the
 * type check. Data categories come with their names from shared/processing.ts.
 */
import { DATA_CATEGORIES, type DataCategory } from '../../processing';
import { useI18n, type Lang } from '../i18n';

const th = {
  breaches: 'ทะเบียนเหตุละเมิดข้อมูล',
  recordBreach: 'บันทึกเหตุที่สงสัยว่าเป็นการละเมิด',
  learnedAt: 'ร้านค้าทราบเหตุเมื่อ (เวลาประเทศไทย)',
  summary: 'เกิดอะไรขึ้น',
  categories: 'ประเภทข้อมูลที่เกี่ยวข้อง',
  approxAffected: 'จำนวนผู้ได้รับผลกระทบโดยประมาณ',
  risk: 'ระดับความเสี่ยง',
  risk_low: 'ต่ำ',
  risk_medium: 'ปานกลาง',
  risk_high: 'สูง',
  riskAssessment: 'การประเมินความเสี่ยง',
  notifyBy: 'ต้องแจ้ง สคส. ภายใน',
  hoursLeft: 'เหลือ {n} ชั่วโมง',
  overdue: 'เลยกำหนด 72 ชั่วโมง',
  pdpcNotified: 'แจ้ง สคส. แล้ว',
  pdpcNotRequired: 'ไม่ต้องแจ้ง สคส.',
  status: 'สถานะ',
  recorded: 'บันทึกแล้ว',
  none: 'ยังไม่มีรายการ',
  id: 'เลขที่',
  history: 'ประวัติ',
  pdpc: 'การแจ้งสำนักงานคณะกรรมการคุ้มครองข้อมูลส่วนบุคคล (สคส.)',
  notifiedAt: 'วันเวลาที่แจ้ง',
  pdpcReference: 'เลขที่อ้างอิงการแจ้ง',
  notRequiredReason: 'หรือ: เหตุผลที่ไม่ต้องแจ้ง (ไม่มีความเสี่ยงต่อสิทธิของบุคคล)',
  savePdpc: 'บันทึกการแจ้ง สคส.',
  reassess: 'แก้ไขการประเมิน',
  reassessHint: 'เวลาที่ร้านทราบเหตุไม่เปลี่ยน: กำหนดแจ้งภายใน 72 ชั่วโมงนับจากเวลานั้น ประวัติจะเก็บสิ่งที่แก้ไข',
  saveAssessment: 'บันทึกการประเมินที่แก้ไข',
  subjects: 'การแจ้งเจ้าของข้อมูล',
  tellQuestion: 'จะแจ้งผู้ได้รับผลกระทบหรือไม่',
  yes: 'แจ้ง',
  no: 'ไม่แจ้ง',
  reason: 'เหตุผล',
  affected: 'ผู้ได้รับผลกระทบ (รหัสสมาชิกหรืออีเมล บรรทัดละหนึ่งราย)',
  saveDecision: 'บันทึกการตัดสินใจ',
  noticesSent: 'ส่งแจ้งแล้ว {n} ราย',
  noticesPending: 'รอส่ง {n} ราย',
  processors: 'ทะเบียนผู้ประมวลผลข้อมูล',
  addProcessor: 'เพิ่มผู้ประมวลผลข้อมูล',
  name: 'ชื่อ',
  service: 'ให้บริการอะไร',
  country: 'ประเทศที่ข้อมูลไป (รหัส 2 ตัว เช่น TH)',
  agreementRef: 'เลขที่ข้อตกลงรักษาความลับ',
  signedOn: 'วันที่ลงนาม',
  expiresOn: 'วันหมดอายุ (ถ้ามี)',
  receivesEvents: 'รับเหตุการณ์จากระบบนี้ (คั่นด้วยจุลภาค)',
  agreement: 'ข้อตกลง',
  record: 'บันทึกรายการกิจกรรมการประมวลผล (มาตรา 39)',
  recordHelp: 'สร้างจากการกำหนดค่าของระบบและทะเบียนทุกครั้งที่เปิด จึงตรงกับสิ่งที่ระบบทำจริง',
  recordLang: 'ภาษาของบันทึก',
  downloadCsv: 'ดาวน์โหลด CSV',
  print: 'พิมพ์',
  back: 'กลับไปที่ทะเบียน',
};
type Words = typeof th;
const en: Words = {
  breaches: 'Breach register',
  recordBreach: 'Record a suspected breach',
  learnedAt: 'The shop learned of it at (Bangkok time)',
  summary: 'What happened',
  categories: 'Data categories concerned',
  approxAffected: 'About how many people',
  risk: 'Risk',
  risk_low: 'Low',
  risk_medium: 'Medium',
  risk_high: 'High',
  riskAssessment: 'Risk assessment',
  notifyBy: 'Notify the PDPC by',
  hoursLeft: '{n} hours left',
  overdue: 'Past the 72 hours',
  pdpcNotified: 'PDPC notified',
  pdpcNotRequired: 'No PDPC notification required',
  status: 'Status',
  recorded: 'Recorded',
  none: 'Nothing recorded yet',
  id: 'Reference',
  history: 'History',
  pdpc: 'Notification to the PDPC',
  notifiedAt: 'Notified at',
  pdpcReference: 'Notification reference',
  notRequiredReason: 'Or: why no notification is required (no risk to people\u2019s rights)',
  savePdpc: 'Record the PDPC notification',
  reassess: 'Correct the assessment',
  reassessHint: 'When the shop learned of it stays: the 72 hours run from then. The history keeps what changed.',
  saveAssessment: 'Save the corrected assessment',
  subjects: 'Telling the people affected',
  tellQuestion: 'Tell the people affected?',
  yes: 'Tell them',
  no: 'Do not tell',
  reason: 'Reason',
  affected: 'Affected people (member ids or e-mail addresses, one a line)',
  saveDecision: 'Record the decision',
  noticesSent: '{n} notified',
  noticesPending: '{n} still to send',
  processors: 'Processor register',
  addProcessor: 'Add a processor',
  name: 'Name',
  service: 'What it does',
  country: 'Country the data goes to (2 letters, e.g. TH)',
  agreementRef: 'Confidentiality agreement reference',
  signedOn: 'Signed on',
  expiresOn: 'Expires on (if it does)',
  receivesEvents: 'Receives events from this system (comma-separated)',
  agreement: 'Agreement',
  record: 'Record of processing activities (PDPA s39)',
  recordHelp: 'Generated from the system\u2019s declarations and the registers each time it is opened, so it matches what the system does.',
  recordLang: 'Language of the record',
  downloadCsv: 'Download CSV',
  print: 'Print',
  back: 'Back to the register',
};
const TABLES: Record<Lang, Words> = { th, en };
export type RegisterWord = keyof Words;

/** The register pages' words in the console's current language. */
export function useRegisterWords() {
  const { lang, t } = useI18n();
  const words = TABLES[lang];
  return {
    lang,
    /** The console's shared words (event names, statuses). */
    t,
    w: (key: RegisterWord, vars: Record<string, string | number> = {}) => words[key].replace(/\{(\w+)\}/g, (_, n: string) => String(vars[n] ?? '')),
    category: (c: DataCategory) => DATA_CATEGORIES[c][lang],
  };
}

/** A wall-clock time typed in Bangkok (datetime-local) as an instant with its offset. */
export const bangkokInstant = (local: string) => (local ? `${local.length === 16 ? `${local}:00` : local}+07:00` : '');

/** Zod issues as one line a person can read next to the form. */
export const issuesText = (issues: readonly { path: PropertyKey[]; message: string }[]) =>
  issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
