/**
 * `npm run bench`: the reports' cost per million page views (policy 1.2), with its assumptions. The
 * partial's size per visit record and the closed day's size are measured on a synthetic day (sessions
 * as the visit cost model assumes them, pages and browsers spread over a shop's catalogue) run
 * through the real aggregation; the traffic is assumed and printed.
 */
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { REPORT_THRESHOLD } from '../../shared/schemas/reports';
import { closeDay, type NewItem, partialsOfBatch } from '../../shared/domain/reports/aggregate';
import { packVisitRecord, type VisitEventInput } from '../../shared/domain/visits';
import { WORKERS } from '../../shared/workers';
import { encodeReportData } from '../../shared/adapters/report-store';
import { REPORTS_BUDGET_USD_PER_MILLION_PAGE_VIEWS, reportsCostPerMillionPageViews, total } from './cost-model';
import { SESSION } from './visit-cost';

/** Traffic levels the figure is printed for (33,000 a day is a million a month): each window costs a write, so the cost per page view falls as batches fill up. */
const PAGE_VIEWS_PER_DAY = [10_000, 33_000, 100_000];
/** Consent receipts and request writes per page view: a banner answer in one session of five. */
const OTHER_RECORDS_PER_PAGE_VIEW = 1 / 5 / 5;
const PAGES = 300;
const BROWSERS = ['Chrome 130', 'Mobile Safari 17', 'Samsung Internet 25', 'Firefox 132', 'Edge 130'];
const OSES = ['Android 14', 'iOS 17.5', 'Windows 10', 'Mac OS 10.15.7'];
const ISPS = ['AIS', 'TRUE', '3BB', 'NT'];
/** Assumed DynamoDB round trip of the batch's one write. */
const WRITE_ROUND_TRIP_MS = 10;
const KEPT_DAYS = 395;

/** A synthetic day's visit records: sessions of SESSION's shape, pages spread like a catalogue (a few popular, a long tail). */
function syntheticRecords(sessions: number, day: Date): NewItem[] {
  const records: NewItem[] = [];
  const perBeacon = Math.ceil(SESSION.pageViewsPerSession / (SESSION.hidesBeforeEnd + 1));
  for (let s = 0; s < sessions; s++) {
    const events: VisitEventInput[] = [];
    for (let v = 0; v < SESSION.pageViewsPerSession; v++)
      events.push({ type: 'pageview', path: `/products/item-${Math.floor(PAGES * Math.random() ** 3)}`, durationMs: 5_000 + ((s * 7919 + v) % 60_000) });
    events.push({ type: 'search', searchKind: 'product', query: `query ${s % 50}`, results: s % 7 });
    for (let b = 0; b * perBeacon < events.length; b++) {
      const beacon = { visitorId: `visitor-${s}-0123456789`, sessionId: `session-${s}`, events: events.slice(b * perBeacon, (b + 1) * perBeacon) };
      const facts = {
        ip: '203.0.113.10',
        browser: BROWSERS[s % BROWSERS.length],
        os: OSES[s % OSES.length],
        device: s % 3 ? 'mobile' : undefined,
        isp: ISPS[s % 4],
      };
      records.push({ table: 'visits', kind: 'INSERT', newItem: { ...packVisitRecord(beacon, facts, new Date(day.getTime() + s * 1000), 395) } });
    }
  }
  return records;
}

export function reportsFigures(pageViewsPerDay: number) {
  const worker = WORKERS.find((w) => w.id === 'aggregateReports')!;
  if (worker.trigger.kind !== 'stream') throw new Error('aggregateReports is a stream worker');
  const { batchingWindowSeconds = 1, batchSize, tables } = worker.trigger;
  const key = Buffer.from('bench-report-key-0123456789-abcdefghijkl');
  const settings = { topSearchQueries: true, hash: (id: string) => createHmac('sha256', key).update(id).digest('base64url').slice(0, 11) };
  const records = syntheticRecords(Math.round(pageViewsPerDay / SESSION.pageViewsPerSession), new Date('2026-11-25T01:00:00.000Z'));
  // Records in time order, cut into the batches the window gathers at this traffic (or the batch size, if smaller).
  const perBatch = Math.max(1, Math.min(batchSize, Math.round(records.length / (86_400 / batchingWindowSeconds))));
  let partialBytes = 0;
  let cpuMs = 0;
  const partials = [];
  for (let i = 0; i < records.length; i += perBatch) {
    const start = performance.now();
    const batch = partialsOfBatch(records.slice(i, i + perBatch), settings);
    for (const p of batch) partialBytes += encodeReportData({ cells: p.cells, sessions: p.sessions }).byteLength;
    cpuMs += performance.now() - start;
    partials.push(...batch);
  }
  const batches = Math.ceil(records.length / perBatch);
  const closed = closeDay('2026-11-25', partials, { threshold: REPORT_THRESHOLD });
  const profile = {
    pageViewsPerDay,
    visitRecordsPerPageView: records.length / pageViewsPerDay,
    otherRecordsPerPageView: OTHER_RECORDS_PER_PAGE_VIEW,
    batchingWindowSeconds,
    maxBatchSize: batchSize,
    streams: tables.length,
    partialBytesPerRecord: partialBytes / records.length,
    memoryMb: worker.memoryMb ?? 256,
    billedMsPerBatch: Math.ceil(cpuMs / batches + WRITE_ROUND_TRIP_MS),
    closesPerDay: 1,
    closedDayBytes: encodeReportData(closed).byteLength,
    keptDays: KEPT_DAYS,
  };
  return { profile, lines: reportsCostPerMillionPageViews(profile), recordsPerBatch: perBatch };
}

export function printReportsBench() {
  const figures = PAGE_VIEWS_PER_DAY.map(reportsFigures);
  const first = figures[0]!.profile;
  console.log(
    `\nReports (policy 1.2): cost per million page views, from the streams (budget $${REPORTS_BUDGET_USD_PER_MILLION_PAGE_VIEWS.toFixed(2)}; us-east-1 list prices as above)`,
  );
  console.table([
    { assumption: 'batching window, largest batch', value: `${first.batchingWindowSeconds} s, ${first.maxBatchSize} records` },
    { assumption: 'streams read (visits: new images; consents, requests)', value: first.streams },
    { assumption: 'visit records per page view (sessions as above)', value: first.visitRecordsPerPageView.toFixed(3) },
    { assumption: 'consent and request records per page view', value: first.otherRecordsPerPageView.toFixed(3) },
    { assumption: 'items written per batch', value: '1 (a conditional put; a transaction only for a batch spanning two days)' },
    { assumption: 'partial per visit record (measured, gzipped JSON)', value: `${first.partialBytesPerRecord.toFixed(0)} B` },
    {
      assumption: 'closes per day; closed day (measured)',
      value: `${first.closesPerDay}; ${(first.closedDayBytes / 1024).toFixed(1)} KB, kept ${first.keptDays} days`,
    },
    { assumption: 'report worker', value: `${first.memoryMb} MB, ${first.billedMsPerBatch} ms billed per batch (CPU measured + one write)` },
  ]);
  console.table(
    figures.map((f) => ({
      'page views a day': f.profile.pageViewsPerDay.toLocaleString('en'),
      'records per batch': f.recordsPerBatch,
      ...Object.fromEntries(f.lines.map((l) => [l.item.split(' (')[0]!.split(':')[0]!, `$${l.usd.toFixed(4)}`])),
      'USD per million page views': `$${total(f.lines).toFixed(4)} ${total(f.lines) <= REPORTS_BUDGET_USD_PER_MILLION_PAGE_VIEWS ? '(within budget)' : '(over budget)'}`,
    })),
  );
}
