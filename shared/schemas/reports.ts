/**
 * Shapes of the reports (policy 1.2: visit data is collected *to improve the website*): what the
 * report routes accept and answer, shared by the routes, the CSV writer and the staff console, so
 * a chart, its table and its CSV are the same numbers.
 *
 * A report is a list of sections; a section is one table (its columns and rows) with a hint of
 * the chart that shows it. Counts describing fewer than REPORT_THRESHOLD distinct visitors are
 * never sent as numbers: they are SUPPRESSED ("< 5"), in JSON, charts and CSV alike.
 */
import * as z from 'zod/mini';

/** Reports about the site (staff) and about compliance (DPO). */
export const SITE_REPORTS = ['traffic', 'searches', 'technology'] as const;
export const COMPLIANCE_REPORTS = ['consent', 'requests'] as const;
export type SiteReportName = (typeof SITE_REPORTS)[number];
export type ComplianceReportName = (typeof COMPLIANCE_REPORTS)[number];
export type ReportName = SiteReportName | ComplianceReportName;

/** Cells counting fewer distinct visitors than this are suppressed. */
export const REPORT_THRESHOLD = 5;
/** What a suppressed cell shows, in JSON, charts and CSV. */
export const SUPPRESSED = '< 5';

/** Longest date range one report covers (days, both ends included). */
export const MAX_REPORT_DAYS = 366;

const Day = /* @__PURE__ */ (() => z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD (Asia/Bangkok)')))();

/** `?from=YYYY-MM-DD&to=YYYY-MM-DD&format=json|csv&section=<id>&lang=th|en`; days are Bangkok days. */
export const ReportQuery = /* @__PURE__ */ (() =>
  z.object({
    from: Day,
    to: Day,
    format: z.optional(z.enum(['json', 'csv'])),
    /** With format=csv: the section to download (default: every section, one after another). */
    section: z.optional(z.string().check(z.regex(/^[a-z][a-zA-Z]{0,39}$/, 'must be a section id'))),
    lang: z.optional(z.enum(['th', 'en'])),
  }))();
export type ReportQuery = z.infer<typeof ReportQuery>;

/** How a column's values read: labels and days as text; counts, shares (0..1), milliseconds and days as numbers. */
export type ColumnKind = 'label' | 'day' | 'count' | 'share' | 'ms' | 'days';

export interface ReportColumn {
  key: string;
  kind: ColumnKind;
}

/** A number, a label, SUPPRESSED for a small count, or null where nothing applies (a median of no values). */
export type ReportValue = number | string | null;

export interface ReportSection {
  /** Stable id: labels (Thai and English) come from shared/reports/labels.ts by report, section and column key. */
  id: string;
  /** The chart that shows the section best; `none` for a table only. */
  chart: 'line' | 'bar' | 'stacked' | 'none';
  columns: ReportColumn[];
  rows: Record<string, ReportValue>[];
  /** Why a section is empty or partial (for example `queriesOff`: the shop has not turned top queries on); labelled like the rest. */
  note?: string;
}

export interface Report {
  report: ReportName;
  from: string;
  to: string;
  timeZone: 'Asia/Bangkok';
  threshold: typeof REPORT_THRESHOLD;
  generatedAt: string;
  sections: ReportSection[];
}

/** `{report}` of the report routes: any word here, so an unknown report is a 404 rather than a 400. */
export const ReportPath = /* @__PURE__ */ (() =>
  z.object({
    report: z.string().check(z.regex(/^[a-z][a-zA-Z]{0,39}$/, 'must be a report name')),
  }))();
