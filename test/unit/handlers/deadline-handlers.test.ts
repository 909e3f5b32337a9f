import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler as processJobs } from '../../../functions/deadlines/process-jobs';
import { handler as oneClick } from '../../../functions/subscriptions/one-click-unsubscribe';
import { signLink } from '../../../shared/domain/signed-link';
import { subscriberKey } from '../../../shared/domain/subscriptions';
import { apiEvent, invoke } from '../../helpers/events';

const db = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
beforeEach(() => {
  db.on(GetCommand).resolves({});
  db.on(UpdateCommand).resolves({ Attributes: { subscribed: true } });
  ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
});
afterEach(() => {
  db.reset();
  ses.reset();
});

const sqsEvent = (bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m${i}`,
    receiptHandle: 'r',
    body,
    attributes: {} as never,
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn',
    awsRegion: 'ap-southeast-1',
  })),
});

describe('process-jobs', () => {
  it('reports poison messages as batch item failures and still processes the rest', async () => {
    const good = JSON.stringify({ v: 1, requestId: 'R-ABCDEFGH23', chainId: 'c', hop: 0, milestone: 'due', at: new Date().toISOString() });
    const result = await processJobs(sqsEvent(['not json', good, JSON.stringify({ v: 2 }), JSON.stringify({ v: 1, requestId: 'x' })]));
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m0', 'm2', 'm3']);
    expect(db.commandCalls(GetCommand).length).toBeGreaterThan(0); // the good one was looked up (and dropped: no such request)
  });

  it('hands a breach’s job to the registers: reads the breach and its chain from the registers table, and retires a chain whose breach is gone', async () => {
    const job = JSON.stringify({
      v: 1,
      register: 'breach',
      entryId: 'B-ABCDEFGH23',
      chainId: 'c',
      hop: 0,
      milestone: 'remind-24h',
      at: new Date().toISOString(),
    });
    expect((await processJobs(sqsEvent([job]))).batchItemFailures).toEqual([]);
    const reads = db.commandCalls(GetCommand).map((c) => c.args[0].input);
    expect(reads).toContainEqual(expect.objectContaining({ TableName: 'test-Registers', Key: { pk: 'BREACH', sk: 'B-ABCDEFGH23' } }));
    expect(reads).toContainEqual(expect.objectContaining({ TableName: 'test-Registers', Key: { pk: 'CHAIN#breach:B-ABCDEFGH23', sk: 'CHAIN' } }));
    const retired = db.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(retired).toEqual([expect.objectContaining({ TableName: 'test-Registers', UpdateExpression: 'REMOVE chainQueue' })]);
    expect(reads.some((r) => r.TableName === 'test-Requests')).toBe(false);
  });

  it('refuses a register job with an unknown milestone or register as poison', async () => {
    const bad = (over: Record<string, unknown>) =>
      JSON.stringify({
        v: 1,
        register: 'breach',
        entryId: 'B-ABCDEFGH23',
        chainId: 'c',
        hop: 0,
        milestone: 'remind-24h',
        at: new Date().toISOString(),
        ...over,
      });
    const result = await processJobs(sqsEvent([bad({ milestone: 'remind-2d' }), bad({ register: 'request' }), bad({ entryId: 'R-ABCDEFGH23' })]));
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m0', 'm1', 'm2']);
    expect(db.commandCalls(GetCommand)).toEqual([]);
  });

  it('reports a transient failure so SQS redelivers the job instead of dropping it', async () => {
    db.on(GetCommand).rejects(new Error('throttled'));
    const job = JSON.stringify({ v: 1, requestId: 'R-ABCDEFGH23', chainId: 'c', hop: 0, milestone: 'due', at: new Date().toISOString() });
    expect((await processJobs(sqsEvent([job]))).batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
  });
});

describe('one-click unsubscribe', () => {
  const token = signLink('unsubscribe', { s: subscriberKey('a@example.com') }, Buffer.from(process.env.TOKEN_SECRET!));
  const post = (body: string, contentType = 'application/x-www-form-urlencoded', t = token) => {
    const event = apiEvent('capture-consent', { rawBody: body, headers: { 'content-type': contentType } });
    event.routeKey = 'POST /v1/unsubscribe';
    event.queryStringParameters = { token: t };
    return event;
  };

  it('unsubscribes on the RFC 8058 body, urlencoded or multipart', async () => {
    db.on(GetCommand).resolves({ Item: { pk: subscriberKey('a@example.com'), email: 'a@example.com', subscribed: true } });
    expect(await invoke(oneClick, post('List-Unsubscribe=One-Click'))).toMatchObject({ status: 200, body: { unsubscribed: true } });
    const multipart = '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x--\r\n';
    expect((await invoke(oneClick, post(multipart, 'multipart/form-data; boundary=x'))).status).toBe(200);
    expect(db.commandCalls(UpdateCommand).length).toBeGreaterThan(0);
  });

  it('answers 200 for the suppression when the notice fails, gives its claim back, and the next click sends it', async () => {
    db.on(GetCommand).resolves({ Item: { pk: subscriberKey('a@example.com'), email: 'a@example.com', subscribed: true } });
    ses.on(SendEmailCommand).rejectsOnce(new Error('Throttling')).resolves({ MessageId: 'm' });
    const updates = () => db.commandCalls(UpdateCommand).map((c) => c.args[0].input.UpdateExpression);

    expect(await invoke(oneClick, post('List-Unsubscribe=One-Click'))).toMatchObject({ status: 200, body: { unsubscribed: true } });
    // The claim marks the notice owed (for the sweep); giving the claim back keeps it owed.
    expect(updates()).toEqual([
      expect.stringContaining('subscribed = :f'),
      expect.stringContaining('SET noticeClaimedUntil = :until, noticeQueue = :q'),
      'REMOVE noticeClaimedUntil',
    ]);

    db.resetHistory();
    expect((await invoke(oneClick, post('List-Unsubscribe=One-Click'))).status).toBe(200);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    expect(updates()).toEqual([
      expect.stringContaining('subscribed = :f'),
      expect.stringContaining('SET noticeClaimedUntil = :until'),
      expect.stringMatching(/^SET confirmedAt .* REMOVE noticeClaimedUntil, noticeQueue/),
    ]);
  });

  it.each([
    ['an empty body', ''],
    ['another value', 'List-Unsubscribe=Yes'],
    ['a JSON body without the field', '{}'],
  ])('refuses %s with 4xx and changes nothing', async (_name, body) => {
    const res = await invoke(oneClick, post(body, body.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded'));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(db.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('refuses a forged token with 400 and changes nothing', async () => {
    const res = await invoke(oneClick, post('List-Unsubscribe=One-Click', undefined, `${token.slice(0, -3)}AAA`));
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_link' } } });
    expect(db.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});
