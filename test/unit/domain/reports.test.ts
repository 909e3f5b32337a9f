import { describe, expect, it } from 'vitest';
import {
  bangkokDay,
  closeDay,
  countsOfPartials,
  family,
  normaliseQuery,
  partialsOfBatch,
  percentile,
  type AggregationSettings,
  type NewItem,
} from '../../../shared/domain/reports/aggregate';
import { buildReport, type DayOfCounts } from '../../../shared/domain/reports/build';
import { reportCsv, UTF8_BOM } from '../../../shared/domain/reports/csv';
import { packVisitRecord, storedEvent, type VisitEventInput } from '../../../shared/domain/visits';
import { SUPPRESSED, type ReportSection } from '../../../shared/schemas/reports';
import { VisitEvent } from '../../../shared/schemas/visits';

const settings: AggregationSettings = { topSearchQueries: true, hash: (id) => `h(${id})` };
const generatedAt = new Date('2026-11-26T00:00:00Z');

/** A stored visit record as the beacon route writes it (shared/domain/visits.ts). */
const visit = (visitor: string, at: string, ev: Record<string, unknown>[], facts: Record<string, unknown> = {}): NewItem => ({
  table: 'visits',
  kind: 'INSERT',
  newItem: { pk: `V#${visitor}`, sk: `${at}#x#00`, at, sid: `s-${visitor}`, ip: '203.0.113.7', br: 'Chrome 130', os: 'Windows 10', ...facts, ev, expiresAt: 0 },
});
const pageview = (p: string, c?: string, d?: number) => ({ t: 'pageview', p, ...(c ? { c } : {}), ...(d !== undefined ? { d } : {}) });

const days = (changes: NewItem[], s = settings): DayOfCounts[] =>
  partialsOfBatch(changes, s).map((p) => ({ day: p.day, counts: countsOfPartials(p.day, [p]) }));
const report = (name: Parameters<typeof buildReport>[0], d: DayOfCounts[], extra: Partial<Parameters<typeof buildReport>[3]> = {}) =>
  buildReport(name, { from: '2026-11-25', to: '2026-11-25' }, d, { topSearchQueries: true, generatedAt, ...extra });
const sectionOf = (sections: ReportSection[], id: string) => sections.find((s) => s.id === id)!;
const visitors = (n: number) => Array.from({ length: n }, (_, i) => `visitor-${i}`);

describe('report aggregation', () => {
  it('counts page views, distinct visitors and sessions, entry and exit pages of a known day', () => {
    const changes = visitors(5).map((v) =>
      visit(v, '2026-11-25T03:00:00.000Z', [
        pageview('/', '2026-11-25T02:58:00.000Z', 1000),
        pageview('/shoes', '2026-11-25T02:59:00.000Z', 4000),
        pageview('/cart', '2026-11-25T02:59:30.000Z'),
      ]),
    );
    const traffic = report('traffic', days(changes)).sections;
    expect(sectionOf(traffic, 'daily').rows).toEqual([{ day: '2026-11-25', pageViews: 15, visitors: 5, sessions: 5 }]);
    expect(sectionOf(traffic, 'pages').rows.map((r) => [r.path, r.pageViews, r.visitors])).toEqual([
      ['/', 5, 5],
      ['/cart', 5, 5],
      ['/shoes', 5, 5],
    ]);
    expect(sectionOf(traffic, 'entryPages').rows).toEqual([{ path: '/', sessions: 5 }]);
    expect(sectionOf(traffic, 'exitPages').rows).toEqual([{ path: '/cart', sessions: 5 }]);
  });

  it('takes entry and exit pages from event time across batches, not from arrival order', () => {
    const late = visit('v1', '2026-11-25T05:00:00.000Z', [pageview('/late', '2026-11-25T04:59:00.000Z')]);
    const early = visit('v1', '2026-11-25T05:00:00.000Z', [pageview('/early', '2026-11-25T04:00:00.000Z')]);
    const [first] = partialsOfBatch([late], settings);
    const [second] = partialsOfBatch([early], settings);
    const counts = countsOfPartials('2026-11-25', [first!, second!]);
    expect(counts['entry:/early']?.c.sessions).toBe(1);
    expect(counts['exit:/late']?.c.sessions).toBe(1);
    expect(counts.traffic?.c).toMatchObject({ pageViews: 2, visitors: 1, sessions: 1 });
  });

  it('counts a visitor once across partials of the same day (hashes merged until the day closes)', () => {
    const a = partialsOfBatch([visit('v1', '2026-11-25T03:00:00.000Z', [pageview('/')])], settings);
    const b = partialsOfBatch([visit('v1', '2026-11-25T04:00:00.000Z', [pageview('/')])], settings);
    const closed = closeDay('2026-11-25', [...a, ...b], { threshold: 5 });
    expect(closed.traffic?.c).toEqual({ pageViews: 2, visitors: 1, sessions: 1 });
    expect(JSON.stringify(closed)).not.toContain('h(v1');
  });

  it('suppresses a row of 4 distinct visitors as "< 5" and shows 5', () => {
    const four = report('technology', days(visitors(4).map((v) => visit(v, '2026-11-25T03:00:00.000Z', [pageview('/')])))).sections;
    expect(sectionOf(four, 'browsers').rows).toEqual([{ name: 'Chrome', visitors: SUPPRESSED, pageViews: SUPPRESSED }]);
    const five = report('technology', days(visitors(5).map((v) => visit(v, '2026-11-25T03:00:00.000Z', [pageview('/')])))).sections;
    expect(sectionOf(five, 'browsers').rows).toEqual([{ name: 'Chrome', visitors: 5, pageViews: 5 }]);
    const daily4 = report('traffic', days(visitors(4).map((v) => visit(v, '2026-11-25T03:00:00.000Z', [pageview('/')])))).sections;
    expect(sectionOf(daily4, 'daily').rows).toEqual([{ day: '2026-11-25', pageViews: SUPPRESSED, visitors: SUPPRESSED, sessions: SUPPRESSED }]);
  });

  it('names technology by family, device type and provider (name, else AS number, else unknown)', () => {
    expect(family('Chrome 130')).toBe('Chrome');
    expect(family('Mac OS 10.15.7')).toBe('Mac OS');
    const changes = [
      ...visitors(5).map((v) => visit(`a${v}`, '2026-11-25T03:00:00.000Z', [pageview('/')], { isp: 'AIS', asn: 45430, dv: 'mobile', os: 'iOS 17.1' })),
      ...visitors(5).map((v) => visit(`b${v}`, '2026-11-25T03:00:00.000Z', [pageview('/')], { asn: 23969 })),
      ...visitors(5).map((v) => visit(`c${v}`, '2026-11-25T03:00:00.000Z', [pageview('/')])),
    ];
    const tech = report('technology', days(changes)).sections;
    expect(
      sectionOf(tech, 'providers')
        .rows.map((r) => r.name)
        .sort(),
    ).toEqual(['AIS', 'AS23969', 'unknown']);
    expect(sectionOf(tech, 'devices').rows).toEqual([
      { name: 'desktop', visitors: 10, pageViews: 10 },
      { name: 'mobile', visitors: 5, pageViews: 5 },
    ]);
    expect(sectionOf(tech, 'os').rows.map((r) => [r.name, r.visitors])).toEqual([
      ['Windows', 10],
      ['iOS', 5],
    ]);
  });

  it('counts searches by kind with zero results, and queries only when on and seen by 5 visitors', () => {
    const search = (q: string, n?: number) => ({ t: 'search', k: 'product', q, ...(n !== undefined ? { n } : {}) });
    const changes = [
      ...visitors(5).map((v) => visit(v, '2026-11-25T03:00:00.000Z', [search('  Red   SHOES ', 0)])),
      ...visitors(4).map((v) => visit(`x${v}`, '2026-11-25T03:00:00.000Z', [search('rare name', 3)])),
    ];
    const on = report('searches', days(changes)).sections;
    expect(sectionOf(on, 'daily').rows).toEqual([{ day: '2026-11-25', searches: 9, zeroResults: 5 }]);
    expect(sectionOf(on, 'kinds').rows).toEqual([{ kind: 'product', searches: 9, visitors: 9, zeroResults: 5 }]);
    expect(sectionOf(on, 'queries').rows).toEqual([{ query: 'red shoes', searches: 5, visitors: 5 }]);
    const off = report('searches', days(changes, { ...settings, topSearchQueries: false }), { topSearchQueries: false }).sections;
    expect(sectionOf(off, 'queries')).toMatchObject({ rows: [], note: 'queriesOff' });
    expect(JSON.stringify(days(changes, { ...settings, topSearchQueries: false }))).not.toContain('shoes');
    expect(normaliseQuery(' A  b ')).toBe('a b');
  });

  it('counts consent receipts as accept all, refuse all or custom, per category, GPC, and renewals per version', () => {
    const receipt = (visitor: string, analytics: boolean, marketing: boolean, gpc = false): NewItem => ({
      table: 'consents',
      kind: 'INSERT',
      newItem: {
        pk: visitor,
        sk: `RECEIPT#${visitor}`,
        visitorId: visitor,
        policyVersion: '2025-01',
        recordedAt: '2026-11-25T03:00:00.000Z',
        choices: { necessary: true, analytics, marketing },
        gpc,
      },
    });
    const renewal = (visitor: string, marketing: boolean): NewItem => ({
      table: 'consents',
      kind: 'MODIFY',
      oldItem: {
        pk: visitor,
        sk: 'CURRENT',
        visitorId: visitor,
        policyVersion: '2024-01',
        recordedAt: '2026-01-01T00:00:00.000Z',
        choices: { necessary: true, analytics: true, marketing: true },
      },
      newItem: {
        pk: visitor,
        sk: 'CURRENT',
        visitorId: visitor,
        policyVersion: '2025-01',
        recordedAt: '2026-11-25T03:00:00.000Z',
        choices: { necessary: true, analytics: true, marketing },
      },
    });
    const changes = [
      ...visitors(3).map((v) => receipt(`a${v}`, true, true)),
      ...visitors(1).map((v) => receipt(`r${v}`, false, false, true)),
      ...visitors(1).map((v) => receipt(`c${v}`, true, false, true)),
      ...visitors(3).map((v) => renewal(`n${v}`, true)),
      ...visitors(2).map((v) => renewal(`d${v}`, false)),
    ];
    const sections = report('consent', days(changes)).sections;
    expect(sectionOf(sections, 'daily').rows).toEqual([{ day: '2026-11-25', acceptAll: 3, refuseAll: 1, custom: 1, gpc: 2 }]);
    expect(sectionOf(sections, 'categories').rows).toEqual([
      { category: 'analytics', granted: 4, refused: 1, grantedShare: 0.8 },
      { category: 'marketing', granted: 3, refused: 2, grantedShare: 0.6 },
    ]);
    expect(sectionOf(sections, 'renewals').rows).toEqual([{ policyVersion: '2025-01', asked: 5, renewed: 3, declined: 2 }]);
  });

  it('counts requests received per type and channel, closing times, on-time share, without suppression', () => {
    const request = (id: string, type: string, receivedAt: string, dueAt: string) => ({
      pk: id,
      id,
      type,
      channel: 'email',
      status: 'open',
      receivedAt,
      dueAt,
    });
    const closed = (r: ReturnType<typeof request>, closedAt: string): NewItem => ({
      table: 'requests',
      kind: 'MODIFY',
      oldItem: r,
      newItem: { ...r, status: 'done', closedAt },
    });
    const a = request('A', 'delete', '2026-11-01T03:00:00.000Z', '2026-12-01T03:00:00.000Z');
    const b = request('B', 'stop_marketing', '2026-11-10T03:00:00.000Z', '2026-11-17T03:00:00.000Z');
    const changes: NewItem[] = [
      { table: 'requests', kind: 'INSERT', newItem: { ...a, receivedAt: '2026-11-25T03:00:00.000Z' } },
      closed(a, '2026-11-25T03:00:00.000Z'),
      closed(b, '2026-11-25T03:00:00.000Z'),
      // A later write to a closed request is not a second closing.
      {
        table: 'requests',
        kind: 'MODIFY',
        oldItem: { ...b, status: 'done', closedAt: '2026-11-25T03:00:00.000Z' },
        newItem: { ...b, status: 'done', closedAt: '2026-11-25T03:00:00.000Z' },
      },
      // Sign-in links and counters share the table: not requests.
      { table: 'requests', kind: 'INSERT', newItem: { pk: 'SIGNIN#x', expiresAt: 1 } },
    ];
    const sections = report('requests', days(changes), { overdueNow: { delete: 2 } }).sections;
    expect(sectionOf(sections, 'received').rows).toEqual([{ type: 'delete', channel: 'email', received: 1 }]);
    expect(sectionOf(sections, 'timing').rows).toEqual([
      { type: 'delete', closed: 1, medianDays: 24, p90Days: 24, onTime: 1, onTimeShare: 1 },
      { type: 'stop_marketing', closed: 1, medianDays: 15, p90Days: 15, onTime: 0, onTimeShare: 0 },
    ]);
    expect(sectionOf(sections, 'overdue').rows).toContainEqual({ type: 'delete', overdueNow: 2 });
  });

  it('counts a beacon stored as one record the same as the same beacon stored in parts (`#00`, `#01`: records from before)', () => {
    const events: VisitEventInput[] = [
      { type: 'pageview', path: '/', durationMs: 3000, at: '2026-11-25T02:58:00.000Z' },
      { type: 'search', searchKind: 'product', query: 'ชาเขียว', results: 0, path: '/search', at: '2026-11-25T02:58:30.000Z' },
      ...Array.from({ length: 6 }, (_, i) => ({ type: 'pageview' as const, path: `/tea/${i}`, durationMs: 1000 * i, at: '2026-11-25T02:59:00.000Z' })),
      { type: 'leave', path: '/tea/5', durationMs: 9000, at: '2026-11-25T02:59:30.000Z' },
    ];
    const facts = { ip: '203.0.113.7', browser: 'Chrome 130', os: 'Android 14', device: 'mobile', asn: 45430, isp: 'AIS' };
    const oneRecord: NewItem[] = [];
    const inParts: NewItem[] = [];
    for (const v of visitors(6)) {
      const record = packVisitRecord({ visitorId: v, sessionId: `s-${v}`, events }, facts, new Date('2026-11-25T03:00:00.000Z'), 90);
      oneRecord.push({ table: 'visits', kind: 'INSERT', newItem: { ...record } });
      for (let part = 0; part * 4 < record.ev.length; part++) {
        const ev = record.ev.slice(part * 4, part * 4 + 4);
        inParts.push({ table: 'visits', kind: 'INSERT', newItem: { ...record, sk: `${record.sk}#0${part}`, ev } });
      }
    }
    expect(inParts.length).toBeGreaterThan(oneRecord.length);
    for (const name of ['traffic', 'searches', 'technology'] as const) {
      const fromOne = report(name, days(oneRecord)).sections;
      expect(report(name, days(inParts)).sections).toEqual(fromOne);
      expect(fromOne.some((section) => section.rows.length > 0)).toBe(true);
    }
  });

  it('ignores REMOVE records: erasing a member or TTL expiry changes no report', () => {
    const inserts = visitors(5).map((v) => visit(v, '2026-11-25T03:00:00.000Z', [pageview('/')]));
    const removes: NewItem[] = inserts.map((i) => ({ table: 'visits', kind: 'REMOVE', oldItem: i.newItem }));
    const consentRemove: NewItem = { table: 'consents', kind: 'REMOVE', oldItem: { pk: 'x', sk: 'RECEIPT#1' } };
    expect(partialsOfBatch([...removes, consentRemove], settings)).toEqual([]);
    expect(report('traffic', days([...inserts, ...removes]))).toEqual(report('traffic', days(inserts)));
  });

  it('splits days at midnight in Bangkok (17:00 UTC), by the server time of the record', () => {
    expect(bangkokDay('2026-11-25T16:59:59.999Z')).toBe('2026-11-25');
    expect(bangkokDay('2026-11-25T17:00:00.000Z')).toBe('2026-11-26');
    const partials = partialsOfBatch(
      [visit('v1', '2026-11-25T16:59:59.000Z', [pageview('/')]), visit('v2', '2026-11-25T17:00:01.000Z', [pageview('/', '2026-11-25T16:59:00.000Z')])],
      settings,
    );
    expect(partials.map((p) => [p.day, p.cells.traffic?.c.pageViews])).toEqual([
      ['2026-11-25', 1],
      ['2026-11-26', 1],
    ]);
  });

  it('gives time-on-page median and 75th percentile within one histogram bucket', () => {
    const durations = [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000];
    const changes = visitors(8).map((v, i) => visit(v, '2026-11-25T03:00:00.000Z', [pageview('/p', undefined, durations[i])]));
    const [row] = sectionOf(report('traffic', days(changes)).sections, 'pages').rows;
    expect(Math.abs((row!.medianMs as number) / 4000 - 1)).toBeLessThan(0.2);
    expect(Math.abs((row!.p75Ms as number) / 6000 - 1)).toBeLessThan(0.2);
    expect(percentile({}, 0.5)).toBeNull();
    // A time on page from a leave event alone still counts its visitor: one visitor's time is suppressed.
    const [alone] = sectionOf(report('traffic', days([visit('v1', '2026-11-25T03:00:00.000Z', [{ t: 'leave', p: '/q', d: 9000 }])])).sections, 'pages').rows;
    expect(alone).toEqual({ path: '/q', pageViews: SUPPRESSED, visitors: SUPPRESSED, medianMs: SUPPRESSED, p75Ms: SUPPRESSED });
  });

  it('caps a closed day at the top pages plus other, and drops query rows under the threshold', () => {
    const changes = visitors(5).map((v) =>
      visit(v, '2026-11-25T03:00:00.000Z', [pageview('/a'), pageview('/a'), pageview('/b'), pageview('/c'), { t: 'search', k: 'k', q: 'x' }]),
    );
    const partials = partialsOfBatch([...changes, visit('solo', '2026-11-25T03:00:00.000Z', [{ t: 'search', k: 'k', q: 'only me' }])], settings);
    const closed = closeDay('2026-11-25', partials, { threshold: 5, cap: 1 });
    expect(Object.keys(closed).filter((k) => k.startsWith('page:'))).toEqual(['page:/a', 'page:other']);
    expect(closed['page:other']?.c).toEqual({ pageViews: 10, visitors: 5 });
    expect(closed['query:x']?.c.searches).toBe(5);
    expect(closed['query:only me']).toBeUndefined();
  });
});

describe('search result counts in beacons', () => {
  it('accepts a whole, non-negative result count on a search and stores it as n', () => {
    expect(VisitEvent.safeParse({ type: 'search', searchKind: 'product', results: 0 }).success).toBe(true);
    expect(VisitEvent.safeParse({ type: 'search', searchKind: 'product', results: -1 }).success).toBe(false);
    expect(VisitEvent.safeParse({ type: 'search', searchKind: 'product', results: 1.5 }).success).toBe(false);
    expect(storedEvent({ type: 'search', searchKind: 'product', results: 0 })).toEqual({ t: 'search', k: 'product', n: 0 });
  });
});

describe('report CSV', () => {
  it('starts with a BOM, labels the columns in the language asked, and carries the same numbers and suppression', () => {
    const d = days(visitors(5).map((v) => visit(v, '2026-11-25T03:00:00.000Z', [pageview('=cmd()')])));
    const traffic = report('traffic', d);
    const csv = reportCsv(traffic, 'en', 'pages');
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    expect(csv.slice(1).split('\r\n').slice(0, 2)).toEqual([
      'Page,Page views,Visitors,"Time on page, median (ms)","Time on page, 75th percentile (ms)"',
      "'=cmd(),5,5,,",
    ]);
    const th = reportCsv(report('technology', days([visit('v', '2026-11-25T03:00:00.000Z', [pageview('/')])])), 'th', 'browsers');
    expect(th).toContain(`Chrome,${SUPPRESSED},${SUPPRESSED}`);
    expect(th.split('\r\n')[0]).toBe('\uFEFFชื่อ,ผู้เยี่ยมชม,จำนวนการเปิดหน้า');
  });
});
