/** GET /v1/admin/reports/{report} (DPO): consent or requests for a range of Bangkok days, JSON or CSV. */
import { systemClock } from '../../shared/adapters/clock';
import { requestStore } from '../../shared/adapters/wiring/request-store';
import { reportStore, topSearchQueries } from '../../shared/adapters/wiring/reports';
import { makeReportHandler, type ReportRouteDeps } from '../../shared/http/report-answer';
import { getComplianceReportRoute } from '../../shared/routes';
import { COMPLIANCE_REPORTS } from '../../shared/schemas/reports';

export const makeHandler = (deps: ReportRouteDeps) =>
  makeReportHandler({ request: getComplianceReportRoute.request, auth: getComplianceReportRoute.auth }, COMPLIANCE_REPORTS, deps);

export const handler = makeHandler({ store: reportStore(), clock: systemClock, topSearchQueries: topSearchQueries(), requests: requestStore() });
