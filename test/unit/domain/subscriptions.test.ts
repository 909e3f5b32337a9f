import { describe, expect, it, vi } from 'vitest';
import {
  checkSubscriptions,
  keyFromToken,
  NOTICE_LEASE_MS,
  sendOwedNotices,
  subscriberKey,
  subscriptionStatus,
  unsubscribe,
  unsubscribeLink,
} from '../../../shared/domain/subscriptions';
import { InvalidInputError } from '../../../shared/domain/errors';
import { signLink } from '../../../shared/domain/signed-link';
import { simulation } from '../../helpers/deadline-sim';
import type { FixedClock } from '../../helpers/memory-stores';

const setup = () =>
  simulation().deps.subscriptions as ReturnType<typeof simulation>['deps']['subscriptions'] & { subscriptions: ReturnType<typeof simulation>['subscriptions'] };

describe('unsubscribe links', () => {
  it('carry no address in clear, and give the headers RFC 2369 and RFC 8058 ask for', async () => {
    const deps = setup();
    const link = await unsubscribeLink(deps, 'Somchai@Example.com');
    expect(link.url).toMatch(/^https:\/\/api\.example\.com\/v1\/unsubscribe\?token=/);
    const token = new URL(link.url).searchParams.get('token')!;
    expect(Buffer.from(token.split('.')[0]!, 'base64url').toString()).not.toContain('somchai');
    expect(link.headers).toEqual({
      'List-Unsubscribe': `<${link.url}>, <mailto:privacy@shop.example.com?subject=unsubscribe>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(await keyFromToken(deps, token)).toBe(subscriberKey('somchai@example.com'));
  });

  it.each([
    ['forged', async (t: string) => `${t.split('.')[0]}.${'A'.repeat(43)}`],
    ['truncated', async (t: string) => t.slice(0, 20)],
    ['for another purpose', async () => signLink('request', { rid: 'R-1' }, Buffer.from('k'.repeat(40)))],
    [
      'for another address with a reused signature',
      async (t: string) =>
        `${Buffer.from(JSON.stringify({ p: 'unsubscribe', d: { s: subscriberKey('other@example.com') } })).toString('base64url')}.${t.split('.')[1]}`,
    ],
  ])('are refused when %s', async (_name, mutate) => {
    const deps = setup();
    const token = new URL((await unsubscribeLink(deps, 'a@example.com')).url).searchParams.get('token')!;
    await expect(keyFromToken(deps, await mutate(token))).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('unsubscribe', () => {
  it('suppresses at once, keeps the first time and channel, and tells the customer once', async () => {
    const deps = setup();
    await unsubscribeLink(deps, 'a@example.com');
    const key = subscriberKey('a@example.com');
    expect(await unsubscribe(deps, { key }, 'one-click')).toEqual({ suppressed: true });
    expect(await unsubscribe(deps, { key }, 'link')).toEqual({ suppressed: false });
    expect(await subscriptionStatus(deps, 'A@example.com')).toMatchObject({ subscribed: false, via: 'one-click' });
    expect((deps.mailer as unknown as { sent: unknown[] }).sent).toHaveLength(1);
  });

  it('keeps the notice owed when its send fails, and the next click sends it once', async () => {
    const deps = setup();
    const sent = (deps.mailer as unknown as { sent: unknown[] }).sent;
    await unsubscribeLink(deps, 'a@example.com');
    const key = subscriberKey('a@example.com');
    const send = deps.mailer.send.bind(deps.mailer);
    const failure = new Error('SES throttled');
    deps.mailer.send = vi.fn(send).mockRejectedValueOnce(failure);

    expect(await unsubscribe(deps, { key }, 'one-click')).toEqual({ suppressed: true, noticeFailure: failure });
    expect(await subscriptionStatus(deps, 'a@example.com')).toMatchObject({ subscribed: false, via: 'one-click' });
    expect(sent).toHaveLength(0);

    expect(await unsubscribe(deps, { key }, 'one-click')).toEqual({ suppressed: false });
    expect(await unsubscribe(deps, { key }, 'link')).toEqual({ suppressed: false });
    expect(sent).toHaveLength(1);
  });

  it('leaves a notice whose send failed to the hourly sweep when nobody clicks again: sent once, in the customer\u2019s language', async () => {
    const deps = setup();
    const sent = (deps.mailer as unknown as { sent: { subject: string }[] }).sent;
    await unsubscribeLink(deps, 'a@example.com');
    const key = subscriberKey('a@example.com');
    const send = deps.mailer.send.bind(deps.mailer);
    deps.mailer.send = vi.fn(send).mockRejectedValueOnce(new Error('SES throttled'));
    expect(await unsubscribe(deps, { key }, 'one-click', 'en')).toMatchObject({ suppressed: true, noticeFailure: expect.any(Error) });
    // Within a delivery's lease the notice is not the sweep's yet.
    expect(await sendOwedNotices(deps)).toEqual({ sent: 0, failed: 0 });
    (deps.clock as FixedClock).advance(NOTICE_LEASE_MS + 1);
    expect(await sendOwedNotices(deps)).toEqual({ sent: 1, failed: 0 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toMatch(/[A-Za-z]/);
    expect(sent[0]!.subject).not.toMatch(/[\u0E00-\u0E7F]/);
    // Nothing owed any more: neither the sweep nor a click sends it again.
    (deps.clock as FixedClock).advance(NOTICE_LEASE_MS + 1);
    expect(await sendOwedNotices(deps)).toEqual({ sent: 0, failed: 0 });
    expect(await unsubscribe(deps, { key }, 'one-click')).toEqual({ suppressed: false });
    expect(sent).toHaveLength(1);
  });

  it('keeps a notice owed when the sweep\u2019s send fails too, and the next run sends it', async () => {
    const deps = setup();
    const sent = (deps.mailer as unknown as { sent: unknown[] }).sent;
    await unsubscribeLink(deps, 'a@example.com');
    const key = subscriberKey('a@example.com');
    const send = deps.mailer.send.bind(deps.mailer);
    deps.mailer.send = vi.fn(send).mockRejectedValueOnce(new Error('SES throttled')).mockRejectedValueOnce(new Error('SES throttled'));
    await unsubscribe(deps, { key }, 'one-click');
    (deps.clock as FixedClock).advance(NOTICE_LEASE_MS + 1);
    expect(await sendOwedNotices(deps)).toEqual({ sent: 0, failed: 1 });
    (deps.clock as FixedClock).advance(3_600_000);
    expect(await sendOwedNotices(deps)).toEqual({ sent: 1, failed: 0 });
    expect(sent).toHaveLength(1);
  });

  it('sends one notice for 5 concurrent one-clicks, also when the first send fails', async () => {
    const deps = setup();
    const sent = (deps.mailer as unknown as { sent: unknown[] }).sent;
    await unsubscribeLink(deps, 'a@example.com');
    const key = subscriberKey('a@example.com');
    const send = deps.mailer.send.bind(deps.mailer);
    deps.mailer.send = vi.fn(send).mockRejectedValueOnce(new Error('SES throttled'));
    const fiveClicks = () => Promise.all(Array.from({ length: 5 }, () => unsubscribe(deps, { key }, 'one-click')));

    const first = await fiveClicks();
    expect(first.filter((r) => r.suppressed)).toHaveLength(1);
    expect(first.filter((r) => r.noticeFailure)).toHaveLength(1);
    expect(sent).toHaveLength(0);

    const again = await fiveClicks();
    expect(again.every((r) => !r.suppressed && !r.noticeFailure)).toBe(true);
    expect(sent).toHaveLength(1);
    expect(deps.mailer.send).toHaveBeenCalledTimes(2);
  });

  it('leaves the notice to the delivery holding its claim until its lease runs out', async () => {
    const deps = setup();
    await unsubscribeLink(deps, 'a@example.com');
    const key = subscriberKey('a@example.com');
    const now = deps.clock.now();
    const until = new Date(now.getTime() + NOTICE_LEASE_MS);
    expect(await deps.subscriptions.claimNotice(key, now, until, 'th')).toBe(true);
    expect(await deps.subscriptions.markConfirmed(key, now)).toBe(false);
    expect(await unsubscribe(deps, { key }, 'one-click')).toEqual({ suppressed: true });
    expect((deps.mailer as unknown as { sent: unknown[] }).sent).toHaveLength(0);
    // A delivery that died holding the claim: once its lease has run out, the next click sends.
    (deps.clock as FixedClock).advance(NOTICE_LEASE_MS);
    expect(await unsubscribe(deps, { key }, 'one-click')).toEqual({ suppressed: false });
    expect((deps.mailer as unknown as { sent: unknown[] }).sent).toHaveLength(1);
    expect(await deps.subscriptions.markConfirmed(key, deps.clock.now())).toBe(false);
  });

  it('answers a key it never issued like any other and suppresses nothing', async () => {
    const deps = setup();
    expect(await unsubscribe(deps, { key: subscriberKey('never@example.com') }, 'one-click')).toEqual({ suppressed: false });
    expect((deps.mailer as unknown as { sent: unknown[] }).sent).toHaveLength(0);
  });

  it('splits a mailing list into subscribed and suppressed addresses', async () => {
    const deps = setup();
    await unsubscribe(deps, { key: subscriberKey('b@example.com'), email: 'b@example.com' }, 'email');
    expect(await checkSubscriptions(deps, ['a@example.com', 'B@example.com', 'a@example.com'])).toEqual({
      subscribed: ['a@example.com'],
      suppressed: ['b@example.com'],
    });
  });
});
