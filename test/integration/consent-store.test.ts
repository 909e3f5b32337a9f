import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoConsentStore } from '../../shared/adapters/consent-store';
import { documentClient } from '../../shared/adapters/dynamodb';
import { DynamoPolicyStore } from '../../shared/adapters/policy-store';
import { personalData } from '../../shared/adapters/wiring';
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
    const record = recordConsent({ visitorId, policyVersion: '2024-01', choices }, { policy: p, now: new Date(), gpc: false });
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

  it('never reads back a member id stored on an item by the former public route', async () => {
    const visitorId = `it-${randomUUID()}`;
    const record = recordConsent({ visitorId, policyVersion: '2024-01', choices }, { policy: p, now: new Date(), gpc: false });
    await consents().save(record);
    const table = tableName('consents');
    await documentClient().send(new PutCommand({ TableName: table, Item: { pk: visitorId, sk: 'CURRENT', ...record, currentMemberId: 'claimed-member' } }));
    await documentClient().send(
      new PutCommand({ TableName: table, Item: { pk: visitorId, sk: `RECEIPT#${record.receiptId}`, ...record, memberId: 'claimed-member' } }),
    );
    expect(await consents().current(visitorId)).toEqual(record);
    expect(await consents().receipt(visitorId, record.receiptId)).toEqual(record);
  });

  it('reads the current choices and the profiling stop in one query', async () => {
    const visitorId = `it-${randomUUID()}`;
    const record = recordConsent({ visitorId, policyVersion: '2024-01', choices }, { policy: p, now: new Date(), gpc: false });
    await consents().save(record);
    expect(await consents().currentChoices(visitorId)).toEqual({ analytics: true, receiptId: record.receiptId });
    await personalData().stopProfiling([visitorId], new Date());
    expect(await consents().currentChoices(visitorId)).toEqual({ analytics: true, receiptId: record.receiptId, profilingStopped: true });
    // A new consent replaces the choices, not the stop.
    await consents().save(recordConsent({ visitorId, policyVersion: '2024-01', choices }, { policy: p, now: new Date(), gpc: false }));
    expect((await consents().currentChoices(visitorId))?.profilingStopped).toBe(true);
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
