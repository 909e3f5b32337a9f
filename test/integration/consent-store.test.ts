import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoConsentStore } from '../../shared/adapters/consent-store';
import { documentClient } from '../../shared/adapters/dynamodb';
import { DynamoPolicyStore } from '../../shared/adapters/policy-store';
import { tableName } from '../../shared/config';
import { recordConsent } from '../../shared/domain/consent';
import { ConflictError } from '../../shared/domain/errors';
import { policy } from '../helpers/memory-stores';
import { itemsOf } from '../helpers/tables';

const consents = () => new DynamoConsentStore(documentClient(), tableName('consents'));
const p = policy('2024-01', '2024-01-01T00:00:00Z');
const choices = { necessary: true as const, analytics: true, marketing: false };

describe('DynamoConsentStore against the emulator', () => {
  it('writes the receipt and the current state together and reads both back', async () => {
    const visitorId = `it-${randomUUID()}`;
    const record = recordConsent({ visitorId, memberId: 'member-1', policyVersion: '2024-01', choices }, { policy: p, now: new Date(), gpc: false });
    expect(await consents().save(record)).toBe('created');
    expect(await consents().current(visitorId)).toEqual(record);
    expect(await consents().receipt(visitorId, record.receiptId)).toEqual(record);
    expect((await itemsOf('consents', visitorId)).map((i) => i.sk).sort()).toEqual(['CURRENT', `RECEIPT#${record.receiptId}`]);
  });

  it('reports a duplicate and leaves the current state alone when a receipt id is written twice', async () => {
    const visitorId = `it-${randomUUID()}`;
    const first = recordConsent({ visitorId, policyVersion: '2024-01', choices }, { policy: p, now: new Date(), gpc: false, idempotencyKey: 'k' });
    await consents().save(first);
    const retry = { ...first, recordedAt: new Date(Date.now() + 1000).toISOString() };
    expect(await consents().save(retry)).toBe('duplicate');
    expect((await consents().current(visitorId))?.recordedAt).toBe(first.recordedAt);
  });

  it('indexes member receipts (not the current state) so a member\u2019s history is one query away', async () => {
    const visitorId = `it-${randomUUID()}`;
    const memberId = `member-${randomUUID()}`;
    await consents().save(recordConsent({ visitorId, memberId, policyVersion: '2024-01', choices }, { policy: p, now: new Date(), gpc: false }));
    const out = await documentClient().send(
      new QueryCommand({
        TableName: tableName('consents'),
        IndexName: 'byMember',
        KeyConditionExpression: 'memberId = :m',
        ExpressionAttributeValues: { ':m': memberId },
      }),
    );
    expect(out.Items?.map((i) => i.sk.split('#')[0])).toEqual(['RECEIPT']);
  });
});

describe('DynamoPolicyStore against the emulator', () => {
  it('publishes once, treats the same content as a retry and different content as a conflict', async () => {
    const store = new DynamoPolicyStore(documentClient(), tableName('policies'));
    const version = { ...policy(`v-${randomUUID().slice(0, 8)}`, '2030-01-01T00:00:00Z', ['analytics']), publishedAt: new Date().toISOString() };
    expect(await store.publish(version)).toBe('created');
    expect(await store.publish({ ...version, publishedAt: new Date().toISOString() })).toBe('duplicate');
    await expect(store.publish({ ...version, sha256: 'f'.repeat(64) })).rejects.toBeInstanceOf(ConflictError);
    expect((await store.list()).filter((v) => v.version === version.version)).toEqual([version]);
  });
});
