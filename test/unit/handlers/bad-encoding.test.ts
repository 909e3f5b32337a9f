/**
 * Lone UTF-16 surrogates (`"\udfff"` in JSON) are not text: they cannot be stored or mailed as UTF-8.
 * The shared middleware chain answers 400 `invalid_encoding` for them on every route, before any
 * handler or store sees the input.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { handler as recordVisits } from '../../../functions/visits/record-visits';
import { handler as submitRequest } from '../../../functions/requests/submit-request';
import { ok } from '../../../shared/http/responses';
import { route } from '../../../shared/http/route';
import { apiEvent, invoke } from '../../helpers/events';

const db = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);

beforeEach(() => {
  db.on(QueryCommand).resolves({ Items: [{ sk: 'CURRENT', choices: { analytics: true }, receiptId: 'r-1' }] });
  db.on(GetCommand).resolves({});
  db.on(PutCommand).resolves({});
  db.on(UpdateCommand).resolves({});
  db.on(BatchWriteCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
});
afterEach(() => {
  db.reset();
  ses.reset();
});

describe('lone surrogates in free text', () => {
  it('answers 400 invalid_encoding to a beacon whose title holds a lone low surrogate, storing nothing', async () => {
    const raw = '{"visitorId":"v-0123456789","sessionId":"s-1","events":[{"type":"pageview","path":"/x","title":"x\\udfff"}]}';
    const res = await invoke(recordVisits, apiEvent('record-visits', { rawBody: raw }));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_encoding', issues: [{ path: 'body.events.0.title' }] });
    expect(db.commandCalls(PutItemCommand)).toHaveLength(0);
  });

  it('answers 400 invalid_encoding to a web request whose details hold a lone high surrogate, storing and mailing nothing', async () => {
    const event = apiEvent('capture-consent', { rawBody: '{"email":"a@example.com","type":"other","details":"hi \\ud800"}' });
    event.routeKey = 'POST /v1/requests';
    event.rawPath = '/v1/requests';
    const res = await invoke(submitRequest, event);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_encoding');
    expect(db.commandCalls(PutCommand)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('applies the same rule to body, keys, path and query of any route, and keeps well-formed pairs such as emoji (property)', async () => {
    const echo = route({ body: z.any(), path: z.any(), query: z.any() }).handler(async (event) => ok({ body: event.input.body }));
    const lone = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
    const text = fc.tuple(fc.string({ maxLength: 5 }), lone, fc.string({ maxLength: 5 })).map(([a, s, b]) => a + s + b);
    await fc.assert(
      fc.asyncProperty(text, fc.constantFrom('value', 'key', 'path', 'query'), async (bad, where) => {
        const event = apiEvent('capture-consent', {
          body: where === 'value' ? { list: [{ note: bad }] } : where === 'key' ? { [bad]: 1 } : { fine: 'ok' },
          ...(where === 'path' ? { pathParameters: { id: bad } } : {}),
        });
        if (where === 'query') event.queryStringParameters = { q: bad };
        const res = await invoke(echo, event);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('invalid_encoding');
      }),
      { numRuns: 100 },
    );
    const fine = await invoke(echo, apiEvent('capture-consent', { body: { note: 'ชา \ud83c\udf75' } }));
    expect(fine).toMatchObject({ status: 200, body: { body: { note: 'ชา 🍵' } } });
  });

  it('answers a beacon nested 10,000 objects deep with 400, not a stack overflow, and finds a surrogate at the bottom', async () => {
    const nested = (inner: string) => `${'{"a":'.repeat(10_000)}${inner}${'}'.repeat(10_000)}`;
    const res = await invoke(recordVisits, apiEvent('record-visits', { rawBody: nested('1') }));
    expect(res.status).toBe(400);
    expect(db.commandCalls(PutItemCommand)).toHaveLength(0);

    const deep = await invoke(recordVisits, apiEvent('record-visits', { rawBody: nested('"x\\udfff"') }));
    expect(deep.status).toBe(400);
    expect(deep.body.error.code).toBe('invalid_encoding');
    expect(deep.body.error.issues[0].path).toBe(`body${'.a'.repeat(10_000)}`);
  });
});

describe('reading a text body', () => {
  const echo = route({ body: z.any(), maxBodyBytes: 40 }).handler(async (event) => ok({ body: event.input.body }));

  it('reads a text body as its UTF-8 bytes read: raw lone surrogates as U+FFFD, a leading BOM dropped, the size in bytes (property)', async () => {
    // The same body sent as base64 is read as bytes: both ways must give the same answer.
    const char = fc.oneof(
      fc.constantFrom('a', 'ก', '🍵', '\ud800', '\udfff', '\ufeff', ' '),
      fc.string({ maxLength: 3 }).filter((s) => [...s].every((c) => c >= ' ' && c !== '"' && c !== '\\')),
    );
    const body = fc
      .tuple(fc.boolean(), fc.array(char, { maxLength: 20, size: 'max' }))
      .map(([bom, chars]) => `${bom ? '\ufeff' : ''}{"note":"${chars.join('')}"}`);
    let tooLarge = 0;
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const asText = await invoke(echo, apiEvent('capture-consent', { rawBody: text }));
        const asBytes = await invoke(echo, apiEvent('capture-consent', { rawBody: Buffer.from(text, 'utf8').toString('base64'), isBase64Encoded: true }));
        if (asText.status === 413) tooLarge++;
        expect({ status: asText.status, body: asText.body }).toEqual({ status: asBytes.status, body: asBytes.body });
      }),
      { numRuns: 300 },
    );
    expect(tooLarge).toBeGreaterThan(0);
    const read = await invoke(echo, apiEvent('capture-consent', { rawBody: '\ufeff{"note":"x\ud800"}' }));
    expect(read).toMatchObject({ status: 200, body: { body: { note: 'x\ufffd' } } });
  });

  it('lower-cases header names an event sends in mixed case, and reads lower-case ones as they are', async () => {
    const headersSeen = route().handler(async (event) => ok({ type: event.headers['content-type'], agent: event.headers['user-agent'] }));
    const mixed = apiEvent('capture-consent', { headers: { 'content-type': undefined, 'Content-Type': 'application/json', 'User-Agent': 'Test/1' } });
    expect((await invoke(headersSeen, mixed)).body).toEqual({ type: 'application/json', agent: 'Test/1' });
    const lower = apiEvent('capture-consent', { headers: { 'user-agent': 'Test/2' } });
    expect((await invoke(headersSeen, lower)).body).toEqual({ type: 'application/json', agent: 'Test/2' });
  });
});
