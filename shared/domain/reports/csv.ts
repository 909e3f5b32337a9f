/**
 * A report as CSV: UTF-8 with a byte-order mark (so spreadsheet programs read Thai correctly), the
 * headings in the asked language from the shared labels, every cell formula-safe (csvCell). One
 * section, or each section under its title with a blank line between them. The numbers are the
 * report's own: a suppressed cell stays SUPPRESSED.
 */
import { csvCell } from '../csv';
import { columnLabel, type Lang, NOTE_LABELS, sectionTitle } from '../../reports/labels';
import type { Report, ReportSection, ReportValue } from '../../schemas/reports';

export const UTF8_BOM = '\uFEFF';

const cell = (value: ReportValue | undefined) => csvCell(value === null || value === undefined ? '' : String(value));

function sectionLines(report: Report, section: ReportSection, lang: Lang): string[] {
  const lines = [section.columns.map((c) => csvCell(columnLabel(report.report, section.id, c.key, lang))).join(',')];
  for (const row of section.rows) lines.push(section.columns.map((c) => cell(row[c.key])).join(','));
  if (section.note) lines.push(csvCell(NOTE_LABELS[section.note]?.[lang] ?? section.note));
  return lines;
}

export function reportCsv(report: Report, lang: Lang, only?: string): string {
  const sections = only ? report.sections.filter((s) => s.id === only) : report.sections;
  const blocks =
    sections.length === 1
      ? [sectionLines(report, sections[0]!, lang)]
      : sections.map((s) => [csvCell(sectionTitle(report.report, s.id, lang)), ...sectionLines(report, s, lang)]);
  return `${UTF8_BOM}${blocks.map((lines) => lines.join('\r\n')).join('\r\n\r\n')}\r\n`;
}

/** The download's file name: report, range and language, ASCII only. */
export const reportFileName = (report: Report, lang: Lang, only?: string) =>
  `report-${report.report}${only ? `-${only}` : ''}-${report.from}-to-${report.to}-${lang}.csv`;
