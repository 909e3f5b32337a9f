import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditAppendContentionError, DynamoAuditLog, MAX_ATTEMPTS, seqKey } from '../../shared/adapters/audit-store';
import { documentClient } from '../../shared/adapters/dynamodb';
import { GENESIS_HASH, hashEntry, nextEntry, verifyChain } from '../../shared/domain/audit';
import type { AuditEntry, AuditInput } from '../../shared/domain/ports';

const db = mockClient(DynamoDBDocumentClient);
const now = new Date('2026-03-01T09:00:00.000Z');
// mockClient(DynamoDBDocumentClient) stubs every document client, including the shared one.
const log = () => new DynamoAuditLog(documentClient(), 'audit-table', { now: () => now });
const input: AuditInput = {
  subject: 'm-1',
  actor: 'arn:aws:iam::123456789012:user/staff-a',
  action: 'request.closed',
  requestId: 'req-9',
  details: { outcome: 'fulfilled' },
};
const conflict = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/** A stored chain of `n` entries for m-1, as items (with keys). */
function storedChain(n: number): { entries: AuditEntry[]; items: Record<string, unknown>[] } {
  const entries: AuditEntry[] = [];
  for (let i = 0; i < n; i++) entries.push(nextEntry(entries.at(-1), { ...input, action: `step.${i + 1}` }, new Date(now.getTime() - (n - i) * 1000)));
  return { entries, items: entries.map((e) => ({ pk: e.subject, sk: seqKey(e.seq), ...e })) };
}

const puts = () => db.commandCalls(PutCommand).map((c) => c.args[0].input);
const queries = () => db.commandCalls(QueryCommand).map((c) => c.args[0].input);

beforeEach(() => {
  db.on(QueryCommand).resolves({ Items: [] });
  db.on(PutCommand).resolves({});
});
afterEach(() => db.reset());

describe('DynamoAuditLog.append', () => {
  it('writes a subject\u2019s first entry as seq 1 (sk 000000000001) linked to the genesis hash, with a put that never overwrites', async () => {
    const entry = await log().append(input);
    expect(entry).toMatchObject({ ...input, seq: 1, at: now.toISOString(), prevHash: GENESIS_HASH });
    const { hash, ...fields } = entry;
    expect(hash).toBe(hashEntry(fields));
    expect(puts()).toEqual([{ TableName: 'audit-table', Item: { pk: 'm-1', sk: '000000000001', ...entry }, ConditionExpression: 'attribute_not_exists(pk)' }]);
  });

  it('reads the subject\u2019s head with a consistent, newest-first query of one item', async () => {
    await log().append(input);
    expect(queries()).toEqual([
      {
        TableName: 'audit-table',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'm-1' },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      },
    ]);
  });

  it('continues the stored chain: next seq, prevHash = the head\u2019s hash, and the result verifies with it', async () => {
    const { entries, items } = storedChain(7);
    db.on(QueryCommand).resolves({ Items: [items[6]!] });
    const entry = await log().append(input);
    expect(entry).toMatchObject({ seq: 8, prevHash: entries[6]!.hash });
    expect(puts()[0]!.Item!.sk).toBe('000000000008');
    expect(verifyChain([...entries, entry])).toMatchObject({ ok: true, entries: 8 });
  });

  it('pads the sort key to 12 digits so keys sort in sequence order', () => {
    expect(seqKey(1)).toBe('000000000001');
    expect(seqKey(123_456_789_012)).toBe('123456789012');
    expect([seqKey(10), seqKey(9)].sort()).toEqual([seqKey(9), seqKey(10)]);
  });

  it('after a ConditionalCheckFailedException re-reads the head and retries with the next sequence number', async () => {
    const { entries, items } = storedChain(2);
    db.on(QueryCommand)
      .resolvesOnce({ Items: [items[0]!] })
      .resolves({ Items: [items[1]!] });
    db.on(PutCommand).rejectsOnce(conflict()).resolves({});
    const entry = await log().append(input);
    expect(queries()).toHaveLength(2);
    expect(puts().map((p) => p.Item!.sk)).toEqual(['000000000002', '000000000003']);
    expect(puts().every((p) => p.ConditionExpression === 'attribute_not_exists(pk)')).toBe(true);
    expect(entry).toMatchObject({ seq: 3, prevHash: entries[1]!.hash });
    expect(verifyChain([...entries, entry]).ok).toBe(true);
  });

  it(`gives up with an error after ${MAX_ATTEMPTS} attempts that all lost the race`, async () => {
    expect(MAX_ATTEMPTS).toBe(5);
    db.on(PutCommand).rejects(conflict());
    const error = await log()
      .append(input)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuditAppendContentionError);
    expect((error as Error).message).toMatch(/after 5 attempts/);
    expect((error as Error).message).not.toContain('m-1');
    expect(puts()).toHaveLength(5);
    expect(queries()).toHaveLength(5);
  });

  it('does not retry an error other than a failed condition', async () => {
    db.on(PutCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    await expect(log().append(input)).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(puts()).toHaveLength(1);
  });

  it('appends after the newest key even when that item\u2019s seq attribute was tampered with', async () => {
    const { items } = storedChain(3);
    db.on(QueryCommand).resolves({ Items: [{ ...items[2]!, seq: 1 }] });
    const entry = await log().append(input);
    expect(entry.seq).toBe(4);
    expect(puts()[0]!.Item!.sk).toBe('000000000004');
  });
});

describe('DynamoAuditLog.entries', () => {
  it('pages through an ascending, consistent query and returns the entries without their keys', async () => {
    const { entries, items } = storedChain(3);
    db.on(QueryCommand)
      .resolvesOnce({ Items: items.slice(0, 2), LastEvaluatedKey: { pk: 'm-1', sk: '000000000002' } })
      .resolves({ Items: items.slice(2) });
    expect(await log().entries('m-1')).toEqual(entries);
    const [first, second] = queries();
    expect(first).toMatchObject({
      TableName: 'audit-table',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'm-1' },
      ConsistentRead: true,
    });
    expect(first!.ScanIndexForward).not.toBe(false);
    expect(first!.ExclusiveStartKey).toBeUndefined();
    expect(second!.ExclusiveStartKey).toEqual({ pk: 'm-1', sk: '000000000002' });
    expect(queries()).toHaveLength(2);
  });

  it('returns only the contract\u2019s fields, so an attribute added to a stored item cannot pass as verified', async () => {
    const { entries, items } = storedChain(1);
    db.on(QueryCommand).resolves({ Items: [{ ...items[0]!, approvedBy: 'nobody' }] });
    expect(await log().entries('m-1')).toEqual(entries);
  });

  it('returns an empty list for a subject with no entries', async () => {
    expect(await log().entries('m-unknown')).toEqual([]);
  });
});

describe('DynamoAuditLog permissions', () => {
  it('sends only Query and PutItem, the two actions the stack grants for the audit table', async () => {
    const { items } = storedChain(1);
    db.on(QueryCommand).resolves({ Items: [items[0]!] });
    db.on(PutCommand).rejectsOnce(conflict()).resolves({});
    await log().append(input);
    await log().entries('m-1');
    expect(new Set(db.calls().map((c) => c.args[0].constructor.name))).toEqual(new Set(['QueryCommand', 'PutCommand']));
  });
});
