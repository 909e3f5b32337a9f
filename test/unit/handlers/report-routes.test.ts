/**
 * The report routes over a mocked reports table: JSON sections and the same numbers as CSV (BOM,
 * labels, attachment), clear 400s for a bad range, 404 for a report the route does not serve, 403
 * for staff on the DPO's reports, and overdue requests read from the staff queue's index.
 */
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler as complianceHandler } from '../../../functions/reports/get-compliance-report';
import { makeHandler as siteHandler } from '../../../functions/reports/get-site-report';
import { documentClient } from '../../../shared/adapters/dynamodb';
import { DynamoReportStore, encodeReportData } from '../../../shared/adapters/report-store';
import { DynamoRequestStore } from '../../../shared/adapters/request-store';
import { apiEvent, invoke } from '../../helpers/events';
import { staffEvent } from '../../helpers/staff-auth';

const db = mockClient(DynamoDBDocumentClient);
const closedDay = {
  traffic: { c: { pageViews: 12, visitors: 6, sessions: 7 } },
  'page:/': { c: { pageViews: 8, visitors: 6 }, h: { '40': 6 } },
  'page:/secret': { c: { pageViews: 4, visitors: 2 } },
};
beforeEach(() => {
  db.on(QueryCommand).callsFake((input) => {
    if (input.IndexName === 'byStatus')
      return { Items: [{ pk: 'R1', id: 'R1', type: 'delete', status: 'open', dueAt: '2026-11-01T00:00:00.000Z', dueKey: 'x', history: [] }] };
    return input.ExpressionAttributeValues[':d'] === 'DAY#2026-11-25'
      ? { Items: [{ pk: 'DAY#2026-11-25', sk: 'CLOSED', data: encodeReportData(closedDay) }] }
      : { Items: [] };
  });
});
afterEach(() => db.reset());

const clock = { now: () => new Date('2026-11-26T03:00:00.000Z') };
const store = new DynamoReportStore(documentClient(), 'test-Reports');
const site = siteHandler({ store, clock, topSearchQueries: false });
const compliance = complianceHandler({ store, clock, topSearchQueries: false, requests: new DynamoRequestStore(documentClient(), 'test-Requests') });

function get(routeKey: string, report: string, query: Record<string, string>, group: 'staff' | 'dpo' = 'staff'): APIGatewayProxyEventV2 {
  const event = apiEvent('capture-consent');
  event.body = undefined;
  event.routeKey = routeKey;
  event.requestContext.http.method = 'GET';
  event.pathParameters = { report };
  event.queryStringParameters = query;
  return staffEvent(event, group);
}
const siteGet = (report: string, query: Record<string, string>) => get('GET /v1/reports/{report}', report, query);

describe('report routes', () => {
  it('answers a site report as sections, with rows of fewer than 5 visitors suppressed', async () => {
    const { status, body } = await invoke(site, siteGet('traffic', { from: '2026-11-24', to: '2026-11-25' }));
    expect(status).toBe(200);
    expect(body).toMatchObject({ report: 'traffic', from: '2026-11-24', to: '2026-11-25', timeZone: 'Asia/Bangkok', threshold: 5 });
    expect(body.sections[0].rows).toEqual([
      { day: '2026-11-24', pageViews: 0, visitors: 0, sessions: 0 },
      { day: '2026-11-25', pageViews: 12, visitors: 6, sessions: 7 },
    ]);
    expect(body.sections[1].rows).toEqual([
      { path: '/', pageViews: 8, visitors: 6, medianMs: expect.any(Number), p75Ms: expect.any(Number) },
      { path: '/secret', pageViews: '< 5', visitors: '< 5', medianMs: '< 5', p75Ms: '< 5' },
    ]);
  });

  it('answers the same numbers as CSV with a BOM, English labels and an attachment name', async () => {
    const { status, headers, text } = await invoke(
      site,
      siteGet('traffic', { from: '2026-11-25', to: '2026-11-25', format: 'csv', section: 'daily', lang: 'en' }),
    );
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(headers['content-disposition']).toBe('attachment; filename="report-traffic-daily-2026-11-25-to-2026-11-25-en.csv"');
    expect(text).toBe('\uFEFFDay,Page views,Visitors,Sessions\r\n2026-11-25,12,6,7\r\n');
  });

  it('refuses a range backwards, too long, or of days that do not exist with a 400 naming the field', async () => {
    const backwards = await invoke(site, siteGet('traffic', { from: '2026-11-25', to: '2026-11-24' }));
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.code).toBe('invalid_range');
    expect((await invoke(site, siteGet('traffic', { from: '2025-01-01', to: '2026-11-25' }))).body.error.code).toBe('range_too_long');
    expect((await invoke(site, siteGet('traffic', { from: '2026-02-30', to: '2026-03-01' }))).body.error.code).toBe('invalid_day');
    expect((await invoke(site, siteGet('traffic', { from: '25/11/2026', to: '2026-11-25' }))).status).toBe(400);
    expect((await invoke(site, siteGet('traffic', { from: '2026-11-25', to: '2026-11-25', section: 'nope' }))).body.error.code).toBe('unknown_section');
  });

  it('answers 404 for an unknown report and for a DPO report asked on the staff route', async () => {
    expect((await invoke(site, siteGet('weather', { from: '2026-11-25', to: '2026-11-25' }))).status).toBe(404);
    expect((await invoke(site, siteGet('consent', { from: '2026-11-25', to: '2026-11-25' }))).status).toBe(404);
  });

  it('lets only the DPO read compliance reports, with overdue requests from the queue index', async () => {
    const route = 'GET /v1/admin/reports/{report}';
    expect((await invoke(compliance, get(route, 'requests', { from: '2026-11-25', to: '2026-11-25' }, 'staff'))).status).toBe(403);
    const { status, body } = await invoke(compliance, get(route, 'requests', { from: '2026-11-25', to: '2026-11-25' }, 'dpo'));
    expect(status).toBe(200);
    expect(body.sections.find((s: { id: string }) => s.id === 'overdue').rows).toContainEqual({ type: 'delete', overdueNow: 1 });
    const byStatus = db.commandCalls(QueryCommand).find((c) => c.args[0].input.IndexName === 'byStatus');
    expect(byStatus?.args[0].input.ExpressionAttributeValues).toMatchObject({ ':s': 'open', ':before': '2026-11-26T03:00:00.000Z' });
  });
});
