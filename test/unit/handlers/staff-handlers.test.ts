/**
 * The staff console's handlers with mocked AWS clients: bad input is a 400 before anything is read,
 * a missing sign-in a 401, every look is written to the audit table before data leaves, and a look
 * that cannot be recorded answers 503 with nothing in it.
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiEvent, invoke } from '../../helpers/events';
import { staffEvent } from '../../helpers/staff-auth';

const db = mockClient(DynamoDBDocumentClient);
const throttled = Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });

beforeEach(() => {
  db.on(QueryCommand).resolves({ Items: [] });
  db.on(GetCommand).resolves({});
  db.on(PutCommand).resolves({});
});
afterEach(() => db.reset());

const STAFF = { username: 'somsri.k', email: 'somsri@shop.example.com', groups: ['staff'] };

function request(method: 'GET' | 'POST', routeKey: string, opts: { path?: Record<string, string>; query?: Record<string, string>; body?: unknown } = {}) {
  const event = apiEvent('capture-consent', opts.body !== undefined ? { body: opts.body } : {});
  event.routeKey = routeKey;
  event.requestContext.http.method = method;
  if (opts.body === undefined) event.body = undefined;
  event.pathParameters = opts.path ?? {};
  event.queryStringParameters = opts.query ?? {};
  return event;
}
const signedIn = (event: APIGatewayProxyEventV2, person: typeof STAFF | 'dpo' = STAFF) => staffEvent(event, person);

const member = {
  pk: 'm-1',
  memberId: 'm-1',
  email: 'malee@example.com',
  locale: 'th',
  marketingOptIn: true,
  status: 'active',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const openRequest = {
  pk: 'R-ABCDEFGH23',
  id: 'R-ABCDEFGH23',
  type: 'delete',
  status: 'open',
  channel: 'email',
  email: 'malee@example.com',
  memberId: 'm-1',
  locale: 'th',
  receivedAt: '2026-11-25T03:00:00.000Z',
  dueAt: '2026-12-25T03:00:00.000Z',
  verifiedAt: '2026-11-25T03:00:00.000Z',
  history: [],
  version: 3,
};

describe('member look-up and view', () => {
  it('answers 400 for a look-up naming two keys and 401 without a sign-in, reading nothing', async () => {
    const { handler } = await import('../../../functions/admin/lookup-member');
    const twoKeys = await invoke(handler, signedIn(request('GET', 'GET /v1/admin/members', { query: { email: 'a@example.com', memberId: 'm-1' } })));
    expect(twoKeys.status).toBe(400);
    expect((await invoke(handler, request('GET', 'GET /v1/admin/members', { query: { memberId: 'm-1' } }))).status).toBe(401);
    expect(db.calls()).toHaveLength(0);
  });

  it('writes the viewed entry before reading the member\u2019s data, naming the person', async () => {
    const { handler } = await import('../../../functions/admin/get-member');
    db.on(GetCommand).resolves({ Item: member });
    const res = await invoke(handler, signedIn(request('GET', 'GET /v1/admin/members/{memberId}', { path: { memberId: 'm-1' } })));
    expect(res.status).toBe(200);
    const calls = db.calls().map((c) => c.args[0].constructor.name);
    const put = calls.indexOf('PutCommand');
    // Member read, chain head read, the viewed put; only then the member's visits, consents, orders...
    expect(calls.slice(0, put + 1)).toEqual(['GetCommand', 'QueryCommand', 'PutCommand']);
    expect(db.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({ action: 'viewed', actor: 'somsri@shop.example.com', subject: 'm-1' });
    expect(res.body).not.toHaveProperty('viewers');
  });

  it('answers 503 access_not_recorded and reads no further when the viewed entry cannot be written', async () => {
    const { handler } = await import('../../../functions/admin/get-member');
    db.on(GetCommand).resolves({ Item: member });
    db.on(PutCommand).rejects(throttled);
    const res = await invoke(handler, signedIn(request('GET', 'GET /v1/admin/members/{memberId}', { path: { memberId: 'm-1' } })));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('access_not_recorded');
    expect(res.text).not.toContain('malee');
    expect(db.commandCalls(QueryCommand)).toHaveLength(1); // the chain head, nothing of the member's data
  });

  it('gives the DPO the audit chain and who looked', async () => {
    const { handler } = await import('../../../functions/admin/get-member');
    db.on(GetCommand).resolves({ Item: member });
    const res = await invoke(handler, signedIn(request('GET', 'GET /v1/admin/members/{memberId}', { path: { memberId: 'm-1' } }), 'dpo'));
    expect(res.status).toBe(200);
    expect(res.body).toHaveProperty('viewers');
    expect(res.body.audit).toHaveProperty('verification');
  });
});

describe('request actions', () => {
  it('answers 400 for a reclassification without a reason or with an unknown type, before reading the request', async () => {
    const { handler } = await import('../../../functions/admin/reclassify-request');
    for (const body of [{ type: 'edit' }, { type: 'edit', reason: '   ' }, { type: 'refund', reason: 'x' }, { type: 'edit', reason: 'x', extra: 1 }]) {
      const res = await invoke(handler, signedIn(request('POST', 'POST /v1/admin/requests/{id}/reclassify', { path: { id: 'R-ABCDEFGH23' }, body })));
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(db.calls()).toHaveLength(0);
  });

  it('answers 409 when someone else changed the request in between, so the person reloads', async () => {
    const { handler } = await import('../../../functions/admin/comment-on-request');
    db.on(GetCommand).resolves({ Item: openRequest });
    db.on(PutCommand).rejects(Object.assign(new Error('changed'), { name: 'ConditionalCheckFailedException' }));
    const res = await invoke(
      handler,
      signedIn(request('POST', 'POST /v1/admin/requests/{id}/comments', { path: { id: 'R-ABCDEFGH23' }, body: { text: 'x' } })),
    );
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('request_changed');
  });

  it('writes the comment with the person\u2019s name and the audit entry it owes in one put', async () => {
    const { handler } = await import('../../../functions/admin/comment-on-request');
    db.on(GetCommand).resolves({ Item: openRequest });
    const res = await invoke(
      handler,
      signedIn(request('POST', 'POST /v1/admin/requests/{id}/comments', { path: { id: 'R-ABCDEFGH23' }, body: { text: 'ID checked' } })),
    );
    expect(res.status).toBe(201);
    const first = db.commandCalls(PutCommand)[0]!.args[0].input;
    expect(first.ConditionExpression).toBe('version = :previous');
    expect(first.Item).toMatchObject({
      history: [{ event: 'comment', by: 'somsri@shop.example.com', note: 'ID checked' }],
      owed: [{ kind: 'audit', entry: { action: 'request.commented', actor: 'somsri@shop.example.com' } }],
    });
    expect(res.body).not.toHaveProperty('mail');
  });
});

describe('suppression look-up', () => {
  it('answers since when and through which channel an address is suppressed', async () => {
    const { handler } = await import('../../../functions/admin/get-suppression');
    db.on(GetCommand).resolves({ Item: { pk: 'k', email: 'nid@example.com', subscribed: false, unsubscribedAt: '2026-11-20T00:00:00.000Z', via: 'email' } });
    const res = await invoke(handler, signedIn(request('GET', 'GET /v1/admin/suppressions/{email}', { path: { email: 'Nid@Example.com' } })));
    expect(res.body).toEqual({ email: 'nid@example.com', subscribed: false, unsubscribedAt: '2026-11-20T00:00:00.000Z', via: 'email' });
  });
});
