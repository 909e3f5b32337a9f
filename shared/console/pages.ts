/**
 * The console's page registry: every page once, with its path, who may open it and its place in the
 * navigation. The router, the navigation and the role gate are all built from this list, so a new
 * page is one entry here and its component in pages/.
 */
import type { ComponentType } from 'preact';
import { lazy } from 'preact-iso';
import type { Key } from './i18n';
import { BreachesPage, BreachPage } from './pages/breaches';
import { DisclosuresPage } from './pages/disclosures';
import { MemberPage, MembersPage } from './pages/member';
import { MfaPage } from './pages/mfa';
import { PartnerChecksPage } from './pages/partners';
import { PoliciesPage } from './pages/policies';
import { ProcessingRecordPage } from './pages/processing-record';
import { ProcessorsPage } from './pages/processors';
import { QueuePage } from './pages/queue';
import { RequestPage } from './pages/request';
import { UnsubscribePage } from './pages/unsubscribe';
import { type ConsoleReport, REPORTS } from './report-pages';
import type { Role } from './session';

export { BASE, href } from './pages-base';

/**
 * The report pages with their charts (Chart.js) and labels load on first use, as a chunk of their own
 * (esbuild splits at this dynamic import): the console's first load does not carry them.
 */
const ReportPage = lazy(() => import('./pages/reports').then((m) => m.ReportPage));

export interface ConsolePage {
  /** preact-iso path pattern under BASE, e.g. `/requests/:id`. */
  path: string;
  component: ComponentType<{ params: Record<string, string> }>;
  /** The least role that may open it (the API enforces the same on its routes). */
  role: Role;
  /** Shown in the navigation under this label; pages without one are reached by links. */
  nav?: Key;
  /** Other pages this navigation entry stands for (its tabs): the entry is marked current on them too. */
  navAlso?: string[];
}

/** The report pages' navigation: one entry per role, on its first report, standing for the role's other reports (its tabs). */
const REPORT_NAV: Record<Role, Key> = { staff: 'navReports', dpo: 'navComplianceReports' };
const reportNav = (report: ConsoleReport) => {
  const ofRole = REPORTS.filter((r) => r.role === report.role);
  return report === ofRole[0] ? { nav: REPORT_NAV[report.role], navAlso: ofRole.slice(1).map((r) => r.pagePath) } : {};
};

export const PAGES: ConsolePage[] = [
  { path: '/queue', component: QueuePage, role: 'staff', nav: 'navQueue' },
  { path: '/requests/:id', component: RequestPage, role: 'staff' },
  { path: '/members', component: MembersPage, role: 'staff', nav: 'navMembers' },
  { path: '/members/:id', component: MemberPage, role: 'staff' },
  { path: '/unsubscribe', component: UnsubscribePage, role: 'staff', nav: 'navUnsubscribe' },
  // One page per report, gated by the report's own role; the first of each kind is in the navigation, the rest are its tabs.
  ...REPORTS.map((report) => ({
    path: report.pagePath,
    component: ReportPage,
    role: report.role,
    ...reportNav(report),
  })),
  { path: '/registers/disclosures', component: DisclosuresPage, role: 'dpo', nav: 'navDisclosures' },
  { path: '/registers/partners', component: PartnerChecksPage, role: 'dpo', nav: 'navPartners' },
  { path: '/registers/policies', component: PoliciesPage, role: 'dpo', nav: 'navPolicies' },
  { path: '/account/mfa', component: MfaPage, role: 'staff', nav: 'navMfa' },
  { path: '/registers/processors', component: ProcessorsPage, role: 'dpo', nav: 'navProcessors' },
  { path: '/registers/breaches', component: BreachesPage, role: 'dpo', nav: 'navBreaches' },
  { path: '/registers/breaches/:id', component: BreachPage, role: 'dpo' },
  { path: '/registers/processing-record', component: ProcessingRecordPage, role: 'dpo', nav: 'navProcessingRecord' },
];
