/**
 * The processing activities of this system (PDPA s39), declared once: what each is for, on which
 * legal basis, which data categories of whom. Tables and buckets (shared/resources.ts) name the
 * activities whose data they hold and how long they keep it; routes (shared/routes.ts) name the
 * activity they collect for. The record of processing activities is generated from these
 * declarations (shared/domain/processing-record.ts), so it cannot drift from what the system does,
 * and a unit test fails when a table, bucket or route holding personal data declares none.
 */

/** Text in both languages the record is printed in. */
export interface Bilingual {
  th: string;
  en: string;
}

/** PDPA s24 (and s26 for consent): the bases this system relies on. */
export const LEGAL_BASES_S24 = {
  consent: { th: 'ความยินยอม (มาตรา 19)', en: 'Consent (s19)' },
  contract: { th: 'การปฏิบัติตามสัญญา (มาตรา 24(3))', en: 'Performance of a contract (s24(3))' },
  legal_obligation: { th: 'การปฏิบัติตามกฎหมาย (มาตรา 24(6))', en: 'Legal obligation (s24(6))' },
  legitimate_interest: { th: 'ประโยชน์โดยชอบด้วยกฎหมาย (มาตรา 24(5))', en: 'Legitimate interest (s24(5))' },
} as const satisfies Record<string, Bilingual>;
export type LegalBasisS24 = keyof typeof LEGAL_BASES_S24;

/** The data categories of this system; processors and breaches name the same ones. */
export const DATA_CATEGORIES = {
  contact: { th: 'ข้อมูลติดต่อ (อีเมล ชื่อ ภาษา)', en: 'Contact details (e-mail, name, language)' },
  online_identifiers: { th: 'ตัวระบุออนไลน์ (รหัสผู้เยี่ยมชม ที่อยู่ IP)', en: 'Online identifiers (visitor id, IP address)' },
  device: { th: 'ข้อมูลอุปกรณ์และเบราว์เซอร์ ผู้ให้บริการอินเทอร์เน็ต', en: 'Device, browser and internet provider' },
  browsing: { th: 'พฤติกรรมการใช้งานเว็บไซต์ (หน้า การค้นหา เวลา)', en: 'Browsing behaviour (pages, searches, time spent)' },
  purchases: { th: 'ข้อมูลการสั่งซื้อ', en: 'Purchases' },
  consent_choices: { th: 'การให้ความยินยอมเรื่องคุกกี้', en: 'Cookie consent choices' },
  membership: { th: 'สถานะสมาชิกและผู้แนะนำ', en: 'Membership status and referring partner' },
  marketing_preferences: { th: 'การรับหรือปฏิเสธข่าวสาร', en: 'Newsletter opt-in and opt-out' },
  correspondence: { th: 'คำขอและการติดต่อเกี่ยวกับข้อมูลส่วนบุคคล', en: 'Requests and correspondence about personal data' },
  activity_log: { th: 'บันทึกการเข้าถึงและการเปลี่ยนแปลงข้อมูล', en: 'Log of access to and changes of personal data' },
  payment: { th: 'ข้อมูลการชำระเงิน', en: 'Payment data' },
  delivery_address: { th: 'ที่อยู่จัดส่ง', en: 'Delivery address' },
} as const satisfies Record<string, Bilingual>;
export type DataCategory = keyof typeof DATA_CATEGORIES;
export const DATA_CATEGORY_KEYS = Object.keys(DATA_CATEGORIES) as DataCategory[];

export interface ActivityDef {
  name: Bilingual;
  purpose: Bilingual;
  legalBasis: LegalBasisS24;
  /** Whose data. */
  subjects: Bilingual;
  categories: DataCategory[];
  /** The policy clause or PDPA section the activity answers to. */
  clause: string;
}

export const ACTIVITIES = {
  consent: {
    name: { th: 'บันทึกความยินยอมเรื่องคุกกี้', en: 'Cookie consent records' },
    purpose: {
      th: 'บันทึกและปฏิบัติตามการเลือกคุกกี้ของผู้เยี่ยมชม พร้อมหลักฐานการให้ความยินยอม',
      en: 'Record and honour visitors\u2019 cookie choices, with proof of each consent',
    },
    legalBasis: 'legal_obligation',
    subjects: { th: 'ผู้เยี่ยมชมเว็บไซต์', en: 'Website visitors' },
    categories: ['online_identifiers', 'consent_choices', 'device'],
    clause: 'policy 3; PDPA s19',
  },
  visitAnalytics: {
    name: { th: 'บันทึกการเข้าชมเว็บไซต์', en: 'Visit logging' },
    purpose: { th: 'ปรับปรุงเว็บไซต์จากการเข้าชม การค้นหา และเวลาที่ใช้', en: 'Improve the site from visits, searches and time spent' },
    legalBasis: 'consent',
    subjects: { th: 'ผู้เยี่ยมชมและสมาชิกที่อนุญาตคุกกี้การวิเคราะห์', en: 'Visitors and members who allowed analytics cookies' },
    categories: ['online_identifiers', 'device', 'browsing'],
    clause: 'policy 1.1, 1.2',
  },
  membership: {
    name: { th: 'บัญชีสมาชิก', en: 'Member accounts' },
    purpose: {
      th: 'ดูแลบัญชีสมาชิกตามที่ร้านค้าลงทะเบียน ปิดใช้งานเมื่อยกเลิกและเก็บไว้เพื่อข้อพิพาท',
      en: 'Keep member accounts as the shop registers them; deactivate on cancellation and keep for disputes',
    },
    legalBasis: 'contract',
    subjects: { th: 'สมาชิก', en: 'Members' },
    categories: ['contact', 'membership', 'marketing_preferences'],
    clause: 'policy 1.1, 2.2',
  },
  orders: {
    name: { th: 'ประวัติการสั่งซื้อ', en: 'Purchase records' },
    purpose: { th: 'เก็บประวัติการสั่งซื้อเพื่อการขายและการระงับข้อพิพาท', en: 'Keep purchases for the sale and to settle disputes' },
    legalBasis: 'contract',
    subjects: { th: 'สมาชิกที่สั่งซื้อสินค้า', en: 'Members who bought' },
    categories: ['purchases'],
    clause: 'policy 1.1(3), 2.2',
  },
  dataRequests: {
    name: { th: 'คำขอใช้สิทธิของเจ้าของข้อมูล', en: 'Data-subject requests' },
    purpose: {
      th: 'รับ ยืนยันตัวตน และดำเนินการตามคำขอแก้ไข ลบ สำเนา หรือยกเลิกข้อมูลภายในกำหนด',
      en: 'Receive, verify and carry out requests to edit, delete, copy or stop, within the deadlines',
    },
    legalBasis: 'legal_obligation',
    subjects: { th: 'ผู้ยื่นคำขอ', en: 'Requesters' },
    categories: ['contact', 'correspondence'],
    clause: 'policy 2.1; PDPA s30-36',
  },
  marketingPreferences: {
    name: { th: 'รายชื่อผู้ปฏิเสธข่าวสาร', en: 'Newsletter suppression list' },
    purpose: { th: 'หยุดส่งข่าวสารและโปรโมชั่นภายใน 7 วันเมื่อได้รับคำขอ', en: 'Stop newsletters and promotions within 7 days of a request' },
    legalBasis: 'legal_obligation',
    subjects: { th: 'ผู้รับข่าวสาร', en: 'Newsletter recipients' },
    categories: ['contact', 'marketing_preferences'],
    clause: 'policy 6',
  },
  disclosures: {
    name: { th: 'ทะเบียนการเปิดเผยข้อมูล', en: 'Disclosure register' },
    purpose: {
      th: 'บันทึกการเปิดเผยข้อมูลแก่บุคคลภายนอกพร้อมฐานทางกฎหมาย และการยืนยันสมาชิกแก่พันธมิตร',
      en: 'Record disclosures to third parties with their legal basis, and membership answers to partners',
    },
    legalBasis: 'legal_obligation',
    subjects: { th: 'สมาชิก', en: 'Members' },
    categories: ['membership'],
    clause: 'policy 5; PDPA s39',
  },
  audit: {
    name: { th: 'บันทึกการตรวจสอบ', en: 'Audit trail' },
    purpose: {
      th: 'ตรวจสอบได้ว่าใครเข้าถึงหรือเปลี่ยนแปลงข้อมูลส่วนบุคคลเมื่อใด',
      en: 'Show who accessed or changed personal data, and when',
    },
    legalBasis: 'legal_obligation',
    subjects: { th: 'สมาชิกและผู้ยื่นคำขอ', en: 'Members and requesters' },
    categories: ['activity_log'],
    clause: 'policy 4; PDPA s37(1)',
  },
  breaches: {
    name: { th: 'ทะเบียนเหตุละเมิดข้อมูลส่วนบุคคล', en: 'Personal-data breach register' },
    purpose: {
      th: 'บันทึกเหตุละเมิด แจ้งสำนักงานคณะกรรมการฯ ภายใน 72 ชั่วโมง และแจ้งเจ้าของข้อมูลเมื่อมีความเสี่ยงสูง',
      en: 'Record breaches, notify the PDPC within 72 hours and tell the people affected when the risk is high',
    },
    legalBasis: 'legal_obligation',
    subjects: { th: 'สมาชิกที่ได้รับผลกระทบ', en: 'Affected members' },
    categories: ['membership', 'activity_log'],
    clause: 'PDPA s37(4)',
  },
  processors: {
    name: { th: 'ทะเบียนผู้ประมวลผลข้อมูล', en: 'Processor register' },
    purpose: {
      th: 'รู้ว่าผู้รับจ้างรายใดประมวลผลข้อมูลใด ที่ใด และภายใต้ข้อตกลงรักษาความลับฉบับใด',
      en: 'Know which contractor processes which data, where, and under which confidentiality agreement',
    },
    legalBasis: 'legal_obligation',
    subjects: { th: 'ผู้ติดต่อของผู้ประมวลผลข้อมูล', en: 'Contact people at processors' },
    categories: ['contact'],
    clause: 'policy 5; PDPA s40',
  },
} as const satisfies Record<string, ActivityDef>;
export type ActivityKey = keyof typeof ACTIVITIES;

/**
 * How long data is kept: a stage setting's number of days, the bucket's own expiry, or a rule in
 * words (kept for disputes, append-only). The words say from when the time counts.
 */
export interface Retention {
  /** A stage setting holding the days (visitRetentionDays, disputeHoldDays, ...). */
  setting?: 'visitRetentionDays' | 'disputeHoldDays';
  rule: Bilingual;
}

/** What a table or bucket declares: the activities whose data it holds and how long it keeps them. */
export type Processing = { activities: ActivityKey[]; retention: Retention } | { personalData: false; because: string };

/** The consent categories (policy 3) and the activity each one allows. */
export const CONSENT_CATEGORY_ACTIVITIES = {
  necessary: 'consent',
  analytics: 'visitAnalytics',
  marketing: 'marketingPreferences',
} as const satisfies Record<string, ActivityKey>;
