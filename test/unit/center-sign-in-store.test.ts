import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoCenterSignInStore } from '../../shared/adapters/center-sign-in-store';
import { documentClient } from '../../shared/adapters/dynamodb';
import type { CenterSignIn } from '../../shared/domain/privacy-center';

const db = mockClient(DynamoDBDocumentClient);
afterEach(() => db.reset());
const store = () => new DynamoCenterSignInStore(documentClient(), 'requests-table');
const now = new Date('2026-03-01T03:00:00.000Z');
const until = new Date('2026-03-01T03:30:00.000Z');
const signIn: CenterSignIn = {
  id: 'abc',
  email: 'nid@example.com',
  locale: 'th',
  createdAt: '2026-03-01T02:55:00.000Z',
  linkExpiresAt: '2026-03-01T03:10:00.000Z',
};

describe('center sign-in store', () => {
  it('keeps a link under its own key, expiring by the table\u2019s TTL when the link does, never overwriting one', async () => {
    db.on(PutCommand).resolves({});
    await store().create(signIn);
    expect(db.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'requests-table',
      Item: { pk: 'SIGNIN#abc', ...signIn, expiresAt: Date.parse(signIn.linkExpiresAt) / 1000 },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('uses a link in one conditional write (unused and unexpired), keeping the item until the session ends', async () => {
    db.on(TransactWriteCommand).resolves({});
    db.on(GetCommand).resolves({ Item: { pk: 'SIGNIN#abc', ...signIn, usedAt: now.toISOString(), sessionExpiresAt: until.toISOString(), expiresAt: 1 } });
    expect(await store().redeem('abc', now, until)).toEqual({ ...signIn, usedAt: now.toISOString(), sessionExpiresAt: until.toISOString() });
    const update = db.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Update!;
    expect(update.Key).toEqual({ pk: 'SIGNIN#abc' });
    expect(update.ConditionExpression).toBe('attribute_exists(pk) AND attribute_not_exists(usedAt) AND linkExpiresAt > :now');
    expect(update.ExpressionAttributeValues).toEqual({ ':now': now.toISOString(), ':until': until.toISOString(), ':ttl': until.getTime() / 1000 });
  });

  it('answers undefined to the use that lost the condition, and rethrows anything else', async () => {
    const lost = new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] });
    db.on(TransactWriteCommand).rejectsOnce(lost).rejectsOnce(new Error('network'));
    expect(await store().redeem('abc', now, until)).toBeUndefined();
    await expect(store().redeem('abc', now, until)).rejects.toThrow('network');
    expect(db.commandCalls(GetCommand)).toHaveLength(0);
  });
});
