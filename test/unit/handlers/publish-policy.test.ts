import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler as listPolicies } from '../../../functions/admin/list-policies';
import { handler as publishPolicy } from '../../../functions/admin/publish-policy';
import { apiEvent, invoke } from '../../helpers/events';

const db = mockClient(DynamoDBDocumentClient);
const future = new Date(Date.now() + 30 * 86_400_000).toISOString();
const body = { version: 'next', effectiveAt: future, url: 'https://shop.example.com/privacy-policy/next', sha256: 'b'.repeat(64), changes: ['analytics'] };

beforeEach(() => {
  db.on(QueryCommand).resolves({ Items: [] });
  db.on(PutCommand).resolves({});
});
afterEach(() => db.reset());

describe('publish-policy', () => {
  it('stores a new version with a condition that it does not exist yet, and answers 201', async () => {
    const res = await invoke(publishPolicy, apiEvent('publish-policy', { body }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...body, publishedAt: expect.any(String) });
    expect(db).toHaveReceivedCommandWith(PutCommand, {
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: expect.objectContaining({ pk: 'POLICY', sk: 'next' }),
    });
  });

  it.each([
    ['a hash that is not SHA-256 hex', { sha256: 'xyz' }],
    ['an unknown category', { changes: ['profiling'] }],
    ['a repeated category', { changes: ['analytics', 'analytics'] }],
    ['a date without offset', { effectiveAt: '2027-01-01T00:00:00' }],
    ['a URL that is not http(s)', { url: 'javascript:alert(1)' }],
    ['an extra field', { extra: true }],
  ])('rejects %s with 400 and stores nothing', async (_name, change) => {
    const res = await invoke(publishPolicy, apiEvent('publish-policy', { body: { ...body, ...change } }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(db.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('answers 409 for a version name that exists with other content (the baseline)', async () => {
    const res = await invoke(publishPolicy, apiEvent('publish-policy', { body: { ...body, version: '2024-01' } }));
    expect(res.status).toBe(409);
    expect(db.commandCalls(PutCommand)).toHaveLength(0);
  });
});

describe('list-policies', () => {
  it('lists the baseline and published versions oldest first and names the one in force', async () => {
    db.on(QueryCommand).resolves({ Items: [{ pk: 'POLICY', sk: 'next', ...body }] });
    const res = await invoke(listPolicies, apiEvent('publish-policy'));
    expect(res.status).toBe(200);
    expect(res.body.current).toBe('2024-01');
    expect(res.body.items.map((v: { version: string }) => v.version)).toEqual(['2024-01', 'next']);
  });
});
