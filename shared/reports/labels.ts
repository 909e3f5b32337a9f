/**
 * Thai and English labels of the reports: each report's title, each section's title, each column's
 * heading and each note. The staff console and the CSV download both read them, so a chart, its
 * table and its CSV say the same thing. Ids here are the ids the report routes send
 * (shared/schemas/reports.ts): keep them stable.
 */
import type { ReportName } from '../schemas/reports';

export type Lang = 'th' | 'en';
export interface Label {
  th: string;
  en: string;
}

export interface SectionLabels {
  title: Label;
  columns: Record<string, Label>;
}

export interface ReportLabels {
  title: Label;
  /** What the report is for and how its small numbers are hidden (shown under the title). */
  description: Label;
  sections: Record<string, SectionLabels>;
}

const day: Label = { th: 'วันที่', en: 'Day' };
const path: Label = { th: 'หน้า', en: 'Page' };
const pageViews: Label = { th: 'จำนวนการเปิดหน้า', en: 'Page views' };
const visitors: Label = { th: 'ผู้เยี่ยมชม', en: 'Visitors' };
const sessions: Label = { th: 'การเข้าชม', en: 'Sessions' };
const searches: Label = { th: 'การค้นหา', en: 'Searches' };
const zeroResults: Label = { th: 'ค้นหาแล้วไม่พบผลลัพธ์', en: 'Searches without results' };
const name: Label = { th: 'ชื่อ', en: 'Name' };
const type: Label = { th: 'ประเภทคำขอ', en: 'Request type' };

const suppressedNote: Label = {
  th: 'ตัวเลขที่นับผู้เยี่ยมชมน้อยกว่า 5 คนจะแสดงเป็น "< 5" เพื่อไม่ให้ระบุตัวบุคคลได้',
  en: 'Counts describing fewer than 5 distinct visitors show as "< 5", so no one can be singled out.',
};

const technologySection = (title: Label): SectionLabels => ({ title, columns: { name, visitors, pageViews } });

export const REPORT_LABELS: Record<ReportName, ReportLabels> = {
  traffic: {
    title: { th: 'การเข้าชมเว็บไซต์', en: 'Traffic' },
    description: suppressedNote,
    sections: {
      daily: { title: { th: 'การเข้าชมรายวัน', en: 'Daily traffic' }, columns: { day, pageViews, visitors, sessions } },
      pages: {
        title: { th: 'หน้าที่เปิดดู', en: 'Pages' },
        columns: {
          path,
          pageViews,
          visitors,
          medianMs: { th: 'เวลาบนหน้า (มัธยฐาน, มิลลิวินาที)', en: 'Time on page, median (ms)' },
          p75Ms: { th: 'เวลาบนหน้า (เปอร์เซ็นไทล์ที่ 75, มิลลิวินาที)', en: 'Time on page, 75th percentile (ms)' },
        },
      },
      entryPages: { title: { th: 'หน้าแรกที่เข้าชม', en: 'Entry pages' }, columns: { path, sessions } },
      exitPages: { title: { th: 'หน้าสุดท้ายก่อนออก', en: 'Exit pages' }, columns: { path, sessions } },
    },
  },
  searches: {
    title: { th: 'การค้นหา', en: 'Searches' },
    description: suppressedNote,
    sections: {
      daily: { title: { th: 'การค้นหารายวัน', en: 'Daily searches' }, columns: { day, searches, zeroResults } },
      kinds: {
        title: { th: 'ประเภทการค้นหา', en: 'Search kinds' },
        columns: { kind: { th: 'ประเภท', en: 'Kind' }, searches, visitors, zeroResults },
      },
      queries: {
        title: { th: 'คำค้นยอดนิยม', en: 'Top queries' },
        columns: { query: { th: 'คำค้น', en: 'Query' }, searches, visitors },
      },
    },
  },
  technology: {
    title: { th: 'เทคโนโลยีของผู้เยี่ยมชม', en: 'Technology' },
    description: suppressedNote,
    sections: {
      browsers: technologySection({ th: 'เบราว์เซอร์', en: 'Browsers' }),
      os: technologySection({ th: 'ระบบปฏิบัติการ', en: 'Operating systems' }),
      devices: technologySection({ th: 'ประเภทอุปกรณ์', en: 'Device types' }),
      providers: technologySection({ th: 'ผู้ให้บริการอินเทอร์เน็ต', en: 'Internet providers' }),
    },
  },
  consent: {
    title: { th: 'ความยินยอมคุกกี้', en: 'Cookie consent' },
    description: suppressedNote,
    sections: {
      daily: {
        title: { th: 'ทางเลือกรายวัน', en: 'Daily choices' },
        columns: {
          day,
          acceptAll: { th: 'ยอมรับทั้งหมด', en: 'Accepted all' },
          refuseAll: { th: 'ปฏิเสธทั้งหมด', en: 'Refused all' },
          custom: { th: 'เลือกเอง', en: 'Custom' },
          gpc: { th: 'ส่งสัญญาณ GPC', en: 'Sent GPC' },
        },
      },
      categories: {
        title: { th: 'หมวดคุกกี้', en: 'Categories' },
        columns: {
          category: { th: 'หมวด', en: 'Category' },
          granted: { th: 'ยินยอม', en: 'Granted' },
          refused: { th: 'ปฏิเสธ', en: 'Refused' },
          grantedShare: { th: 'สัดส่วนที่ยินยอม', en: 'Share granted' },
        },
      },
      renewals: {
        title: { th: 'การขอความยินยอมใหม่หลังเปลี่ยนนโยบาย', en: 'Renewals after a policy change' },
        columns: {
          policyVersion: { th: 'ฉบับนโยบาย', en: 'Policy version' },
          asked: { th: 'ถูกขอใหม่', en: 'Asked again' },
          renewed: { th: 'ยินยอมต่อ', en: 'Renewed' },
          declined: { th: 'ไม่ยินยอมต่อ', en: 'Declined' },
        },
      },
    },
  },
  requests: {
    title: { th: 'คำขอของเจ้าของข้อมูล', en: 'Data-subject requests' },
    description: {
      th: 'ตัวเลขคำขอไม่ถูกซ่อนแม้มีน้อยกว่า 5 เพราะเจ้าหน้าที่คุ้มครองข้อมูลเห็นคำขอแต่ละรายการอยู่แล้ว',
      en: 'Request counts are not suppressed below 5: the DPO sees each request anyway.',
    },
    sections: {
      received: {
        title: { th: 'คำขอที่ได้รับ', en: 'Requests received' },
        columns: { type, channel: { th: 'ช่องทาง', en: 'Channel' }, received: { th: 'ได้รับ', en: 'Received' } },
      },
      timing: {
        title: { th: 'ระยะเวลาดำเนินการ', en: 'Time to close' },
        columns: {
          type,
          closed: { th: 'ปิดแล้ว', en: 'Closed' },
          medianDays: { th: 'มัธยฐาน (วัน)', en: 'Median (days)' },
          p90Days: { th: 'เปอร์เซ็นไทล์ที่ 90 (วัน)', en: '90th percentile (days)' },
          onTime: { th: 'ทันกำหนด', en: 'On time' },
          onTimeShare: { th: 'สัดส่วนที่ทันกำหนด', en: 'Share on time' },
        },
      },
      overdue: {
        title: { th: 'คำขอที่เลยกำหนดขณะนี้', en: 'Overdue now' },
        columns: { type, overdueNow: { th: 'เลยกำหนด', en: 'Overdue now' } },
      },
    },
  },
};

/** Notes a section may carry (ReportSection.note). */
export const NOTE_LABELS: Record<string, Label> = {
  queriesOff: {
    th: 'ร้านค้ายังไม่ได้เปิดการแสดงคำค้นยอดนิยม (reports.topSearchQueries)',
    en: 'The shop has not turned top search queries on (reports.topSearchQueries).',
  },
  suppressed: suppressedNote,
};

/** Common words of the report pages and CSV. */
export const COMMON_LABELS = {
  other: { th: 'อื่น ๆ', en: 'Other' },
  unknown: { th: 'ไม่ทราบ', en: 'Unknown' },
  from: { th: 'ตั้งแต่', en: 'From' },
  to: { th: 'ถึง', en: 'To' },
} satisfies Record<string, Label>;

/** A section's title in `lang`, or its id when unknown (never throws: a new id shows as itself). */
export const sectionTitle = (report: ReportName, section: string, lang: Lang): string => REPORT_LABELS[report].sections[section]?.title[lang] ?? section;

/** A column's heading in `lang`, or its key when unknown. */
export const columnLabel = (report: ReportName, section: string, column: string, lang: Lang): string =>
  REPORT_LABELS[report].sections[section]?.columns[column]?.[lang] ?? column;
