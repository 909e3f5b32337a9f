/// <reference lib="dom" />
/**
 * The report pages (issue 12; policy 1.2: visit data is collected to improve the site): one page per
 * report at /console/reports/<name>?from=YYYY-MM-DD&to=YYYY-MM-DD, so a link shows the same days to
 * whoever opens it. This module (with Chart.js and the labels) is a chunk of its own, loaded when a
 * report is first opened. Each section of the API's answer is a chart, its data table right under it
 * and a CSV download of that section; suppressed cells stay "< 5" in the table and are gaps marked
 * "< 5" in the chart, never a number. Titles, columns and notes come from shared/reports/labels.ts,
 * the same labels the CSV uses.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { COMMON_LABELS, columnLabel, NOTE_LABELS, REPORT_LABELS, sectionTitle } from '../../reports/labels';
import { checkReportRange } from '../../domain/reports/range';
import { MAX_REPORT_DAYS, type Report, type ReportColumn, type ReportSection, type ReportValue, SUPPRESSED } from '../../schemas/reports';
import { ErrorNote, Loading, PageTitle, useLoad } from '../components';
import { useServices } from '../context';
import { date, dateTime } from '../format';
import { type Lang, type Translate, typeLabel, word } from '../i18n';
import { href } from '../pages-base';
import { type ConsoleReport, lastSevenBangkokDays, REPORTS } from '../report-pages';
import { allows } from '../session';
import { type ChartSpec, drawChart } from './report-chart';
import { type ReportWords, useReportWords } from './report-words';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Bars beyond this many make a chart unreadable; the table below it still lists every row. */
const MAX_BARS = 10;
const NUMBER_LOCALE: Record<Lang, string> = { th: 'th-TH', en: 'en-GB' };

const pageLink = (report: ConsoleReport, from: string, to: string) => `${href(report.pagePath)}?from=${from}&to=${to}`;

/** A cell as the table shows it: "< 5" as it is, days with the console's formatter (Buddhist era in Thai), labels in words. */
export function cellText(column: ReportColumn, value: ReportValue, lang: Lang, t: Translate): string {
  if (value === null) return '—';
  if (value === SUPPRESSED) return SUPPRESSED;
  if (typeof value === 'number') {
    const locale = NUMBER_LOCALE[lang];
    if (column.kind === 'share') return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
    if (column.kind === 'days') return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value);
    return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
  }
  if (column.kind === 'day' && DAY.test(value)) return date(value, lang);
  if (value === 'other' || value === 'unknown') return COMMON_LABELS[value][lang];
  if (column.key === 'type') return typeLabel(value, lang);
  if (column.key === 'channel') return word(t, `channel_${value}`, value);
  if (column.key === 'category') return word(t, `cat_${value}`, value);
  return value;
}

/** Which columns a section's chart draws: its counts (one scale), else the first kind of number it has. */
function seriesColumns(section: ReportSection): ReportColumn[] {
  const numeric = section.columns.slice(1).filter((c) => c.kind !== 'label' && c.kind !== 'day');
  const counts = numeric.filter((c) => c.kind === 'count');
  return counts.length ? counts : numeric.filter((c) => c.kind === numeric[0]?.kind);
}

export interface SectionChart {
  spec: ChartSpec;
  /** The chart in words, for the canvas's accessible name (the table carries every number). */
  summary: string;
}

export function sectionChart(report: ConsoleReport, section: ReportSection, lang: Lang, t: Translate, w: ReportWords): SectionChart | undefined {
  if (section.chart === 'none' || section.rows.length === 0) return undefined;
  const axis = section.columns[0];
  const columns = seriesColumns(section);
  if (!axis || columns.length === 0) return undefined;
  const rows = section.chart === 'bar' ? section.rows.slice(0, MAX_BARS) : section.rows;
  const labels = rows.map((row) => cellText(axis, row[axis.key] ?? null, lang, t));
  const series = columns.map((c) => ({
    label: columnLabel(report.name, section.id, c.key, lang),
    // A suppressed or missing value is a gap: never drawn as a number.
    values: rows.map((row) => (typeof row[c.key] === 'number' ? (row[c.key] as number) : null)),
  }));
  const spec: ChartSpec = {
    kind: section.chart,
    labels,
    series,
    locale: NUMBER_LOCALE[lang],
    integers: columns.every((c) => c.kind === 'count'),
    suppressedAt: rows.map((row) => columns.some((c) => row[c.key] === SUPPRESSED)),
    suppressedMark: SUPPRESSED,
  };
  const seriesNames = series.map((s) => s.label).join(', ');
  const parts = [
    w('chartSummary', {
      kind: w(`chart_${section.chart}`),
      series: seriesNames,
      axis: columnLabel(report.name, section.id, axis.key, lang),
      n: rows.length,
    }),
  ];
  const numbers = new Intl.NumberFormat(NUMBER_LOCALE[lang]);
  for (const s of series) {
    const peak = s.values.reduce<number>((best, v, i) => (v !== null && (best < 0 || v > s.values[best]!) ? i : best), -1);
    if (peak >= 0) parts.push(w('chartPeak', { series: s.label, value: numbers.format(s.values[peak]!), at: labels[peak]! }));
  }
  const suppressed = rows.reduce((n, row) => n + columns.filter((c) => row[c.key] === SUPPRESSED).length, 0);
  if (suppressed) parts.push(w('chartSuppressed', { n: suppressed }));
  if (rows.length < section.rows.length) parts.push(w('chartTopRows', { n: rows.length }));
  // Thai separates sentences with a space, English with a full stop.
  return { spec, summary: lang === 'th' ? parts.join(' ') : `${parts.join('. ')}.` };
}

/** A bar chart's height from its rows and series, so one row is not one giant bar (set through the CSSOM, which the CSP allows). */
const barChartRem = (spec: ChartSpec) => Math.min(24, 6 + spec.labels.length * (1.2 * spec.series.length + 0.8));

/** The canvas with the chart; its accessible name says what the chart shows (the table beside it has every number). */
function ReportChart({ chart }: { chart: SectionChart }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => (canvas.current ? drawChart(canvas.current, chart.spec) : undefined), [chart]);
  return (
    <div class="chart" style={chart.spec.kind === 'bar' ? { height: `${barChartRem(chart.spec)}rem` } : undefined}>
      <canvas ref={canvas} role="img" aria-label={chart.summary} />
    </div>
  );
}

function Section({ report, section, from, to }: { report: ConsoleReport; section: ReportSection; from: string; to: string }) {
  const { lang, t, w } = useReportWords();
  const { api } = useServices();
  const [error, setError] = useState<unknown>();
  const chart = useMemo(() => sectionChart(report, section, lang, t, w), [report, section, lang]);
  const title = sectionTitle(report.name, section.id, lang);
  const headingId = `section-${section.id}`;
  const download = async () => {
    try {
      await api.download(report.apiPath, { from, to, format: 'csv', section: section.id, lang }, `${report.name}-${section.id}-${from}-${to}-${lang}.csv`);
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="report-section" aria-labelledby={headingId} data-testid={`section-${section.id}`}>
      <h2 id={headingId}>{title}</h2>
      {section.note ? <p class="note">{NOTE_LABELS[section.note]?.[lang] ?? section.note}</p> : null}
      {section.rows.length === 0 ? (
        <p>{w('reportEmpty')}</p>
      ) : (
        <>
          {chart ? <ReportChart chart={chart} /> : null}
          <table class="report-table">
            <caption>{w('reportTableOf', { title })}</caption>
            <thead>
              <tr>
                {section.columns.map((c) => (
                  <th key={c.key} scope="col" class={c.kind === 'label' || c.kind === 'day' ? undefined : 'num'}>
                    {columnLabel(report.name, section.id, c.key, lang)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {section.rows.map((row, i) => (
                <tr key={i}>
                  {section.columns.map((c, j) =>
                    j === 0 ? (
                      <th key={c.key} scope="row">
                        {cellText(c, row[c.key] ?? null, lang, t)}
                      </th>
                    ) : (
                      <td key={c.key} class={c.kind === 'label' || c.kind === 'day' ? undefined : 'num'}>
                        {cellText(c, row[c.key] ?? null, lang, t)}
                      </td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <p class="no-print">
        {/* Its section in the name: every section has one of these buttons. */}
        <button type="button" onClick={download} aria-label={`${t('downloadCsv')}: ${title}`}>
          {t('downloadCsv')}
        </button>
      </p>
      <ErrorNote error={error} />
    </section>
  );
}

/** Why a range is refused, in the reader's words; the rules are the report routes' own (checkReportRange). */
function rangeProblem(range: { from: string; to: string }, w: ReportWords): string | undefined {
  try {
    checkReportRange(range);
    return undefined;
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === 'range_too_long' ? w('reportTooLong', { n: MAX_REPORT_DAYS }) : code === 'invalid_day' ? w('reportNoSuchDay') : w('reportBadRange');
  }
}

/** Days as asked in the address, or the last seven Bangkok days when absent, with why the address's were refused. */
export function rangeOf(query: Record<string, string>, w: ReportWords): { from: string; to: string; problem?: string } {
  const fallback = lastSevenBangkokDays();
  const asked = { from: query.from ?? fallback.from, to: query.to ?? fallback.to };
  const problem = rangeProblem(asked, w);
  return problem ? { ...fallback, problem } : asked;
}

function ReportView({ report }: { report: ConsoleReport }) {
  const { lang, w } = useReportWords();
  const { api, person } = useServices();
  const { query, route } = useLocation();
  const { from, to, problem } = rangeOf(query, w);
  const [draft, setDraft] = useState({ from, to });
  const [rangeError, setRangeError] = useState(problem ?? '');
  useEffect(() => setDraft({ from, to }), [from, to]);
  useEffect(() => setRangeError(problem ?? ''), [problem]);
  const loaded = useLoad<Report>(() => api.report(report, { from, to }), [report.apiPath, from, to]);
  const labels = REPORT_LABELS[report.name];

  const show = (e: Event) => {
    e.preventDefault();
    const refused = rangeProblem(draft, w);
    if (refused) return setRangeError(refused);
    setRangeError('');
    route(pageLink(report, draft.from, draft.to));
  };

  return (
    <section class="report">
      <PageTitle>
        {w('reportsTitle')}: {labels.title[lang]}
      </PageTitle>
      <nav aria-label={w('reportTabs')} class="tabs no-print">
        <ul>
          {REPORTS.filter((r) => allows(person?.role, r.role)).map((r) => (
            <li key={r.name}>
              <a href={pageLink(r, from, to)} aria-current={r.name === report.name ? 'page' : undefined}>
                {REPORT_LABELS[r.name].title[lang]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <form class="inline no-print" onSubmit={show} noValidate>
        <fieldset>
          <legend>{w('reportRange')}</legend>
          <label for="report-from">{COMMON_LABELS.from[lang]}</label>{' '}
          <input
            id="report-from"
            type="date"
            value={draft.from}
            max={draft.to}
            aria-describedby={rangeError ? 'report-range-error' : undefined}
            onInput={(e) => setDraft((d) => ({ ...d, from: (e.currentTarget as HTMLInputElement).value }))}
          />{' '}
          <label for="report-to">{COMMON_LABELS.to[lang]}</label>{' '}
          <input
            id="report-to"
            type="date"
            value={draft.to}
            min={draft.from}
            aria-describedby={rangeError ? 'report-range-error' : undefined}
            onInput={(e) => setDraft((d) => ({ ...d, to: (e.currentTarget as HTMLInputElement).value }))}
          />
        </fieldset>
        <button type="submit">{w('reportShow')}</button>
        <button type="button" onClick={() => window.print()}>
          {w('reportPrint')}
        </button>
      </form>
      {rangeError ? (
        <p class="error" role="alert" id="report-range-error">
          {rangeError}
        </p>
      ) : null}
      <p data-testid="report-range">{w('reportRangeShown', { from: date(from, lang), to: date(to, lang) })}</p>
      <p class="note">{labels.description[lang]}</p>
      <ErrorNote error={loaded.error} />
      {loaded.data ? (
        <>
          {loaded.data.sections.map((section) => (
            <Section key={section.id} report={report} section={section} from={from} to={to} />
          ))}
          <p class="note">{w('reportGeneratedAt', { at: dateTime(loaded.data.generatedAt, lang) })}</p>
        </>
      ) : loaded.error ? null : (
        <Loading />
      )}
    </section>
  );
}

/** Every report's page (the registry gates each by its own role): which report, from the address. */
export function ReportPage() {
  const { path } = useLocation();
  const report = REPORTS.find((r) => path === href(r.pagePath));
  return report ? <ReportView key={report.name} report={report} /> : null;
}
