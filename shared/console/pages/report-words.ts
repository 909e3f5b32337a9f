/// <reference lib="dom" />
/**
 * Words of the report pages, Thai and English, kept beside them (in the reports' chunk, not the
 * console's first load); the English table is typed against the Thai one, so a missing word fails the
 * type check. Report, section and column titles are not here: they come from shared/reports/labels.ts.
 */
import { type Lang, useI18n } from '../i18n';

const th = {
  reportsTitle: 'รายงาน',
  reportTabs: 'รายงาน',
  reportRange: 'ช่วงวัน (ตามเวลากรุงเทพฯ)',
  reportShow: 'แสดงรายงาน',
  reportRangeShown: 'ตั้งแต่ {from} ถึง {to}',
  reportBadRange: 'วันแรกต้องไม่อยู่หลังวันสุดท้าย',
  reportNoSuchDay: 'กรุณาเลือกวันที่ที่มีอยู่จริงทั้งสองช่อง',
  reportTooLong: 'รายงานหนึ่งครอบคลุมได้ไม่เกิน {n} วัน',
  reportPrint: 'พิมพ์',
  reportEmpty: 'ไม่มีข้อมูลในช่วงวันนี้',
  reportGeneratedAt: 'สร้างเมื่อ {at}',
  reportTableOf: 'ตาราง: {title}',
  chart_line: 'กราฟเส้น',
  chart_bar: 'กราฟแท่ง',
  chart_stacked: 'กราฟแท่งซ้อน',
  chartSummary: '{kind}แสดง{series} ตาม{axis} {n} แถว',
  chartPeak: '{series} สูงสุด {value} ({at})',
  chartSuppressed: 'ค่าที่น้อยกว่า 5 จำนวน {n} ค่าไม่ได้วาดเป็นตัวเลขในกราฟ (กราฟเขียนว่า "< 5")',
  chartTopRows: 'กราฟแสดง {n} แถวแรก ตารางแสดงทุกแถว',
};
type Words = typeof th;
const en: Record<keyof Words, string> = {
  reportsTitle: 'Reports',
  reportTabs: 'Reports',
  reportRange: 'Days (Bangkok time)',
  reportShow: 'Show report',
  reportRangeShown: '{from} to {to}',
  reportBadRange: 'The first day must not be after the last day',
  reportNoSuchDay: 'Choose a real day in both fields',
  reportTooLong: 'A report covers at most {n} days',
  reportPrint: 'Print',
  reportEmpty: 'No data for these days',
  reportGeneratedAt: 'Generated {at}',
  reportTableOf: 'Table: {title}',
  chart_line: 'Line chart',
  chart_bar: 'Bar chart',
  chart_stacked: 'Stacked bar chart',
  chartSummary: '{kind} of {series} by {axis}, {n} rows',
  chartPeak: '{series} highest {value} ({at})',
  chartSuppressed: '{n} values under 5 are not drawn as numbers (the chart writes "< 5")',
  chartTopRows: 'The chart shows the first {n} rows; the table shows all',
};
export type ReportWord = keyof Words;
export type ReportWords = (key: ReportWord, vars?: Record<string, string | number>) => string;

/** The report pages' words in one language. */
export function reportWords(lang: Lang): ReportWords {
  const words = lang === 'th' ? th : en;
  return (key, vars = {}) => words[key].replace(/\{(\w+)\}/g, (_, n: string) => String(vars[n] ?? ''));
}

/** The report pages' words in the console's current language, with the console's own words (`t`) beside them. */
export function useReportWords() {
  const i18n = useI18n();
  return { ...i18n, w: reportWords(i18n.lang) };
}
