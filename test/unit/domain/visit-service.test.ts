import { beforeEach, describe, expect, it } from 'vitest';
import { issueConsentToken } from '../../../shared/domain/consent-token';
import { linkVisitor, listVisits, recordVisits } from '../../../shared/domain/visit-service';
import { FixedClock, MemoryConsentStore, MemoryVisitStore, policy } from '../../helpers/memory-stores';
import { recordConsent } from '../../../shared/domain/consent';
import { ConflictError } from '../../../shared/domain/errors';
import { deactivate, upsertMember, type Member } from '../../../shared/domain/members';

const key = Buffer.from('k'.repeat(40));
const facts = { ip: '203.0.113.7', browser: 'Safari 17' };
let visits: MemoryVisitStore;
let consents: MemoryConsentStore;
let clock: FixedClock;
let reads: number;
let members: Map<string, Member>;
let stopped: Set<string>;
const deps = () => ({
  visits,
  members: { get: async (id: string) => members.get(id) },
  consents: {
    currentChoices: async (id: string) => {
      reads++;
      const current = await consents.currentChoices(id);
      return current && stopped.has(id) ? { ...current, profilingStopped: true } : current;
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
  members = new Map();
  stopped = new Set();
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

describe('deactivated members are not profiled (policy 2.2)', () => {
  const register = (memberId: string) =>
    upsertMember(undefined, { memberId, email: `${memberId}@example.com`, locale: 'th', marketingOptIn: true }, clock.now()).member;

  it.each(['deactivated', 'anonymised'] as const)('refuses to link a visitor to a %s member with member_inactive', async (status) => {
    const member = deactivate(register('member-2'), 'closed', clock.now(), 730);
    members.set('member-2', { ...member, status });
    const error = await linkVisitor(deps(), 'member-2', 'new-visitor').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'member_inactive' });
    expect(await visits.visitorsOf('member-2')).toEqual([]);
  });

  it('links a visitor to an active member, or to one the backend has not synced yet', async () => {
    members.set('member-3', register('member-3'));
    await linkVisitor(deps(), 'member-3', 'visitor-a');
    await linkVisitor(deps(), 'member-unsynced', 'visitor-b');
    expect(await visits.visitorsOf('member-3')).toEqual(['visitor-a']);
    expect(await visits.visitorsOf('member-unsynced')).toEqual(['visitor-b']);
  });

  it('stores nothing for a visitor whose profiling stopped, whatever its token and consent say', async () => {
    const token = await consent('visitor-9', true);
    stopped.add('visitor-9');
    expect(await recordVisits(deps(), beacon('visitor-9', token), facts)).toEqual({ stored: 0, records: 0, reason: 'profiling_stopped' });
    expect(await recordVisits(deps(), beacon('visitor-9'), facts)).toEqual({ stored: 0, records: 0, reason: 'profiling_stopped' });
    expect(visits.records.size).toBe(0);
  });
});
