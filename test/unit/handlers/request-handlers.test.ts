import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler as submitRequest } from '../../../functions/requests/submit-request';
import { handler as receiveEmail } from '../../../functions/email/receive-email';
import { handler as completeRequest } from '../../../functions/admin/complete-request';
import { apiEvent, invoke } from '../../helpers/events';
import { staffEvent } from '../../helpers/staff-auth';

const db = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const ses = mockClient(SESv2Client);

beforeEach(() => {
  db.on(QueryCommand).resolves({ Items: [] });
  db.on(GetCommand).resolves({});
  db.on(PutCommand).resolves({});
  db.on(UpdateCommand).resolves({});
  ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
});
afterEach(() => {
  db.reset();
  s3.reset();
  ses.reset();
});

const post = (path: string, body: unknown, routeKey = `POST ${path}`) => {
  const event = apiEvent('capture-consent', { body });
  event.routeKey = routeKey;
  event.rawPath = path;
  return event;
};

describe('submit-request', () => {
  it('answers 202 awaiting confirmation and mails the link, changing nothing else', async () => {
    const res = await invoke(submitRequest, post('/v1/requests', { email: 'a@example.com', type: 'delete' }));
    expect(res).toMatchObject({ status: 202, body: { status: 'awaiting_confirmation', requestId: expect.stringMatching(/^R-/) } });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('answers 429 when the source used up its submissions for the day, and mails nothing', async () => {
    db.on(UpdateCommand).rejects(Object.assign(new Error('limit'), { name: 'ConditionalCheckFailedException' }));
    const res = await invoke(submitRequest, post('/v1/requests', { email: 'a@example.com', type: 'delete' }));
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('never answers 5xx and never writes a request for arbitrary bodies that are not a request (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue().filter((v) => !(v && typeof v === 'object' && 'email' in v)),
        async (body) => {
          db.resetHistory();
          const res = await invoke(submitRequest, post('/v1/requests', body));
          expect(res.status).toBe(400);
          expect(db.commandCalls(PutCommand)).toHaveLength(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('complete-request', () => {
  it('rejects a malformed reference with 400 before reading anything', async () => {
    const event = staffEvent(post('/v1/admin/requests/x/complete', { outcome: 'done' }, 'POST /v1/admin/requests/{id}/complete'));
    event.pathParameters = { id: "R-1' OR 1=1" };
    const res = await invoke(completeRequest, event);
    expect(res.status).toBe(400);
    expect(db.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('answers 404 for a request that does not exist', async () => {
    const event = staffEvent(post('/v1/admin/requests/x/complete', { outcome: 'done' }, 'POST /v1/admin/requests/{id}/complete'));
    event.pathParameters = { id: 'R-ABCDEFGH23' };
    expect((await invoke(completeRequest, event)).status).toBe(404);
  });
});

describe('receive-email', () => {
  it.each([
    ['not an SES event', { hello: 'world' }],
    ['no records', { Records: [] }],
    [
      'a message id with a path in it',
      {
        Records: [
          {
            ses: {
              mail: { messageId: '../../etc/passwd' },
              receipt: {
                spfVerdict: { status: 'PASS' },
                dkimVerdict: { status: 'PASS' },
                dmarcVerdict: { status: 'PASS' },
                spamVerdict: { status: 'PASS' },
                virusVerdict: { status: 'PASS' },
              },
            },
          },
        ],
      },
    ],
  ])('drops %s without reading S3 or writing anything', async (_name, event) => {
    expect(await receiveEmail(event as never)).toEqual([]);
    expect(s3.calls()).toHaveLength(0);
    expect(db.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('throws (so Lambda retries) when the raw mail is not in the bucket, writing nothing', async () => {
    s3.rejects(Object.assign(new Error('gone'), { name: 'NoSuchKey' }));
    const event = {
      Records: [
        {
          ses: {
            mail: { messageId: 'abc' },
            receipt: {
              spfVerdict: { status: 'PASS' },
              dkimVerdict: { status: 'PASS' },
              dmarcVerdict: { status: 'PASS' },
              spamVerdict: { status: 'PASS' },
              virusVerdict: { status: 'PASS' },
            },
          },
        },
      ],
    };
    await expect(receiveEmail(event as never)).rejects.toThrow(/not in the inbound bucket/);
    expect(db.commandCalls(PutCommand)).toHaveLength(0);
  });
});

describe('get-raw-mail', () => {
  const get = (id: string) => {
    const event = staffEvent(post(`/v1/admin/requests/${id}/raw`, undefined, 'GET /v1/admin/requests/{id}/raw'));
    event.requestContext.http.method = 'GET';
    event.body = undefined;
    event.pathParameters = { id };
    return event;
  };

  it('answers short-lived links to the raw mail of the request and of each reply', async () => {
    const { handler: getRawMail } = await import('../../../functions/admin/get-raw-mail');
    db.on(GetCommand).resolves({
      Item: {
        pk: 'R-ABCDEFGH23',
        id: 'R-ABCDEFGH23',
        rawMailKey: 'inbound/ses-1',
        sesMessageId: 'ses-1',
        replies: [{ at: '2026-11-25T03:00:00.000Z', sesMessageId: 'ses-2', rawMailKey: 'inbound/ses-2', authenticated: true }],
        history: [],
        version: 2,
      },
    });
    const res = await invoke(getRawMail, get('R-ABCDEFGH23'));
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { sesMessageId: string }) => i.sesMessageId)).toEqual(['ses-1', 'ses-2']);
    const url = new URL(res.body.items[0].url);
    expect(url.pathname).toContain('inbound/ses-1');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(res.body.expiresInSeconds).toBe(300);
  });

  it('answers 404 for a request that came by web form (no raw mail)', async () => {
    const { handler: getRawMail } = await import('../../../functions/admin/get-raw-mail');
    db.on(GetCommand).resolves({ Item: { pk: 'R-ABCDEFGH23', id: 'R-ABCDEFGH23', history: [], version: 1 } });
    expect((await invoke(getRawMail, get('R-ABCDEFGH23'))).status).toBe(404);
  });
});

describe('get-request', () => {
  it('shows what a request still owes without the mail itself (a pending confirmation holds a live link)', async () => {
    const { handler: getRequest } = await import('../../../functions/admin/get-request');
    db.on(GetCommand).resolves({
      Item: {
        pk: 'R-ABCDEFGH23',
        id: 'R-ABCDEFGH23',
        history: [],
        version: 1,
        owed: [
          {
            id: 'mail:confirmation',
            kind: 'mail',
            since: '2026-11-25T03:00:00.000Z',
            mail: { to: 'a@example.com', subject: 's', text: 'https://x/verify?token=t' },
          },
        ],
      },
    });
    const event = staffEvent(post('/v1/admin/requests/R-ABCDEFGH23', undefined, 'GET /v1/admin/requests/{id}'));
    event.requestContext.http.method = 'GET';
    event.body = undefined;
    event.pathParameters = { id: 'R-ABCDEFGH23' };
    const res = await invoke(getRequest, event);
    expect(res.status).toBe(200);
    expect(res.body.owed).toEqual([{ id: 'mail:confirmation', kind: 'mail', since: '2026-11-25T03:00:00.000Z' }]);
    expect(res.text).not.toContain('token=');
  });
});
