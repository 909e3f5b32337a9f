/**
 * The console's report pages without a browser: who may open which report, the default range, how a
 * section becomes a chart (suppressed cells never drawn as numbers) and table cells, and the build
 * that keeps Chart.js and the report pages out of the console's first load.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../../../scripts/build-console';
import { translator } from '../../../shared/console/i18n';
import { PAGES } from '../../../shared/console/pages';
import { reportWords } from '../../../shared/console/pages/report-words';
import { cellText, rangeOf, sectionChart } from '../../../shared/console/pages/reports';
import { lastSevenBangkokDays, REPORTS } from '../../../shared/console/report-pages';
import { SUPPRESSED, type ReportSection } from '../../../shared/schemas/reports';

const report = (name: string) => REPORTS.find((r) => r.name === name)!;
const en = { t: translator('en'), w: reportWords('en') };
const th = { t: translator('th'), w: reportWords('th') };

describe('report pages', () => {
  it('gives staff the site reports and the DPO alone consent and requests, each page at the API path its role may call', () => {
    expect(REPORTS.map((r) => [r.name, r.role, r.apiPath, r.pagePath])).toEqual([
      ['traffic', 'staff', '/v1/reports/traffic', '/reports/traffic'],
      ['searches', 'staff', '/v1/reports/searches', '/reports/searches'],
      ['technology', 'staff', '/v1/reports/technology', '/reports/technology'],
      ['consent', 'dpo', '/v1/admin/reports/consent', '/reports/consent'],
      ['requests', 'dpo', '/v1/admin/reports/requests', '/reports/requests'],
    ]);
    // The registry gates each page by the same role, and lists one navigation entry per role, marked current on that role's other reports too.
    for (const r of REPORTS) expect(PAGES.find((p) => p.path === r.pagePath)?.role).toBe(r.role);
    expect(PAGES.filter((p) => p.path.startsWith('/reports/') && p.nav).map((p) => [p.path, p.role, p.nav, p.navAlso])).toEqual([
      ['/reports/traffic', 'staff', 'navReports', ['/reports/searches', '/reports/technology']],
      ['/reports/consent', 'dpo', 'navComplianceReports', ['/reports/requests']],
    ]);
  });

  it('defaults to the last seven Bangkok days, today included, even when the UTC day is still the day before', () => {
    // 18:00 UTC on 26 November is 01:00 on 27 November in Bangkok.
    expect(lastSevenBangkokDays(Date.parse('2026-11-26T18:00:00Z'))).toEqual({ from: '2026-11-21', to: '2026-11-27' });
    expect(lastSevenBangkokDays(Date.parse('2026-11-26T16:59:59Z'))).toEqual({ from: '2026-11-20', to: '2026-11-26' });
  });
});

describe('the range in the address', () => {
  it('keeps a real range, and shows the default week with the reason when the address names a day that does not exist, a backwards or a too long range', () => {
    expect(rangeOf({ from: '2026-11-01', to: '2026-11-07' }, en.w)).toEqual({ from: '2026-11-01', to: '2026-11-07' });
    const week = lastSevenBangkokDays();
    expect(rangeOf({ from: '2026-02-31', to: '2026-03-02' }, en.w)).toEqual({ ...week, problem: 'Choose a real day in both fields' });
    expect(rangeOf({ from: '2026-11-07', to: '2026-11-01' }, en.w).problem).toBe('The first day must not be after the last day');
    expect(rangeOf({ from: '2024-01-01', to: '2026-01-01' }, th.w).problem).toBe('รายงานหนึ่งครอบคลุมได้ไม่เกิน 366 วัน');
    expect(rangeOf({}, en.w)).toEqual(week);
  });
});

describe('a report section as chart and table', () => {
  const daily: ReportSection = {
    id: 'daily',
    chart: 'line',
    columns: [
      { key: 'day', kind: 'day' },
      { key: 'pageViews', kind: 'count' },
      { key: 'visitors', kind: 'count' },
      { key: 'sessions', kind: 'count' },
    ],
    rows: [
      { day: '2026-11-20', pageViews: 1200, visitors: 300, sessions: 400 },
      { day: '2026-11-21', pageViews: SUPPRESSED, visitors: SUPPRESSED, sessions: SUPPRESSED },
    ],
  };

  it('draws a suppressed cell as a gap marked "< 5", never as a number, and says so in the chart\u2019s summary', () => {
    const chart = sectionChart(report('traffic'), daily, 'en', en.t, en.w)!;
    expect(chart.spec.kind).toBe('line');
    expect(chart.spec.labels).toEqual(['20 November 2026', '21 November 2026']);
    expect(chart.spec.series).toEqual([
      { label: 'Page views', values: [1200, null] },
      { label: 'Visitors', values: [300, null] },
      { label: 'Sessions', values: [400, null] },
    ]);
    expect(chart.spec.suppressedAt).toEqual([false, true]);
    expect(chart.spec.suppressedMark).toBe('< 5');
    expect(chart.summary).toBe(
      'Line chart of Page views, Visitors, Sessions by Day, 2 rows. Page views highest 1,200 (20 November 2026). ' +
        'Visitors highest 300 (20 November 2026). Sessions highest 400 (20 November 2026). 3 values under 5 are not drawn as numbers (the chart writes "< 5").',
    );
  });

  it('labels the chart in Thai with Buddhist-era days', () => {
    const chart = sectionChart(report('traffic'), daily, 'th', th.t, th.w)!;
    expect(chart.spec.labels[0]).toBe('20 พฤศจิกายน 2569');
    expect(chart.spec.series.map((s) => s.label)).toEqual(['จำนวนการเปิดหน้า', 'ผู้เยี่ยมชม', 'การเข้าชม']);
    expect(chart.summary.startsWith('กราฟเส้นแสดงจำนวนการเปิดหน้า')).toBe(true);
  });

  it('draws a bar chart of the counts only (not times in ms beside them), at most 10 rows, and says the table has the rest', () => {
    const pages: ReportSection = {
      id: 'pages',
      chart: 'bar',
      columns: [
        { key: 'path', kind: 'label' },
        { key: 'pageViews', kind: 'count' },
        { key: 'visitors', kind: 'count' },
        { key: 'medianMs', kind: 'ms' },
      ],
      rows: Array.from({ length: 12 }, (_, i) => ({ path: `/p${i}`, pageViews: 100 - i, visitors: 50 - i, medianMs: 3000 })),
    };
    const chart = sectionChart(report('traffic'), pages, 'en', en.t, en.w)!;
    expect(chart.spec.series.map((s) => s.label)).toEqual(['Page views', 'Visitors']);
    expect(chart.spec.labels).toHaveLength(10);
    expect(chart.summary).toContain('The chart shows the first 10 rows; the table shows all.');
  });

  it('draws no chart for a table-only or an empty section', () => {
    expect(sectionChart(report('traffic'), { ...daily, chart: 'none' }, 'en', en.t, en.w)).toBeUndefined();
    expect(sectionChart(report('traffic'), { ...daily, rows: [] }, 'en', en.t, en.w)).toBeUndefined();
  });

  it('shows cells as words and formatted numbers, keeping "< 5" as it is', () => {
    expect(cellText({ key: 'visitors', kind: 'count' }, SUPPRESSED, 'en', en.t)).toBe('< 5');
    expect(cellText({ key: 'pageViews', kind: 'count' }, 12345, 'en', en.t)).toBe('12,345');
    expect(cellText({ key: 'grantedShare', kind: 'share' }, 0.625, 'en', en.t)).toBe('62.5%');
    expect(cellText({ key: 'medianDays', kind: 'days' }, null, 'en', en.t)).toBe('—');
    expect(cellText({ key: 'day', kind: 'day' }, '2026-11-20', 'th', th.t)).toBe('20 พฤศจิกายน 2569');
    expect(cellText({ key: 'category', kind: 'label' }, 'analytics', 'en', en.t)).toBe('Analytics');
    expect(cellText({ key: 'channel', kind: 'label' }, 'email', 'en', en.t)).toBe('Mail');
    expect(cellText({ key: 'name', kind: 'label' }, 'other', 'th', th.t)).toBe('อื่น ๆ');
    expect(cellText({ key: 'path', kind: 'label' }, '/demo/', 'en', en.t)).toBe('/demo/');
  });
});

describe('console build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'console-build-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps Chart.js and the report pages out of the first load: a chunk of their own, loaded on first use; the page preloads what the entry imports', () => {
    const built = buildConsole(dir);
    const read = (file: string) => readFileSync(join(dir, file), 'utf8');
    const reports = built.lazy.filter((f) => /^reports-[A-Z0-9]{8}\.js$/.test(f));
    expect(reports).toHaveLength(1);
    // Chart.js carries its version; the labels carry the reports' Thai titles.
    expect(read(reports[0]!)).toContain('"4.6.1"');
    expect(read(reports[0]!)).toContain('การเข้าชมเว็บไซต์');
    for (const file of [built.js, ...built.preload]) {
      expect(read(file)).not.toContain('"4.6.1"');
      expect(read(file)).not.toContain('การเข้าชมเว็บไซต์');
    }
    const html = read('index.html');
    for (const file of built.preload) expect(html).toContain(`<link rel="modulepreload" href="${file}" />`);
    expect(html).not.toContain(reports[0]);
  });
});
