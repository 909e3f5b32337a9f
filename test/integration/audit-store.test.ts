import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoAuditLog, seqKey } from '../../shared/adapters/audit-store';
import { documentClient } from '../../shared/adapters/dynamodb';
import { tableName } from '../../shared/config';
import { GENESIS_HASH, verifyChain } from '../../shared/domain/audit';
import type { AuditInput } from '../../shared/domain/ports';
import { itemsOf } from '../helpers/tables';

const audit = () => new DynamoAuditLog(documentClient(), tableName('audit'));
const subject = () => `it-member-${randomUUID()}`;

const inputsFor = (member: string): AuditInput[] => [
  { subject: member, actor: 'storefront-backend', action: 'member.registered', requestId: 'req-1', details: { fields: ['email', 'name'] } },
  {
    subject: member,
    actor: 'arn:aws:iam::123456789012:user/staff-a',
    action: 'request.opened',
    requestId: 'req-2',
    details: { type: 'access', nested: { z: 1.5, a: [true, null, 'x'] } },
  },
  { subject: member, actor: 'requester', action: 'consent.changed' },
  { subject: member, actor: 'system:hold-expiry', action: 'member.deactivated', details: { reason: 'cancelled', count: 0, note: '' } },
];

/** Appends the inputs one after another and returns what append returned. */
async function appendAll(inputs: AuditInput[]) {
  const appended = [];
  for (const input of inputs) appended.push(await audit().append(input));
  return appended;
}

describe('DynamoAuditLog against the emulator', () => {
  it('appends entries in sequence, reads back exactly what was appended, and the stored chain verifies', async () => {
    const member = subject();
    const appended = await appendAll(inputsFor(member));
    expect(appended.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(appended[0]!.prevHash).toBe(GENESIS_HASH);

    const read = await audit().entries(member);
    expect(read).toEqual(appended);
    expect(verifyChain(read)).toEqual({ ok: true, entries: 4, head: appended[3]!.hash });
    expect((await itemsOf('audit', member)).map((i) => i.sk)).toEqual(['000000000001', '000000000002', '000000000003', '000000000004']);
  });

  it('keeps subjects\u2019 chains apart: each starts at seq 1 and reads back only its own entries', async () => {
    const [a, b] = [subject(), subject()];
    await appendAll(inputsFor(a).slice(0, 2));
    const [onlyB] = await appendAll(inputsFor(b).slice(0, 1));
    expect(onlyB).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect((await audit().entries(a)).map((e) => e.subject)).toEqual([a, a]);
    expect(await audit().entries(b)).toEqual([onlyB]);
  });

  it('lands 5 concurrent appends to one subject with distinct consecutive seqs, and the chain verifies', async () => {
    const member = subject();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => audit().append({ subject: member, actor: `staff-${i}`, action: 'request.viewed', requestId: `req-${i}` })),
    );
    expect(results.map((e) => e.seq).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5]);
    const read = await audit().entries(member);
    expect(read.map((e) => e.requestId).sort()).toEqual(['req-0', 'req-1', 'req-2', 'req-3', 'req-4']);
    expect(verifyChain(read)).toEqual({ ok: true, entries: 5, head: read[4]!.hash });
  });

  it('reports the seq of a stored entry that was edited in the table', async () => {
    const member = subject();
    await appendAll(inputsFor(member));
    const stored = (await itemsOf('audit', member)).find((i) => i.sk === seqKey(2))!;
    await documentClient().send(new PutCommand({ TableName: tableName('audit'), Item: { ...stored, actor: 'arn:aws:iam::123456789012:user/someone-else' } }));
    expect(verifyChain(await audit().entries(member))).toEqual({ ok: false, entries: 4, firstBrokenSeq: 2, reason: 'hash_mismatch' });
  });

  it('reports a gap at the seq of a stored entry that was deleted from the table', async () => {
    const member = subject();
    await appendAll(inputsFor(member));
    await documentClient().send(new DeleteCommand({ TableName: tableName('audit'), Key: { pk: member, sk: seqKey(3) } }));
    expect(verifyChain(await audit().entries(member))).toEqual({ ok: false, entries: 3, firstBrokenSeq: 3, reason: 'sequence_gap' });
  });
});
