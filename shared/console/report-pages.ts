/**
 * Which reports the console shows, who may open each and where the API serves it: site reports
 * (`/v1/reports/...`) for staff, compliance reports (`/v1/admin/reports/...`) for the DPO only, as the
 * report routes require. The page registry, the report tabs and the API client all read this list.
 */
import { COMPLIANCE_REPORTS, type ReportName, SITE_REPORTS } from '../schemas/reports';
import type { Role } from './session';

export interface ConsoleReport {
  name: ReportName;
  role: Role;
  /** The API path of its JSON and CSV. */
  apiPath: string;
  /** Its page under the console's base. */
  pagePath: string;
}

export const REPORTS: ConsoleReport[] = [
  ...SITE_REPORTS.map((name) => ({ name, role: 'staff' as const, apiPath: `/v1/reports/${name}`, pagePath: `/reports/${name}` })),
  ...COMPLIANCE_REPORTS.map((name) => ({ name, role: 'dpo' as const, apiPath: `/v1/admin/reports/${name}`, pagePath: `/reports/${name}` })),
];

/** Today and the six days before it, as Bangkok days (UTC+7 all year, no daylight saving). */
export function lastSevenBangkokDays(now: number = Date.now()): { from: string; to: string } {
  const day = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10);
  return { from: day(now - 6 * 86_400_000), to: day(now) };
}
