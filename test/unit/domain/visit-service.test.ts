import { beforeEach, describe, expect, it } from 'vitest';
import { issueConsentToken } from '../../../shared/domain/consent-token';
import { linkVisitor, listVisits, recordVisits } from '../../../shared/domain/visit-service';
import { FixedClock, MemoryConsentStore, MemoryVisitStore, policy } from '../../helpers/memory-stores';
import { recordConsent } from '../../../shared/domain/consent';

const key = Buffer.from('k'.repeat(40));
const facts = { ip: '203.0.113.7', browser: 'Safari 17' };
let visits: MemoryVisitStore;
let consents: MemoryConsentStore;
let clock: FixedClock;
let reads: number;
const deps = () => ({
  visits,
  consents: {
    currentChoices: async (id: string) => {
      reads++;
      return consents.currentChoices(id);
    },
  },
  signingKey: async () => key,
  clock,
  retentionDays: 395,
});

async function consent(visitorId: string, analytics: boolean) {
  const record = recordConsent(
    { visitorId, policyVersion: '2024-01', choices: { necessary: true, analytics, marketing: false } },
    { policy: policy('2024-01', '2024-01-01T00:00:00Z'), now: clock.now(), gpc: false },
  );
  await consents.save(record);
  return issueConsentToken(record, key, clock.now(), 180).token;
}
const beacon = (visitorId: string, consentToken?: string) => ({
  visitorId,
  sessionId: 's-1',
  ...(consentToken ? { consentToken } : {}),
  events: [
    { type: 'pageview' as const, path: '/a' },
    { type: 'leave' as const, path: '/a', durationMs: 900 },
  ],
});

beforeEach(() => {
  visits = new MemoryVisitStore();
  consents = new MemoryConsentStore();
  clock = new FixedClock(new Date('2026-11-25T03:00:00Z'));
  reads = 0;
});

describe('recordVisits', () => {
  it('stores the events of a visitor whose token and current consent allow analytics', async () => {
    const token = await consent('visitor-1', true);
    expect(await recordVisits(deps(), beacon('visitor-1', token), facts)).toEqual({ stored: 2, records: 1 });
    expect(visits.records.size).toBe(1);
  });

  it('stores nothing after a withdrawal, even with the token issued before it', async () => {
    const before = await consent('visitor-1', true);
    clock.advance(1000);
    await consent('visitor-1', false);
    expect(await recordVisits(deps(), beacon('visitor-1', before), facts)).toMatchObject({ stored: 0, reason: 'consent_withdrawn' });
    expect(visits.records.size).toBe(0);
  });

  it('stores nothing for a tampered token and does not spend a read on it', async () => {
    const token = await consent('visitor-1', true);
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await recordVisits(deps(), beacon('visitor-1', tampered), facts)).toMatchObject({ stored: 0, reason: 'invalid_token' });
    expect(reads).toBe(0);
    expect(visits.records.size).toBe(0);
  });

  it('stores nothing for an expired token', async () => {
    const token = await consent('visitor-1', true);
    clock.advance(181 * 86_400_000);
    expect(await recordVisits(deps(), beacon('visitor-1', token), facts)).toMatchObject({ stored: 0, reason: 'token_expired' });
  });

  it('stores nothing for another visitor\u2019s token', async () => {
    const token = await consent('visitor-2', true);
    expect(await recordVisits(deps(), beacon('visitor-1', token), facts)).toMatchObject({ stored: 0, reason: 'token_for_other_visitor' });
  });

  it('falls back to the recorded consent when no token is sent', async () => {
    await consent('visitor-1', true);
    expect((await recordVisits(deps(), beacon('visitor-1'), facts)).stored).toBe(2);
    expect(await recordVisits(deps(), beacon('stranger-1'), facts)).toMatchObject({ stored: 0, reason: 'no_consent' });
  });
});

describe('listVisits', () => {
  it('finds a member\u2019s visits through the visitor ids linked to them', async () => {
    await consent('phone-visitor', true);
    await consent('laptop-visitor', true);
    await recordVisits(deps(), beacon('phone-visitor'), facts);
    clock.advance(60_000);
    await recordVisits(deps(), beacon('laptop-visitor'), facts);
    await linkVisitor(deps(), 'member-1', 'phone-visitor');
    await linkVisitor(deps(), 'member-1', 'laptop-visitor');
    const page = await listVisits(deps(), { memberId: 'member-1' });
    expect(page.items.map((v) => v.visitorId)).toEqual(['laptop-visitor', 'laptop-visitor', 'phone-visitor', 'phone-visitor']);
    expect(await listVisits(deps(), { memberId: 'nobody' })).toEqual({ items: [], visitorIds: [] });
  });
});
