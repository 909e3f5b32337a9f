/**
 * The report routes' handler, shared by the staff route (site reports) and the DPO route (compliance
 * reports): the range checked, the report read from the reports table (closed days as stored, open
 * days merged on the fly), answered as JSON sections or as CSV in the asked language.
 */
import type { Clock, RequestStore } from '../domain/ports';
import { InvalidInputError, NotFoundError } from '../domain/errors';
import { reportCsv, reportFileName } from '../domain/reports/csv';
import { checkReportRange } from '../domain/reports/range';
import { readReport, type ReportStore } from '../domain/reports/service';
import type { ReportName } from '../schemas/reports';
import type { getComplianceReportRoute, getSiteReportRoute, RouteAuth } from '../routes';
import { ok } from './responses';
import { route } from './route';

export interface ReportRouteDeps {
  store: Pick<ReportStore, 'day'>;
  clock: Clock;
  topSearchQueries: boolean;
  /** The DPO route only: requests overdue now come from the staff queue's index. */
  requests?: Pick<RequestStore, 'byStatus'>;
}

/** The route's entry in the table (its request schemas and auth), the reports it serves, and its ports. */
export const makeReportHandler = (
  entry: { request: (typeof getSiteReportRoute | typeof getComplianceReportRoute)['request']; auth: RouteAuth },
  reports: readonly ReportName[],
  deps: ReportRouteDeps,
) =>
  route({ ...entry.request, auth: entry.auth }).handler(async (event) => {
    const name = event.input.path.report as ReportName;
    if (!reports.includes(name)) throw new NotFoundError(`Report ${event.input.path.report}`);
    const { from, to, format = 'json', section, lang = 'th' } = event.input.query;
    checkReportRange({ from, to });
    const report = await readReport(deps, name, { from, to });
    if (section && !report.sections.some((s) => s.id === section))
      throw new InvalidInputError('unknown_section', `The ${name} report has no section ${section}`, [
        { path: 'section', message: `must be one of ${report.sections.map((s) => s.id).join(', ')}` },
      ]);
    if (format === 'csv')
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${reportFileName(report, lang, section)}"` },
        body: reportCsv(report, lang, section),
      };
    return ok(section ? { ...report, sections: report.sections.filter((s) => s.id === section) } : report);
  });
