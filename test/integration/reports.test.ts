/**
 * Reports end to end against the emulator: visits POSTed over HTTP reach the day's counters through
 * the visits stream and the report worker, as `npm start` runs it (the local stream poller); the
 * test awaits the poller's word that the worker handled the batch, then reads the report over HTTP.
 * The CSV carries a BOM and the JSON's numbers; staff are refused the DPO's reports, strangers all.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageFromCdkJson } from '../../infra/stage-config';
import { startLocalServer } from '../../scripts/lib/local-server';
import { startLocalWorkers, type LocalWorkers } from '../../scripts/lib/local-workers';
import { clockShift } from '../../shared/adapters/clock';
import { bangkokDay } from '../../shared/domain/reports/aggregate';
import { itemsOf } from '../helpers/tables';
import { WORKERS } from '../../shared/workers';
import { httpClient } from '../helpers/http';
import { asStaff, staffHeaders } from '../helpers/staff-auth';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const VISITORS = 5;

let server: Awaited<ReturnType<typeof startLocalServer>>;
let workers: LocalWorkers | undefined;
/** Visit records the report worker has handled so far, and who waits for more. */
let visitRecordsHandled = 0;
const waiting: { atLeast: number; resolve: () => void }[] = [];
const handled = (atLeast: number) =>
  new Promise<void>((resolve) => {
    if (visitRecordsHandled >= atLeast) resolve();
    else waiting.push({ atLeast, resolve });
  });

beforeAll(async () => {
  server = await startLocalServer({ settings: stageFromCdkJson('local'), port: 0 });
  workers = startLocalWorkers({
    workers: WORKERS.filter((w) => w.id === 'aggregateReports' || w.id === 'closeReportDays'),
    // The close runs when the test moves the clock, as `npm run clock` makes it run, not on a timer.
    scheduleMs: 3_600_000,
    onStreamBatch: ({ table, records }) => {
      if (table !== 'visits') return;
      visitRecordsHandled += records;
      for (const w of waiting.filter((w) => visitRecordsHandled >= w.atLeast)) w.resolve();
    },
  });
});
afterAll(async () => {
  clockShift.set(0);
  await workers?.stop();
  await server?.close();
});

const call = httpClient(() => server.url, { headers: { 'user-agent': CHROME } });
const staff = asStaff(call, 'staff');
const dpo = asStaff(call, 'dpo');

describe('reports over HTTP (local mode)', () => {
  /** This file's own page: other files write to the same tables at the same time. */
  const path = `/it-${randomUUID().slice(0, 8)}`;

  it('counts visits posted over HTTP in the day\u2019s report once the stream has delivered them, in JSON and the same in CSV', async () => {
    for (let i = 0; i < VISITORS; i++) {
      const visitorId = `v-${randomUUID()}`;
      const consent = await call('POST', '/v1/consents', {
        visitorId,
        policyVersion: '2024-01',
        choices: { necessary: true, analytics: true, marketing: false },
      });
      const beacon = await call('POST', '/v1/visits', {
        visitorId,
        sessionId: `s-${i}`,
        consentToken: consent.body.token,
        events: [
          { type: 'pageview', path, durationMs: 2000 },
          { type: 'search', searchKind: 'product', query: 'nothing here', results: 0 },
        ],
      });
      expect([beacon.status, beacon.body]).toEqual([202, { stored: 2 }]);
    }
    await handled(VISITORS);

    const day = bangkokDay(new Date());
    const traffic = await staff('GET', `/v1/reports/traffic?from=${day}&to=${day}`);
    expect(traffic.status).toBe(200);
    const pages = traffic.body.sections.find((s: { id: string }) => s.id === 'pages');
    expect(pages.rows.find((r: { path: string }) => r.path === path)).toMatchObject({ pageViews: VISITORS, visitors: VISITORS });
    const searches = await staff('GET', `/v1/reports/searches?from=${day}&to=${day}`);
    expect(searches.body.sections.find((s: { id: string }) => s.id === 'kinds').rows).toContainEqual({
      kind: 'product',
      searches: VISITORS,
      visitors: VISITORS,
      zeroResults: VISITORS,
    });

    // The raw bytes: fetch's text() would drop the byte-order mark this checks.
    const res = await fetch(`${server.url}/v1/reports/traffic?from=${day}&to=${day}&format=csv&section=pages&lang=en`, {
      headers: await staffHeaders('staff'),
    });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="report-traffic-pages-/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('Page,Page views,Visitors,"Time on page, median (ms)","Time on page, 75th percentile (ms)"');
    const row = pages.rows.find((r: { path: string }) => r.path === path);
    expect(lines).toContain([path, row.pageViews, row.visitors, row.medianMs, row.p75Ms].join(','));
  });

  it('closes the day when the local clock moves past it: the same numbers, read from counts only, the partials gone', async () => {
    const day = bangkokDay(new Date());
    const before = await staff('GET', `/v1/reports/traffic?from=${day}&to=${day}`);
    const partials = (await itemsOf('reports', `DAY#${day}`)).map((i) => String(i.sk)).filter((sk) => sk.startsWith('PART#'));
    expect(partials.length).toBeGreaterThan(0);
    clockShift.set(86_400_000);
    try {
      await workers!.runSchedules();
    } finally {
      // Back to now before reading: the staff token would have expired a day on.
      clockShift.set(0);
    }
    // Every partial the close read is gone and the day is one item of counts. Other files keep writing
    // to the same tables meanwhile, so a batch of theirs may land as a new partial after the close (a
    // late partial adds to the closed day: README, Reports): only this file's own page is compared.
    const keys = (await itemsOf('reports', `DAY#${day}`)).map((i) => String(i.sk));
    expect(keys).toContain('CLOSED');
    expect(keys.filter((sk) => partials.includes(sk))).toEqual([]);
    const after = await staff('GET', `/v1/reports/traffic?from=${day}&to=${day}`);
    const ownPage = (report: typeof before) =>
      report.body.sections.find((s: { id: string }) => s.id === 'pages').rows.find((r: { path: string }) => r.path === path);
    expect(ownPage(before)).toMatchObject({ path, pageViews: VISITORS, visitors: VISITORS });
    expect(ownPage(after)).toEqual(ownPage(before));
  });

  it('refuses staff the DPO\u2019s reports (403) and strangers every report (401)', async () => {
    const day = bangkokDay(new Date());
    expect((await staff('GET', `/v1/admin/reports/consent?from=${day}&to=${day}`)).status).toBe(403);
    expect((await dpo('GET', `/v1/admin/reports/requests?from=${day}&to=${day}`)).status).toBe(200);
    expect((await call('GET', `/v1/reports/traffic?from=${day}&to=${day}`)).status).toBe(401);
    expect((await call('GET', `/v1/admin/reports/consent?from=${day}&to=${day}`)).status).toBe(401);
  });
});
