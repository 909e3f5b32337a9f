/** Joint-marketing partners (policy 5): who is asking, and which members it may learn about. */
import { describe, expect, it } from 'vitest';
import { confirmMembershipToPartner, partnerForCaller, type Partner } from '../../../shared/domain/disclosure-service';
import { putMember } from '../../../shared/domain/member-service';
import { deactivate, upsertMember, type Member } from '../../../shared/domain/members';
import type { Disclosure } from '../../../shared/domain/ports';
import { FixedClock } from '../../helpers/memory-stores';

const travel: Partner = { id: 'travel-partner', principalArn: 'arn:aws:iam::123456789012:role/travel-partner-checks' };
const bank: Partner = { id: 'bank-partner', principalArn: 'arn:aws:iam::123456789012:role/partners/bank-partner-checks' };
const clock = new FixedClock(new Date('2026-11-25T03:00:00Z'));

describe('partnerForCaller', () => {
  it.each([
    ['an assumed-role session of the travel role', 'arn:aws:sts::123456789012:assumed-role/travel-partner-checks/session-1', travel],
    ['an assumed-role session of a role with a path', 'arn:aws:sts::123456789012:assumed-role/bank-partner-checks/anything', bank],
    ['the role ARN itself', travel.principalArn, travel],
    ['the same role name in another account', 'arn:aws:sts::999999999999:assumed-role/travel-partner-checks/s', undefined],
    ['a role whose name only starts alike', 'arn:aws:sts::123456789012:assumed-role/travel-partner-checks-2/s', undefined],
    ['a staff user', 'arn:aws:iam::123456789012:user/staff', undefined],
    ['no identity', 'unknown', undefined],
  ])('maps %s', (_what, caller, expected) => {
    expect(partnerForCaller(caller, [travel, bank])).toEqual(expected);
  });
});

describe('confirmMembershipToPartner', () => {
  const member = (referredBy?: string): Member =>
    upsertMember(undefined, { memberId: 'm-1', email: 'a@example.com', locale: 'th', marketingOptIn: true, ...(referredBy ? { referredBy } : {}) }, clock.now())
      .member;
  const ask = async (found: Member | undefined, partner: Partner) => {
    const recorded: Disclosure[] = [];
    const answer = await confirmMembershipToPartner(
      {
        disclosures: { record: async (d) => void recorded.push(d), forMember: async () => [], recent: async () => ({ items: [] }) },
        members: { get: async () => found, findByPartnerHash: async () => found },
        clock,
      },
      'a'.repeat(64),
      partner,
    );
    return { answer, recorded };
  };

  it('answers yes only about an active member the asking partner referred, and records each answer naming the partner', async () => {
    expect(await ask(member('travel-partner'), travel)).toMatchObject({
      answer: { member: true },
      recorded: [{ recipient: 'travel-partner', memberId: 'm-1', note: 'answered yes' }],
    });
    expect(await ask(member('bank-partner'), travel)).toMatchObject({
      answer: { member: false },
      recorded: [{ recipient: 'travel-partner', note: 'answered no' }],
    });
    expect((await ask(member(), travel)).answer).toEqual({ member: false });
    expect((await ask(deactivate(member('travel-partner'), 'closed', clock.now(), 730), travel)).answer).toEqual({ member: false });
    expect((await ask(undefined, travel)).recorded[0]).not.toHaveProperty('memberId');
  });
});

describe('putMember with a referral', () => {
  const store = () => {
    const members = new Map<string, Member>();
    return {
      members,
      deps: {
        members: { get: async (id: string) => members.get(id), put: async (m: Member) => void members.set(m.memberId, m) } as never,
        audit: { append: async () => ({}) as never, entries: async () => [] },
        clock,
        holdDays: 730,
        partnerIds: ['travel-partner'],
      },
    };
  };
  const input = { email: 'a@example.com', locale: 'th' as const, marketingOptIn: true };

  it('records the referring partner at sign-up and never changes it afterwards', async () => {
    const { deps, members } = store();
    await putMember(deps, 'm-1', { ...input, referredBy: 'travel-partner' }, 'backend');
    await putMember({ ...deps, partnerIds: ['travel-partner', 'bank-partner'] }, 'm-1', { ...input, referredBy: 'bank-partner' }, 'backend');
    expect(members.get('m-1')?.referredBy).toBe('travel-partner');
  });

  it('refuses a partner the stage does not declare, storing nothing', async () => {
    const { deps, members } = store();
    await expect(putMember(deps, 'm-2', { ...input, referredBy: 'bank-partner' }, 'backend')).rejects.toMatchObject({ code: 'unknown_partner' });
    expect(members.size).toBe(0);
  });
});
