/**
 * From day counts to the report sections the routes send (shared/schemas/reports.ts): rows over the
 * asked range, small counts suppressed. Distinct visitors are counted per day (the hashes that tell
 * visitors apart are gone once a day closes), so a row over several days shows the sum of its days'
 * distinct visitors, and is suppressed unless at least one of its days alone saw REPORT_THRESHOLD
 * distinct visitors: that floor of the true number never lets a small group through.
 */
import { REQUEST_TYPES } from '../request-types';
import { REPORT_THRESHOLD, SUPPRESSED, type ColumnKind, type Report, type ReportName, type ReportSection, type ReportValue } from '../../schemas/reports';
import { type DayCounts, exactPercentile, type Histogram, percentile } from './aggregate';

export interface DayOfCounts {
  day: string;
  counts: DayCounts;
}

export interface BuildOptions {
  /** reports.topSearchQueries */
  topSearchQueries: boolean;
  /** Requests open past their due date now, per type (read at report time). */
  overdueNow?: Partial<Record<string, number>>;
  generatedAt: Date;
}

interface Row {
  c: Record<string, number>;
  /** The largest distinct-visitor count of any one day: the floor of the row's distinct visitors. */
  floor: number;
  h?: Histogram;
  d?: number[];
}

/** Sums the cells whose key starts with `<dimension>:` over the days, one row per value. */
function rowsOf(days: readonly DayOfCounts[], dimension: string): Map<string, Row> {
  const rows = new Map<string, Row>();
  const prefix = `${dimension}:`;
  for (const { counts } of days) {
    for (const [key, cell] of Object.entries(counts)) {
      if (!key.startsWith(prefix)) continue;
      const name = key.slice(prefix.length);
      const row = rows.get(name) ?? { c: {}, floor: 0 };
      for (const [counter, n] of Object.entries(cell.c)) row.c[counter] = (row.c[counter] ?? 0) + n;
      row.floor = Math.max(row.floor, cell.c.visitors ?? 0);
      if (cell.h) {
        row.h ??= {};
        for (const [b, n] of Object.entries(cell.h)) row.h[b] = (row.h[b] ?? 0) + n;
      }
      if (cell.d) row.d = [...(row.d ?? []), ...cell.d];
      rows.set(name, row);
    }
  }
  return rows;
}

/** A row describing 1-4 distinct visitors shows SUPPRESSED in every number; none at all shows its zeros. */
const isSmall = (visitors: number) => visitors > 0 && visitors < REPORT_THRESHOLD;

function section(
  id: string,
  chart: ReportSection['chart'],
  columns: [string, ColumnKind][],
  rows: Record<string, ReportValue>[],
  options: { suppress?: (row: Record<string, ReportValue>, index: number) => boolean; note?: string } = {},
): ReportSection {
  const out = rows.map((row, i) => {
    if (!options.suppress?.(row, i)) return row;
    return Object.fromEntries(columns.map(([key, kind]) => [key, kind === 'label' || kind === 'day' ? (row[key] ?? null) : SUPPRESSED])) as Record<
      string,
      ReportValue
    >;
  });
  return { id, chart, columns: columns.map(([key, kind]) => ({ key, kind })), rows: out, ...(options.note ? { note: options.note } : {}) };
}

const byCount = (counter: string) => (a: [string, Row], b: [string, Row]) => (b[1].c[counter] ?? 0) - (a[1].c[counter] ?? 0) || a[0].localeCompare(b[0]);
const n = (row: Row | undefined, counter: string) => row?.c[counter] ?? 0;
const share = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 1000 : null);

function dailyRows(days: readonly DayOfCounts[], cellKey: string, counters: string[]) {
  const floors: number[] = [];
  const rows = days.map(({ day, counts }) => {
    const cell = counts[cellKey];
    floors.push(cell?.c.visitors ?? 0);
    return { day, ...Object.fromEntries(counters.map((c) => [c, cell?.c[c] ?? 0])) };
  });
  return { rows, suppress: (_: unknown, i: number) => isSmall(floors[i]!) };
}

function listSection(
  days: readonly DayOfCounts[],
  id: string,
  dimension: string,
  labelKey: string,
  counters: string[],
  order: string,
  extra?: (row: Row) => Record<string, ReportValue>,
): ReportSection {
  const rows = [...rowsOf(days, dimension)].sort(byCount(order));
  const floors = rows.map(([, row]) => row.floor);
  return section(
    id,
    'bar',
    [
      [labelKey, 'label'],
      ...counters.map((c): [string, ColumnKind] => [c, 'count']),
      ...(extra ? Object.keys(extra({ c: {}, floor: 0 })).map((k): [string, ColumnKind] => [k, 'ms']) : []),
    ],
    rows.map(([name, row]) => ({ [labelKey]: name, ...Object.fromEntries(counters.map((c) => [c, n(row, c)])), ...(extra?.(row) ?? {}) })),
    { suppress: (_, i) => isSmall(floors[i]!) },
  );
}

function traffic(days: readonly DayOfCounts[]): ReportSection[] {
  const daily = dailyRows(days, 'traffic', ['pageViews', 'visitors', 'sessions']);
  return [
    section(
      'daily',
      'line',
      [
        ['day', 'day'],
        ['pageViews', 'count'],
        ['visitors', 'count'],
        ['sessions', 'count'],
      ],
      daily.rows,
      { suppress: daily.suppress },
    ),
    listSection(days, 'pages', 'page', 'path', ['pageViews', 'visitors'], 'pageViews', (row) => ({
      medianMs: percentile(row.h, 0.5),
      p75Ms: percentile(row.h, 0.75),
    })),
    listSection(days, 'entryPages', 'entry', 'path', ['sessions'], 'sessions'),
    listSection(days, 'exitPages', 'exit', 'path', ['sessions'], 'sessions'),
  ];
}

function searches(days: readonly DayOfCounts[], options: BuildOptions): ReportSection[] {
  const daily = dailyRows(days, 'searches', ['searches', 'zeroResults']);
  // Query text under the threshold is left out, not shown as "< 5": the text itself could single someone out.
  const queries = [...rowsOf(days, 'query')].filter(([, row]) => row.floor >= REPORT_THRESHOLD).sort(byCount('searches'));
  return [
    section(
      'daily',
      'line',
      [
        ['day', 'day'],
        ['searches', 'count'],
        ['zeroResults', 'count'],
      ],
      daily.rows,
      { suppress: daily.suppress },
    ),
    listSection(days, 'kinds', 'kind', 'kind', ['searches', 'visitors', 'zeroResults'], 'searches'),
    section(
      'queries',
      'bar',
      [
        ['query', 'label'],
        ['searches', 'count'],
        ['visitors', 'count'],
      ],
      options.topSearchQueries ? queries.map(([query, row]) => ({ query, searches: n(row, 'searches'), visitors: n(row, 'visitors') })) : [],
      options.topSearchQueries ? {} : { note: 'queriesOff' },
    ),
  ];
}

function technology(days: readonly DayOfCounts[]): ReportSection[] {
  return (
    [
      ['browsers', 'browser'],
      ['os', 'os'],
      ['devices', 'device'],
      ['providers', 'provider'],
    ] as const
  ).map(([id, dimension]) => listSection(days, id, dimension, 'name', ['visitors', 'pageViews'], 'visitors'));
}

function consent(days: readonly DayOfCounts[]): ReportSection[] {
  const daily = dailyRows(days, 'consent', ['acceptAll', 'refuseAll', 'custom', 'gpc']);
  const categories = [...rowsOf(days, 'category')].sort((a, b) => a[0].localeCompare(b[0]));
  const renewals = [...rowsOf(days, 'renewal')].sort((a, b) => a[0].localeCompare(b[0]));
  return [
    section(
      'daily',
      'stacked',
      [
        ['day', 'day'],
        ['acceptAll', 'count'],
        ['refuseAll', 'count'],
        ['custom', 'count'],
        ['gpc', 'count'],
      ],
      daily.rows,
      { suppress: daily.suppress },
    ),
    section(
      'categories',
      'bar',
      [
        ['category', 'label'],
        ['granted', 'count'],
        ['refused', 'count'],
        ['grantedShare', 'share'],
      ],
      categories.map(([category, row]) => ({
        category,
        granted: n(row, 'granted'),
        refused: n(row, 'refused'),
        grantedShare: share(n(row, 'granted'), n(row, 'granted') + n(row, 'refused')),
      })),
      { suppress: (_, i) => isSmall(categories[i]![1].floor) },
    ),
    section(
      'renewals',
      'bar',
      [
        ['policyVersion', 'label'],
        ['asked', 'count'],
        ['renewed', 'count'],
        ['declined', 'count'],
      ],
      renewals.map(([policyVersion, row]) => ({ policyVersion, asked: n(row, 'asked'), renewed: n(row, 'renewed'), declined: n(row, 'declined') })),
      { suppress: (_, i) => isSmall(renewals[i]![1].floor) },
    ),
  ];
}

/** Requests are not suppressed: the DPO sees each request anyway. */
function requests(days: readonly DayOfCounts[], options: BuildOptions): ReportSection[] {
  const received = [...rowsOf(days, 'received')].sort((a, b) => a[0].localeCompare(b[0]));
  const timing = rowsOf(days, 'timing');
  return [
    section(
      'received',
      'bar',
      [
        ['type', 'label'],
        ['channel', 'label'],
        ['received', 'count'],
      ],
      received.map(([key, row]) => {
        const [type, channel] = key.split('|');
        return { type: type ?? '', channel: channel ?? '', received: n(row, 'received') };
      }),
    ),
    section(
      'timing',
      'bar',
      [
        ['type', 'label'],
        ['closed', 'count'],
        ['medianDays', 'days'],
        ['p90Days', 'days'],
        ['onTime', 'count'],
        ['onTimeShare', 'share'],
      ],
      REQUEST_TYPES.filter((type) => timing.has(type)).map((type) => {
        const row = timing.get(type)!;
        return {
          type,
          closed: n(row, 'closed'),
          medianDays: exactPercentile(row.d ?? [], 0.5),
          p90Days: exactPercentile(row.d ?? [], 0.9),
          onTime: n(row, 'onTime'),
          onTimeShare: share(n(row, 'onTime'), n(row, 'closed')),
        };
      }),
    ),
    section(
      'overdue',
      'bar',
      [
        ['type', 'label'],
        ['overdueNow', 'count'],
      ],
      REQUEST_TYPES.map((type) => ({ type, overdueNow: options.overdueNow?.[type] ?? 0 })),
    ),
  ];
}

export function buildReport(report: ReportName, range: { from: string; to: string }, days: readonly DayOfCounts[], options: BuildOptions): Report {
  const sections =
    report === 'traffic'
      ? traffic(days)
      : report === 'searches'
        ? searches(days, options)
        : report === 'technology'
          ? technology(days)
          : report === 'consent'
            ? consent(days)
            : requests(days, options);
  return {
    report,
    from: range.from,
    to: range.to,
    timeZone: 'Asia/Bangkok',
    threshold: REPORT_THRESHOLD,
    generatedAt: options.generatedAt.toISOString(),
    sections,
  };
}
