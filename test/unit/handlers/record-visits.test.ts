import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler, makeHandler } from '../../../functions/visits/record-visits';
import { cameThroughEdge, cloudFrontLookup } from '../../../shared/adapters/isp';
import { visitDeps } from '../../../shared/adapters/wiring/visits';
import { issueConsentToken } from '../../../shared/domain/consent-token';
import { ok } from '../../../shared/http/responses';
import { route } from '../../../shared/http/route';
import { apiEvent, invoke, lambdaContext } from '../../helpers/events';

const db = mockClient(DynamoDBDocumentClient);
/** The configuration and the visits wiring as a fresh cold start loads them (the configuration is read once per module). */
const importFresh = async () => ({
  config: await import('../../../shared/config'),
  wiring: await import('../../../shared/adapters/wiring/visits'),
});
const key = Buffer.from(process.env.TOKEN_SECRET!);
const choices = { necessary: true as const, analytics: true, marketing: false };
const token = issueConsentToken({ visitorId: 'v-0123456789', receiptId: 'r-1', policyVersion: '2024-01', choices }, key, new Date(), 30).token;
const events = [
  { type: 'pageview', path: '/products/tea?email=a@example.com', title: 'ชาเขียว' },
  { type: 'search', searchKind: 'product', query: 'tea' },
];
const body = (over: Record<string, unknown> = {}) => ({ visitorId: 'v-0123456789', sessionId: 's-1', consentToken: token, events, ...over });
const written = () => db.commandCalls(PutItemCommand).map((c) => unmarshall(c.args[0].input.Item!));

beforeEach(() => {
  db.on(QueryCommand).resolves({ Items: [{ sk: 'CURRENT', choices: { analytics: true }, receiptId: 'r-1' }] });
  db.on(PutItemCommand).resolves({});
});
afterEach(() => db.reset());

describe('record-visits', () => {
  it('accepts a text/plain beacon (sendBeacon) and stores it with IP from the request and the parsed browser', async () => {
    const res = await invoke(handler, apiEvent('record-visits', { rawBody: JSON.stringify(body({ ip: '10.9.9.9' })) }));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ stored: 2 });
    const [item] = written();
    expect(item).toMatchObject({ pk: 'V#v-0123456789', ip: '203.0.113.77', br: 'Mobile Safari 17', os: 'iOS 17.5', dv: 'mobile' });
    expect(item!.ev[0]).toMatchObject({ t: 'pageview', p: '/products/tea', ti: 'ชาเขียว' });
    expect(item!.expiresAt).toBeGreaterThan(Date.now() / 1000 + 394 * 86_400);
  });

  it('behind CloudFront, stores the viewer\u2019s address and provider from the edge\u2019s headers, and ignores them when they are forged', async () => {
    const edgeKey = 'edge-key-of-this-test-0123456789abcdef';
    const edged = makeHandler({ ...visitDeps(), isp: cloudFrontLookup(async () => Buffer.from(edgeKey)) });
    const headers = { 'content-type': 'text/plain', 'cloudfront-viewer-asn': '45758', 'cloudfront-viewer-address': '198.51.100.23:40112' };
    await invoke(edged, apiEvent('record-visits', { rawBody: JSON.stringify(body()), headers: { ...headers, 'x-shop-edge-key': edgeKey } }));
    expect(written()[0]).toMatchObject({ ip: '198.51.100.23', asn: 45758, isp: '3BB' });
    db.resetHistory();
    await invoke(edged, apiEvent('record-visits', { rawBody: JSON.stringify(body()), headers }));
    expect(written()[0]).toMatchObject({ ip: '203.0.113.77' });
    expect(written()[0]).not.toHaveProperty('asn');
  });

  it('deployed behind the edge at its function URL, answers 403 without the right edge key, before reading the body, and stores nothing', async () => {
    const edgeKey = 'edge-key-of-this-test-0123456789abcdef';
    const key = async () => Buffer.from(edgeKey);
    const gated = makeHandler({ ...visitDeps(), isp: cloudFrontLookup(key), cameThroughEdge: cameThroughEdge(key) });
    const headers = { 'content-type': 'text/plain' };
    for (const sent of [{}, { 'x-shop-edge-key': `${edgeKey}x` }, { 'x-shop-edge-key': '' }]) {
      const res = await invoke(gated, apiEvent('record-visits', { rawBody: JSON.stringify(body()), headers: { ...headers, ...sent } }));
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: { code: 'forbidden' } });
    }
    // Refused before the body is read: an invalid body without the key is 403 too, not 400.
    expect((await invoke(gated, apiEvent('record-visits', { rawBody: '{', headers }))).status).toBe(403);
    expect(db.commandCalls(PutItemCommand)).toHaveLength(0);
    expect(db.commandCalls(QueryCommand)).toHaveLength(0);
    const through = await invoke(gated, apiEvent('record-visits', { rawBody: JSON.stringify(body()), headers: { ...headers, 'X-Shop-Edge-Key': edgeKey } }));
    expect(through).toMatchObject({ status: 202, body: { stored: 2 } });
  });

  it('requires the edge key exactly where the stack says the function sits behind the edge (EDGE_KEY_REQUIRED)', async () => {
    expect(visitDeps()).not.toHaveProperty('cameThroughEdge');
    vi.stubEnv('EDGE_KEY_REQUIRED', 'true');
    vi.resetModules();
    try {
      const { config, wiring } = await importFresh();
      expect(config.runtimeConfig().EDGE_KEY_REQUIRED).toBe('true');
      expect(wiring.visitDeps()).toHaveProperty('cameThroughEdge');
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });

  it('sets no early-timeout timer on a beacon (sendBeacon reads no answer), where other routes keep theirs', async () => {
    // middy reads the time left only to arm that timer.
    const remaining = vi.fn(() => 10_000);
    const context = { ...lambdaContext, getRemainingTimeInMillis: remaining };
    const res = (await handler(apiEvent('record-visits', { rawBody: JSON.stringify(body()) }) as never, context)) as { statusCode: number };
    expect(res.statusCode).toBe(202);
    expect(remaining).not.toHaveBeenCalled();
    await route().handler(async () => ok({}))(apiEvent('get-policy') as never, context);
    expect(remaining).toHaveBeenCalled();
  });

  it('reads the current consent and the profiling stop in one eventually consistent, projected query (the cheap read)', async () => {
    await invoke(handler, apiEvent('record-visits', { rawBody: JSON.stringify(body()) }));
    const read = db.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(read.ConsistentRead).toBeUndefined();
    expect(read.KeyConditionExpression).toBe('pk = :v AND begins_with(sk, :current)');
    expect(read.ProjectionExpression).toBe('sk, choices.analytics, receiptId');
  });

  it('stores nothing for a visitor whose member was deactivated, even with analytics consent', async () => {
    db.on(QueryCommand).resolves({
      Items: [
        { sk: 'CURRENT', choices: { analytics: true }, receiptId: 'r-1' },
        { sk: 'CURRENT#STOPPED', stoppedAt: '2026-11-01T00:00:00.000Z' },
      ],
    });
    const res = await invoke(handler, apiEvent('record-visits', { rawBody: JSON.stringify(body()) }));
    expect(res).toMatchObject({ status: 202, body: { stored: 0, reason: 'profiling_stopped' } });
    expect(db.commandCalls(PutItemCommand)).toHaveLength(0);
  });

  it('answers 202 with stored 0 and the reason when the visitor withdrew, writing nothing', async () => {
    db.on(QueryCommand).resolves({ Items: [{ sk: 'CURRENT', choices: { analytics: false }, receiptId: 'r-2' }] });
    const res = await invoke(handler, apiEvent('record-visits', { rawBody: JSON.stringify(body()) }));
    expect(res).toMatchObject({ status: 202, body: { stored: 0, reason: 'consent_withdrawn' } });
    expect(db.commandCalls(PutItemCommand)).toHaveLength(0);
  });

  it('writes a beacon as one record in one PutItem, and a retried beacon to the same keys', async () => {
    const timed = events.map((e) => ({ ...e, at: new Date().toISOString() }));
    for (let i = 0; i < 2; i++)
      expect((await invoke(handler, apiEvent('record-visits', { rawBody: JSON.stringify(body({ events: timed })) }))).status).toBe(202);
    const [first, retry] = written();
    expect(db.commandCalls(PutItemCommand)).toHaveLength(2);
    expect(db.commandCalls(PutItemCommand)[0]!.args[0].input.TableName).toBe(process.env.VISITS_TABLE);
    expect(first!.ev.map((e: { t: string }) => e.t)).toEqual(['pageview', 'search']);
    expect([retry!.pk, retry!.sk]).toEqual([first!.pk, first!.sk]);
  });

  const rejected: [string, Parameters<typeof apiEvent>[1], number][] = [
    ['51 events', { rawBody: JSON.stringify(body({ events: Array.from({ length: 51 }, () => events[0]) })) }, 400],
    ['no events', { rawBody: JSON.stringify(body({ events: [] })) }, 400],
    ['an unknown event type', { rawBody: JSON.stringify(body({ events: [{ type: 'click', path: '/' }] })) }, 400],
    ['a page view without a path', { rawBody: JSON.stringify(body({ events: [{ type: 'pageview' }] })) }, 400],
    ['a 1 MB body', { rawBody: JSON.stringify(body({ pad: 'x'.repeat(1024 * 1024) })) }, 413],
    ['non-UTF-8 bytes', { rawBody: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]).toString('base64'), isBase64Encoded: true }, 400],
    ['a body that is not JSON', { rawBody: 'visitorId=v-0123456789' }, 400],
    ['a missing visitor id', { rawBody: JSON.stringify(body({ visitorId: undefined })) }, 400],
    ['a form-encoded body', { rawBody: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415],
  ];
  it.each(rejected)('rejects %s with %i and a JSON error, storing nothing', async (_name, changes, status) => {
    const res = await invoke(handler, apiEvent('record-visits', changes));
    expect(res.status).toBe(status);
    expect(res.body.error.code).toEqual(expect.any(String));
    expect(db.commandCalls(PutItemCommand)).toHaveLength(0);
  });

  it('names the bad event and the allowed types', async () => {
    const res = await invoke(handler, apiEvent('record-visits', { rawBody: JSON.stringify(body({ events: [events[0], { type: 'click' }] })) }));
    expect(res.body.error.issues).toContainEqual({ path: 'body.events.1.type', message: 'must be one of "pageview", "search", "leave", "order"' });
  });

  it('never answers 5xx and writes only when it stores, for arbitrary event lists (property)', async () => {
    const anyEvent = fc.record(
      {
        type: fc.constantFrom('pageview', 'search', 'leave', 'order', 'click', ''),
        path: fc.oneof(fc.string(), fc.integer()),
        searchKind: fc.string(),
        durationMs: fc.oneof(fc.integer(), fc.double(), fc.string()),
        orderId: fc.string(),
        total: fc.oneof(fc.double(), fc.string()),
        at: fc.oneof(
          fc.string(),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        ),
      },
      { requiredKeys: ['type'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(anyEvent, { maxLength: 60 }), async (list) => {
        db.resetHistory();
        const res = await invoke(handler, apiEvent('record-visits', { rawBody: JSON.stringify(body({ events: list })) }));
        expect([202, 400]).toContain(res.status);
        expect(db.commandCalls(PutItemCommand).length > 0).toBe(res.status === 202 && res.body.stored > 0);
      }),
      { numRuns: 200 },
    );
  });
});
