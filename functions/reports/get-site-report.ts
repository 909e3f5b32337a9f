/** GET /v1/reports/{report} (staff): traffic, searches or technology for a range of Bangkok days, JSON or CSV. */
import { systemClock } from '../../shared/adapters/clock';
import { reportStore, topSearchQueries } from '../../shared/adapters/wiring/reports';
import { makeReportHandler, type ReportRouteDeps } from '../../shared/http/report-answer';
import { getSiteReportRoute } from '../../shared/routes';
import { SITE_REPORTS } from '../../shared/schemas/reports';

export const makeHandler = (deps: ReportRouteDeps) =>
  makeReportHandler({ request: getSiteReportRoute.request, auth: getSiteReportRoute.auth }, SITE_REPORTS, deps);

export const handler = makeHandler({ store: reportStore(), clock: systemClock, topSearchQueries: topSearchQueries() });
