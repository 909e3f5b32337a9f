import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, localConsole, openConsoleAs } from '../helpers/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, stageFromCdkJson } from '../../infra/stage-config';
import { buildConsole } from '../../scripts/build-console';
import { serveDemo } from '../../scripts/lib/demo';
import { startLocalServer } from '../../scripts/lib/local-server';
import { type LocalWorkers, startLocalWorkers } from '../../scripts/lib/local-workers';
import { bangkokDay } from '../../shared/domain/reports/aggregate';
import { REPORT_THRESHOLD, type Report } from '../../shared/schemas/reports';
import { WORKERS } from '../../shared/workers';
import { staffHeaders, type StaffRole } from '../helpers/staff-auth';

const SHOTS = join(REPO_ROOT, 'test-results');
/** Playwright's wait for an element, a navigation or a download: generous for a loaded 2-core machine. */
const UI_TIMEOUT_MS = 60_000;
/** How long the report API may take to show what the visitors did (the worker's run, on a loaded machine). */
const REPORT_COUNTS_TIMEOUT_MS = 90_000;
/** Enough distinct visitors that their counts are shown as numbers, not suppressed. */
const VISITORS = REPORT_THRESHOLD;

const settings = stageFromCdkJson('local');
const buildDir = mkdtempSync(join(tmpdir(), 'console-reports-'));
let server: Awaited<ReturnType<typeof startLocalServer>>;
let browser: Browser;
let workers: LocalWorkers | undefined;
const contexts: BrowserContext[] = [];
/** The Bangkok day the visits fall on, and how many visitors the report API counted on it. */
let visitDay = bangkokDay(new Date());
let countedVisitors: number | undefined;

async function newContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  contexts.push(context);
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  return context;
}

/** A visitor of the demo shop who accepts all cookies, searches, opens a product and leaves the site (which sends what the kit holds). */
async function browseWithAnalytics(): Promise<void> {
  const context = await newContext({ locale: 'th-TH' });
  const page = await context.newPage();
  await page.goto(`${server.url}/demo/`);
  const consent = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/consents' && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'ยอมรับทั้งหมด' }).click();
  expect((await consent).status()).toBe(201);
  await page.getByLabel('ค้นหาสินค้า').fill('tea');
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'ชาเขียวมัทฉะ' }).click();
  await page.waitForURL('**/demo/product.html');
  await page.waitForLoadState('load');
  // Another site: the tab leaves the shop, so the kit sends what it holds as the page unloads.
  await page.goto(`${server.url.replace('127.0.0.1', 'localhost')}/v1/health`);
}

/** The report as the API answers it to the DPO. */
async function reportOf(name: 'traffic', from: string, to: string): Promise<Report> {
  const res = await fetch(`${server.url}/v1/reports/${name}?from=${from}&to=${to}`, { headers: await staffHeaders('dpo') });
  expect(res.status).toBe(200);
  return (await res.json()) as Report;
}
const dailyRowOf = (report: Report, day: string) => report.sections.find((s) => s.id === 'daily')?.rows.find((r) => r.day === day);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  buildConsole(buildDir);
  const serveConsole = localConsole(buildDir, settings);
  server = await startLocalServer({ settings, port: 0, extra: async (req, res, url) => (await serveConsole(req, res, url)) || serveDemo(req, res, url) });
  // The report worker on the tables' streams, as `npm start` runs it (the local poller stands in for the event source mapping).
  workers = startLocalWorkers({ workers: WORKERS.filter((w) => w.id === 'aggregateReports') });
  browser = await launchChromium();
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await workers?.stop();
  await server?.close();
  rmSync(buildDir, { recursive: true, force: true });
});

/**
 * A tab signed in as the demo person of this role: their real ID token put where the console keeps a
 * session (sign-in itself is covered by the console's own tests). The CSP is bypassed only so that
 * axe can be injected as an inline script, which the console's CSP rightly forbids.
 */
async function signedIn(role: StaffRole, path: string, options: { csp?: 'enforced' } = {}): Promise<Page> {
  const context = await newContext({
    bypassCSP: options.csp !== 'enforced',
    locale: 'en-GB',
    acceptDownloads: true,
    viewport: { width: 1280, height: 1000 },
  });
  return openConsoleAs(context, server.url, role, path);
}

/** Presses Tab until the focused element is `target` (at most `max` presses); fails if it never is. */
async function tabTo(page: Page, target: ReturnType<Page['locator']>, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${target}`);
}

/** A CSV's rows as cells (no quoted commas in a daily report: days and numbers). */
const csvRows = (text: string) =>
  text
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r\n/)
    .map((line) => line.split(','));

describe('the console\u2019s report pages', () => {
  // First: the data every later test reads.
  it('counts the demo shop\u2019s visitors who accepted analytics in the traffic report, once the worker has run', async () => {
    // Browsing across Bangkok midnight would split the visitors over two days (each under 5, so
    // suppressed): then they browse again, all on the new day.
    let rounds = 0;
    do {
      visitDay = bangkokDay(new Date());
      rounds++;
      for (let i = 0; i < VISITORS; i++) await browseWithAnalytics();
    } while (bangkokDay(new Date()) !== visitDay);
    // The proof that the worker has counted every visitor: the report API shows them (no fixed wait).
    const visitors = async () => {
      const value = dailyRowOf(await reportOf('traffic', visitDay, visitDay), visitDay)?.visitors;
      return typeof value === 'number' ? value : 0;
    };
    await expect.poll(visitors, { timeout: REPORT_COUNTS_TIMEOUT_MS }).toBeGreaterThanOrEqual(VISITORS);
    countedVisitors = await visitors();
    // Exactly the five, unless some of a first round fell on this day too.
    if (rounds === 1) expect(countedVisitors).toBe(VISITORS);
  });

  it('lets the DPO open the traffic report by keyboard, see charts and tables, download the daily CSV with the table\u2019s numbers, and put a range into the address', async () => {
    const page = await signedIn('dpo', '/queue');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await tabTo(page, page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Site reports' }));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Reports: Traffic' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/reports/traffic');

    // The range: the last seven Bangkok days, ending today, shown with the console's date formatter.
    const daily = page.getByTestId('section-daily');
    const table = daily.getByRole('table', { name: 'Table: Daily traffic' });
    await table.waitFor();
    const canvas = daily.locator('canvas[role="img"]');
    expect(await canvas.count()).toBe(1);
    expect(await canvas.getAttribute('aria-label')).toMatch(/^Line chart of Page views, Visitors, Sessions by Day/);
    const pagesCanvas = page.getByTestId('section-pages').locator('canvas[role="img"]');
    expect(await pagesCanvas.getAttribute('aria-label')).toMatch(/^Bar chart of Page views, Visitors by Page/);

    const headers = await table.locator('thead th').allTextContents();
    expect(headers).toEqual(['Day', 'Page views', 'Visitors', 'Sessions']);
    const shownRows = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent ?? '')));
    const visitDayShown = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Bangkok', dateStyle: 'long' }).format(new Date(`${visitDay}T00:00:00Z`));
    expect(shownRows.find((r) => r[0] === visitDayShown)?.[2]).toBe(String(countedVisitors));

    // Download CSV of the daily section, by keyboard: the API's CSV, whose numbers are the table's.
    const button = daily.getByRole('button', { name: 'Download CSV: Daily traffic' });
    await tabTo(page, button);
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [csvHeader, ...csvBody] = csvRows(bytes.toString('utf8'));
    expect(csvHeader).toEqual(['Day', 'Page views', 'Visitors', 'Sessions']);
    expect(csvBody.length).toBe(shownRows.length);
    csvBody.forEach((cells, i) => {
      // Numbers as the table shows them (digit grouping aside), "< 5" as it is.
      expect(cells.slice(1)).toEqual(shownRows[i]!.slice(1).map((c) => c.replace(/,/g, '')));
    });
    expect(csvBody.find((r) => r[0] === visitDay)?.[2]).toBe(String(countedVisitors));

    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'console-report-traffic.png'), fullPage: true });

    // A backwards range is refused in the form, before any call; a good one goes into the address
    // (a link to share) and the report follows it.
    const from = page.getByLabel('From', { exact: true });
    const to = page.getByLabel('To', { exact: true });
    await from.fill(visitDay);
    await to.fill('2020-01-01');
    await page.getByRole('button', { name: 'Show report' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('The first day must not be after the last day');
    expect(new URL(page.url()).search).toBe('');
    await to.fill(visitDay);
    await page.getByRole('button', { name: 'Show report' }).click();
    await page.waitForURL(`**/console/reports/traffic?from=${visitDay}&to=${visitDay}`);
    await table.locator('tbody tr').nth(1).waitFor({ state: 'detached' });
    const oneDay = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent ?? '')));
    expect(oneDay.map((r) => [r[0], r[2]])).toEqual([[visitDayShown, String(countedVisitors)]]);
  });

  it('loads Chart.js only when a report is opened, and draws under the console\u2019s strict CSP without a violation', async () => {
    const scripts: string[] = [];
    const page = await signedIn('staff', '/queue', { csp: 'enforced' });
    page.on('request', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
    await page.addInitScript(() => {
      (window as unknown as { cspViolations: string[] }).cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { cspViolations: string[] }).cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    await page.reload();
    await page.getByRole('navigation', { name: 'Main menu' }).waitFor();
    expect(scripts.filter((p) => /\/reports-[A-Z0-9]{8}\.js$/.test(p))).toEqual([]);

    await page.getByRole('link', { name: 'Site reports' }).click();
    await page.getByTestId('section-daily').locator('canvas[role="img"]').waitFor();
    expect(scripts.filter((p) => /\/reports-[A-Z0-9]{8}\.js$/.test(p))).toHaveLength(1);
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  });

  it('has no WCAG 2.2 AA violation on any report page the DPO opens', async () => {
    for (const name of ['traffic', 'searches', 'technology', 'consent', 'requests']) {
      const page = await signedIn('dpo', `/reports/${name}?from=${visitDay}&to=${visitDay}`);
      await page.locator('.report-section').first().waitFor();
      expect(await page.getByRole('alert').count()).toBe(0);
      expect({ name, violations: await axeViolations(page) }).toEqual({ name, violations: [] });
      await page.context().close();
    }
  });

  it('shows staff the site reports but neither the consent nor the requests report, nor links or tabs to them', async () => {
    const page = await signedIn('staff', '/reports/searches');
    await page.getByRole('heading', { level: 1, name: 'Reports: Searches' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main menu' });
    // The one entry for the site reports stands for each of them (marked current on its tabs too).
    expect(await nav.getByRole('link', { name: 'Site reports' }).getAttribute('aria-current')).toBe('page');
    expect(await nav.getByRole('link', { name: 'Compliance reports' }).count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Reports' }).getByRole('link').allTextContents()).toEqual(['Traffic', 'Searches', 'Technology']);

    for (const name of ['consent', 'requests']) {
      await page.goto(`${server.url}/console/reports/${name}`);
      await page.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();
      expect(await page.getByRole('alert').textContent()).toContain('data protection officer');
      expect(await page.locator('.report-section').count()).toBe(0);
    }
  });
});
