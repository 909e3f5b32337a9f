import { describe, expect, it } from 'vitest';
import { InvalidInputError, RateLimitedError } from '../../../shared/domain/errors';
import {
  centerOverview,
  requestSignIn,
  SESSION_MINUTES,
  SIGN_IN_LINK_MINUTES,
  sessionOwner,
  setMarketing,
  startSession,
  type CenterSignIn,
  type CenterSignInStore,
} from '../../../shared/domain/privacy-center';
import type { AuditInput, OutgoingMail } from '../../../shared/domain/ports';
import type { DataRequest } from '../../../shared/domain/requests';
import { subscriberKey } from '../../../shared/domain/subscriptions';
import { MemorySubscriptionStore } from '../../helpers/deadline-sim';
import { FixedClock } from '../../helpers/memory-stores';

/** The store's contract as the DynamoDB adapter keeps it with its conditional write. */
class MemorySignIns implements CenterSignInStore {
  readonly items = new Map<string, CenterSignIn>();
  async create(signIn: CenterSignIn) {
    this.items.set(signIn.id, { ...signIn });
  }
  async redeem(id: string, now: Date, sessionExpiresAt: Date) {
    const item = this.items.get(id);
    if (!item || item.usedAt || item.linkExpiresAt <= now.toISOString()) return undefined;
    Object.assign(item, { usedAt: now.toISOString(), sessionExpiresAt: sessionExpiresAt.toISOString() });
    return { ...item };
  }
  async get(id: string) {
    const item = this.items.get(id);
    return item && { ...item };
  }
  async signOut(id: string, now: Date) {
    const item = this.items.get(id);
    if (item) item.signedOutAt = now.toISOString();
  }
}

const PAGE = 'https://shop.example.com/my-privacy';
const key = new Uint8Array(32).fill(7);

function setup(limits = { mailsPerAddressPerDay: 3, requestsPerSourcePerDay: 50 }) {
  const clock = new FixedClock(new Date('2026-03-01T03:00:00Z'));
  const signIns = new MemorySignIns();
  const sent: OutgoingMail[] = [];
  const counts = new Map<string, number>();
  const deps = {
    signIns,
    signingKey: async () => key,
    clock,
    requests: {
      async takeQuota(name: string, max: number) {
        const used = counts.get(name) ?? 0;
        if (used >= max) return false;
        counts.set(name, used + 1);
        return true;
      },
    },
    mailer: {
      async send(mail: OutgoingMail) {
        sent.push(mail);
        return { messageId: `m-${sent.length}` };
      },
    },
    settings: { pageOrigins: ['https://shop.example.com'], shopName: 'Example Shop', limits },
  };
  /** The token of the n-th mailed link, read out of its text as a customer's mail program shows it. */
  const tokenOf = (n = 0) => /#shop-privacy-center=([A-Za-z0-9_.-]+)/.exec(sent[n]!.text)![1]!;
  return { deps, clock, signIns, sent, tokenOf };
}

describe('privacy center sign-in links', () => {
  it('mails a link to the shop page with a token in the fragment that names no address', async () => {
    const { deps, sent, tokenOf } = setup();
    await requestSignIn(deps, { email: ' Nid@Example.com ', pageUrl: `${PAGE}?lang=en#old`, locale: 'en' }, { ip: '198.51.100.7' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'nid@example.com', subject: 'Your sign-in link to your privacy page' });
    expect(sent[0]!.text).toContain(`${PAGE}?lang=en#shop-privacy-center=`);
    expect(Buffer.from(tokenOf().split('.')[0]!, 'base64url').toString()).not.toContain('nid');
  });

  it.each([
    ['another site', 'https://evil.example.net/my-privacy'],
    ['a look-alike origin', 'https://shop.example.com.evil.example.net/'],
    ['plain http for an https origin', 'http://shop.example.com/my-privacy'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['credentials in the URL', 'https://user:pw@shop.example.com/'],
  ])('refuses a page on %s and mails nothing', async (_name, pageUrl) => {
    const { deps, sent } = setup();
    await expect(requestSignIn(deps, { email: 'nid@example.com', pageUrl }, { ip: '198.51.100.7' })).rejects.toMatchObject({
      name: InvalidInputError.name,
      code: 'page_not_allowed',
    });
    expect(sent).toEqual([]);
  });

  it('answers the same once an address has had its share of links today: no error, no more mail', async () => {
    const { deps, sent } = setup({ mailsPerAddressPerDay: 2, requestsPerSourcePerDay: 50 });
    for (let i = 0; i < 4; i++) await requestSignIn(deps, { email: 'nid@example.com', pageUrl: PAGE }, { ip: `198.51.100.${i}` });
    expect(sent).toHaveLength(2);
  });

  it('refuses a source over its daily share with a rate-limit error', async () => {
    const { deps } = setup({ mailsPerAddressPerDay: 3, requestsPerSourcePerDay: 1 });
    await requestSignIn(deps, { email: 'a@example.com', pageUrl: PAGE }, { ip: '198.51.100.7' });
    await expect(requestSignIn(deps, { email: 'b@example.com', pageUrl: PAGE }, { ip: '198.51.100.7' })).rejects.toBeInstanceOf(RateLimitedError);
  });
});

describe('privacy center sessions', () => {
  it('a link works once: it becomes a session for its address; a second use is refused', async () => {
    const { deps, tokenOf } = setup();
    await requestSignIn(deps, { email: 'nid@example.com', pageUrl: PAGE }, { ip: '198.51.100.7' });
    const started = await startSession(deps, tokenOf());
    expect(started.email).toBe('nid@example.com');
    expect(await sessionOwner(deps, started.session)).toMatchObject({ email: 'nid@example.com', locale: 'th' });
    await expect(startSession(deps, tokenOf())).rejects.toMatchObject({ code: 'invalid_link' });
  });

  it('of two uses of one link at the same moment exactly one gets a session', async () => {
    const { deps, tokenOf } = setup();
    await requestSignIn(deps, { email: 'nid@example.com', pageUrl: PAGE }, { ip: '198.51.100.7' });
    const results = await Promise.allSettled([startSession(deps, tokenOf()), startSession(deps, tokenOf())]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it(`refuses a link used after ${SIGN_IN_LINK_MINUTES} minutes`, async () => {
    const { deps, clock, tokenOf } = setup();
    await requestSignIn(deps, { email: 'nid@example.com', pageUrl: PAGE }, { ip: '198.51.100.7' });
    clock.advance(SIGN_IN_LINK_MINUTES * 60_000);
    await expect(startSession(deps, tokenOf())).rejects.toMatchObject({ code: 'invalid_link' });
  });

  it('refuses a forged link and does not take a session token as a link, nor a link as a session', async () => {
    const { deps, tokenOf } = setup();
    await requestSignIn(deps, { email: 'nid@example.com', pageUrl: PAGE }, { ip: '198.51.100.7' });
    const [body, mac] = tokenOf().split('.');
    const forged = `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), d: { l: 'someone-else' } })).toString('base64url')}.${mac}`;
    await expect(startSession(deps, forged)).rejects.toMatchObject({ code: 'invalid_link' });
    expect(await sessionOwner(deps, tokenOf())).toBeUndefined();
    const { session } = await startSession(deps, tokenOf());
    await expect(startSession(deps, session)).rejects.toMatchObject({ code: 'invalid_link' });
  });

  it(`ends after ${SESSION_MINUTES} minutes, and at once on sign-out`, async () => {
    const { deps, clock, tokenOf } = setup();
    await requestSignIn(deps, { email: 'a@example.com', pageUrl: PAGE }, { ip: '198.51.100.7' });
    await requestSignIn(deps, { email: 'b@example.com', pageUrl: PAGE }, { ip: '198.51.100.7' });
    const a = await startSession(deps, tokenOf(0));
    const b = await startSession(deps, tokenOf(1));
    const owner = (await sessionOwner(deps, b.session))!;
    await deps.signIns.signOut(owner.sessionId, clock.now());
    expect(await sessionOwner(deps, b.session)).toBeUndefined();
    clock.advance(SESSION_MINUTES * 60_000 - 1000);
    expect(await sessionOwner(deps, a.session)).toMatchObject({ email: 'a@example.com' });
    clock.advance(1000);
    expect(await sessionOwner(deps, a.session)).toBeUndefined();
  });
});

describe('privacy center overview and newsletter switch', () => {
  const request = (id: string, email: string, receivedAt: string): DataRequest =>
    ({ id, email, type: 'access', status: 'open', receivedAt, dueAt: '2026-04-01T00:00:00.000Z', version: 1, history: [] }) as unknown as DataRequest;

  it('lists only the owner\u2019s requests, newest first, with no address or details', async () => {
    const all = [
      request('R-AAAAAAAAAA', 'nid@example.com', '2026-02-01T00:00:00.000Z'),
      request('R-BBBBBBBBBB', 'other@example.com', '2026-02-02T00:00:00.000Z'),
      request('R-CCCCCCCCCC', 'nid@example.com', '2026-02-03T00:00:00.000Z'),
    ];
    const view = await centerOverview(
      { requests: { byEmail: async (email) => all.filter((r) => r.email === email) }, subscriptions: new MemorySubscriptionStore() },
      { sessionId: 's', email: 'nid@example.com', locale: 'en' },
    );
    expect(view.requests.map((r) => r.requestId)).toEqual(['R-CCCCCCCCCC', 'R-AAAAAAAAAA']);
    expect(JSON.stringify(view.requests)).not.toContain('@');
    expect(view.subscription).toEqual({ subscribed: true });
  });

  it('switches newsletters off at once (told once, audited) and on again (a later unsubscribe is a new one)', async () => {
    const clock = new FixedClock(new Date('2026-03-01T03:00:00Z'));
    const subscriptions = new MemorySubscriptionStore();
    const mails: OutgoingMail[] = [];
    const audits: AuditInput[] = [];
    const deps = {
      subscriptions,
      mailer: {
        send: async (m: OutgoingMail) => {
          mails.push(m);
          return { messageId: 'm' };
        },
      },
      signingKey: async () => key,
      clock,
      settings: { publicUrl: 'https://api.example.com', requestAddress: 'privacy@shop.example.com' },
      members: { findByEmail: async () => undefined },
      audit: {
        append: async (e: AuditInput) => {
          audits.push(e);
          return { ...e, seq: 1, at: '', prevHash: '', hash: '' };
        },
        entries: async () => [],
      },
    };
    const owner = { sessionId: 's', email: 'nid@example.com', locale: 'en' as const };
    expect(await setMarketing(deps, owner, false)).toEqual({ subscribed: false, unsubscribedAt: clock.now().toISOString() });
    expect(subscriptions.items.get(subscriberKey('nid@example.com'))).toMatchObject({ subscribed: false, via: 'privacy-center' });
    expect(mails).toHaveLength(1);
    expect(await setMarketing(deps, owner, true)).toEqual({ subscribed: true });
    clock.advance(60_000);
    await setMarketing(deps, owner, false);
    expect(mails).toHaveLength(2);
    expect(audits.map((a) => a.action)).toEqual(['subscription.suppressed', 'subscription.resubscribed', 'subscription.suppressed']);
    expect(audits[0]!.subject).toMatch(/^email:[0-9a-f]{32}$/);
  });
});
