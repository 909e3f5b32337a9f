/**
 * The sparse indexes, against the emulator: requests that still owe an effect (byOwed) and live
 * deadline chains by when they were last seen (byQuietChain), which the hourly sweep reads; an
 * address's open requests (byOpenEmail), which folding reads; and the pointer from a sent mail's SES
 * id to its request, which replies are matched by.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoChainStore } from '../../shared/adapters/deadline-queue';
import { documentClient } from '../../shared/adapters/dynamodb';
import { DynamoRequestStore } from '../../shared/adapters/request-store';
import { tableName } from '../../shared/config';
import { DEFAULT_DEADLINES } from '../../shared/domain/deadlines';
import { owe } from '../../shared/domain/request-effects';
import { newRequest, newRequestId } from '../../shared/domain/requests';

const requests = () => new DynamoRequestStore(documentClient(), tableName('requests'));
const chains = () => new DynamoChainStore(documentClient(), tableName('requests'));
// A time of its own, before anything other tests write, so each query here sees only this file's items.
const past = new Date('2001-02-03T04:05:06.000Z');
const later = (minutes: number) => new Date(past.getTime() + minutes * 60_000);

async function pages<T>(read: (cursor?: string) => Promise<{ items: T[]; next?: string }>) {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    all.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return all;
}

describe('sweep indexes against the emulator', () => {
  it('lets one request hold an open slot: a second is refused with the holder, and takes it only by replacing that holder', async () => {
    const store = requests();
    const make = () =>
      newRequest(
        { id: newRequestId(), type: 'delete', channel: 'web', email: `slot-${randomUUID()}@example.com`, locale: 'en', status: 'awaiting_confirmation' },
        past,
        DEFAULT_DEADLINES,
        'test',
      );
    const slot = `${randomUUID()}#delete`;
    const [a, b, c] = [make(), make(), make()];
    expect(await store.createOpen(a, slot)).toEqual({ created: true });
    expect(await store.createOpen(b, slot)).toEqual({ created: false, holder: a.id });
    expect(await store.get(b.id)).toBeUndefined();
    expect(await store.createOpen(b, slot, 'R-SOMEONEELS')).toEqual({ created: false, holder: a.id });
    expect(await store.createOpen(b, slot, a.id)).toEqual({ created: true });
    expect(await store.createOpen(c, slot, a.id)).toEqual({ created: false, holder: b.id });
    expect((await store.get(b.id))?.id).toBe(b.id);
  });

  it('lists a request while it owes an effect, oldest first, and not once the effect is done', async () => {
    const store = requests();
    const request = newRequest(
      { id: newRequestId(), type: 'delete', channel: 'web', email: `idx-${randomUUID()}@example.com`, locale: 'en', status: 'awaiting_confirmation' },
      past,
      DEFAULT_DEADLINES,
      'test',
    );
    const owing = owe(
      request,
      [{ id: 'audit:request.received', kind: 'audit', entry: { subject: 'x', actor: 'requester', action: 'request.received' } }],
      past,
    );
    await store.create(owing);
    const ids = async () => (await pages((c) => store.owingSince(later(1), 25, c))).map((r) => r.id);
    expect(await ids()).toContain(request.id);
    const { owed: _owed, ...settled } = owing;
    await store.update({ ...settled, version: owing.version + 1 });
    expect(await ids()).not.toContain(request.id);
    expect((await store.get(request.id))?.owed).toBeUndefined();
  });

  it('lists a live chain once it went quiet, not while it hops, and never after it is retired', async () => {
    const store = chains();
    const requestId = newRequestId();
    const quiet = async (minutes: number) => (await pages((c) => store.quietSince(later(minutes), 25, c))).map((q) => q.requestId);
    await store.start(requestId, 'chain-1', past);
    expect(await quiet(1)).toContain(requestId);
    expect(await store.advance(requestId, 'chain-1', 0, later(10))).toBe(true);
    expect(await quiet(5)).not.toContain(requestId);
    expect(await quiet(11)).toContain(requestId);
    await store.retire(requestId, 'chain-other'); // a newer chain would stay live
    expect(await quiet(11)).toContain(requestId);
    await store.retire(requestId, 'chain-1');
    expect(await quiet(11)).not.toContain(requestId);
  });

  it('lists only the open requests of an address for folding, not its closed history', async () => {
    const store = requests();
    const email = `fold-${randomUUID()}@example.com`;
    const make = (status: 'open' | 'rejected') =>
      newRequest({ id: newRequestId(), type: 'delete', channel: 'web', email, locale: 'en', status, note: 'n' }, past, DEFAULT_DEADLINES, 'test');
    const open = make('open');
    const closed = make('rejected');
    await store.create(open);
    await store.create(closed);
    expect((await store.openByEmail(email)).map((r) => r.id)).toEqual([open.id]);
    expect((await store.byEmail(email)).map((r) => r.id).sort()).toEqual([open.id, closed.id].sort());
  });

  it('finds the request of a mail we sent by its SES message id', async () => {
    const store = requests();
    const messageId = `0100019-${randomUUID()}`;
    await store.rememberSentMail(messageId, 'R-ABCDEFGH23', past);
    expect(await store.requestOfSentMail(messageId)).toBe('R-ABCDEFGH23');
    expect(await store.requestOfSentMail(`${messageId}-unknown`)).toBeUndefined();
  });
});
