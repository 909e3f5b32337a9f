/**
 * The member view and look-up: everything about one member for staff, the look recorded as `viewed`
 * before anything is shown, the chain verified, and the people who looked listed. In-memory stores
 * with a real hash chain.
 */
import { describe, expect, it } from 'vitest';
import { nextEntry } from '../../../shared/domain/audit';
import type { ConsentRecord } from '../../../shared/domain/consent';
import { lookupMember, memberView, type MemberViewDeps } from '../../../shared/domain/member-view';
import type { Member } from '../../../shared/domain/members';
import type { AuditEntry, AuditInput, AuditLog } from '../../../shared/domain/ports';
import { subscriberKey } from '../../../shared/domain/subscriptions';
import { listVisitsForStaff } from '../../../shared/domain/visit-service';
import { disclosuresOfMemberForStaff } from '../../../shared/domain/disclosure-service';
import type { Disclosure } from '../../../shared/domain/ports';
import { MemoryRequestStore, MemorySubscriptionStore } from '../../helpers/deadline-sim';
import { FixedClock, MemoryVisitStore } from '../../helpers/memory-stores';

const clock = new FixedClock(new Date('2026-11-25T03:00:00.000Z'));
const member: Member = {
  memberId: 'm-7',
  email: 'malee@example.com',
  name: 'Malee',
  locale: 'th',
  marketingOptIn: false,
  status: 'deactivated',
  deactivatedAt: '2026-11-01T00:00:00.000Z',
  holdUntil: '2027-11-01T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
};

/** An audit log keeping real hash chains, with a switch to make appends fail. */
class ChainedAudit implements AuditLog {
  readonly chains = new Map<string, AuditEntry[]>();
  failing = false;
  async append(input: AuditInput) {
    if (this.failing) throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
    const chain = this.chains.get(input.subject) ?? [];
    const entry = nextEntry(chain.at(-1), input, clock.now());
    this.chains.set(input.subject, [...chain, entry]);
    return entry;
  }
  async entries(subject: string) {
    return structuredClone(this.chains.get(subject) ?? []);
  }
}

const receipt = (visitorId: string, recordedAt: string, marketing: boolean): ConsentRecord => ({
  receiptId: `r-${recordedAt}`,
  visitorId,
  policyVersion: '2024-01',
  policyUrl: 'https://shop.example.com/privacy',
  policySha256: 'a'.repeat(64),
  choices: { necessary: true, analytics: true, marketing },
  recordedAt,
  collectionMethod: 'banner',
  gpc: false,
  gpcOverrodeMarketing: false,
});

async function setup() {
  const audit = new ChainedAudit();
  const visits = new MemoryVisitStore();
  await visits.link(member.memberId, 'visitor-phone-1');
  const record = (visitorId: string, at: string) => ({
    pk: `V#${visitorId}`,
    sk: `${at}#h#00`,
    at,
    sid: 's',
    ip: '192.0.2.1',
    ev: [{ t: 'p', p: `/page-${at}` }],
    expiresAt: 0,
  });
  for (const [visitorId, at] of [
    ['visitor-phone-1', '2026-11-20T00:00:00.000Z'],
    ['visitor-phone-1', '2026-11-21T00:00:00.000Z'],
    ['stranger-0001', '2026-11-22T00:00:00.000Z'],
  ] as const)
    await visits.put(record(visitorId, at) as never);
  const subscriptions = new MemorySubscriptionStore();
  await subscriptions.suppress(subscriberKey(member.email), member.email, 'one-click', new Date('2026-10-01T00:00:00.000Z'));
  await audit.append({ subject: member.memberId, actor: 'storefront-backend', action: 'member.registered', details: { fields: ['created'] } });
  await audit.append({ subject: member.memberId, actor: 'system:deadlines', action: 'subscription.suppressed', details: { via: 'one-click' } });
  const deps: MemberViewDeps = {
    members: { get: async (id) => (id === member.memberId ? member : undefined) },
    visits,
    data: {
      consentHistory: async (ids) =>
        ids.includes('visitor-phone-1')
          ? [receipt('visitor-phone-1', '2026-01-01T00:00:00.000Z', true), receipt('visitor-phone-1', '2026-06-01T00:00:00.000Z', false)]
          : [],
      orders: async () => [],
    },
    requests: new MemoryRequestStore(),
    disclosures: { forMember: async () => [] },
    subscriptions,
    audit,
    clock,
  };
  return { deps, audit, visits };
}

describe('member look-up', () => {
  it('finds a member by e-mail, member id or a visitor id the storefront backend linked, answering id and status only', async () => {
    const { deps, visits } = await setup();
    const lookup = { members: { ...deps.members, findByEmail: async (e: string) => (e === member.email ? member : undefined) }, visits };
    expect(await lookupMember(lookup, { email: member.email })).toEqual({ items: [{ memberId: 'm-7', status: 'deactivated', matchedBy: 'email' }] });
    expect(await lookupMember(lookup, { memberId: 'm-7' })).toEqual({ items: [{ memberId: 'm-7', status: 'deactivated', matchedBy: 'memberId' }] });
    expect(await lookupMember(lookup, { visitorId: 'visitor-phone-1' })).toEqual({
      items: [{ memberId: 'm-7', status: 'deactivated', matchedBy: 'visitorId' }],
    });
    expect(await lookupMember(lookup, { visitorId: 'stranger-0001' })).toEqual({ items: [] });
  });
});

describe('member view', () => {
  it('records the look first, then shows status, consents, marketing and its history, visits newest first, the verified chain and who looked', async () => {
    const { deps, audit } = await setup();
    await memberView(deps, 'm-7', 'somsri');
    clock.advance(60_000);
    const view = await memberView(deps, 'm-7', 'dpo-anong', { visits: 1, withAudit: true });
    expect(view.member).toMatchObject({ status: 'deactivated', holdUntil: '2027-11-01T00:00:00.000Z' });
    expect(view.consents).toEqual([
      {
        visitorId: 'visitor-phone-1',
        receipts: [expect.objectContaining({ recordedAt: '2026-06-01T00:00:00.000Z' }), expect.objectContaining({ recordedAt: '2026-01-01T00:00:00.000Z' })],
      },
    ]);
    expect(view.marketing).toMatchObject({ optIn: false, suppressed: true, via: 'one-click', unsubscribedAt: '2026-10-01T00:00:00.000Z' });
    expect(view.marketing.history.map((e) => e.action)).toEqual(['member.registered', 'subscription.suppressed']);
    expect(view.visits.items.map((v) => v.path)).toEqual(['/page-2026-11-21T00:00:00.000Z']);
    expect(view.audit?.verification).toMatchObject({ ok: true, entries: 4 });
    expect(view.viewers?.map((v) => [v.by, v.what])).toEqual([
      ['dpo-anong', 'member'],
      ['somsri', 'member'],
    ]);
    expect((await audit.entries('m-7')).filter((e) => e.action === 'viewed')).toHaveLength(2);
  });

  it('leaves the audit chain and its viewers to the DPO: staff see the rest, and their look is still recorded', async () => {
    const { deps, audit } = await setup();
    const view = await memberView(deps, 'm-7', 'somsri');
    expect(view).not.toHaveProperty('audit');
    expect(view).not.toHaveProperty('viewers');
    expect(view.marketing.suppressed).toBe(true);
    expect((await audit.entries('m-7')).at(-1)).toMatchObject({ action: 'viewed', actor: 'somsri' });
  });

  it('shows nothing when the look cannot be recorded', async () => {
    const { deps, audit } = await setup();
    audit.failing = true;
    await expect(memberView(deps, 'm-7', 'somsri')).rejects.toMatchObject({ code: 'access_not_recorded' });
  });

  it('reports a tampered chain in its verification', async () => {
    const { deps, audit } = await setup();
    audit.chains.get('m-7')![0]!.actor = 'someone-else';
    const view = await memberView(deps, 'm-7', 'dpo-anong', { withAudit: true });
    expect(view.audit?.verification).toMatchObject({ ok: false, firstBrokenSeq: 1, reason: 'hash_mismatch' });
  });

  it('answers 404 for an unknown member without recording a look', async () => {
    const { deps, audit } = await setup();
    await expect(memberView(deps, 'm-unknown', 'somsri')).rejects.toMatchObject({ code: 'not_found' });
    expect(audit.chains.has('m-unknown')).toBe(false);
  });
});

describe('visit lists for staff', () => {
  it('record the look on the linked member\u2019s chain, or on the visitor\u2019s own when no member is linked', async () => {
    const { deps, audit } = await setup();
    await listVisitsForStaff({ visits: deps.visits as MemoryVisitStore, audit }, { visitorId: 'visitor-phone-1' }, 'somsri');
    await listVisitsForStaff({ visits: deps.visits as MemoryVisitStore, audit }, { visitorId: 'stranger-0001' }, 'somsri');
    expect((await audit.entries('m-7')).at(-1)).toMatchObject({ action: 'viewed', actor: 'somsri', details: { what: 'visits', visitorId: 'visitor-phone-1' } });
    expect(await audit.entries('visitor:stranger-0001')).toEqual([
      expect.objectContaining({ action: 'viewed', details: { what: 'visits', visitorId: 'stranger-0001' } }),
    ]);
    audit.failing = true;
    await expect(listVisitsForStaff({ visits: deps.visits as MemoryVisitStore, audit }, { memberId: 'm-7' }, 'somsri')).rejects.toMatchObject({
      code: 'access_not_recorded',
    });
  });
});

describe('one member\u2019s disclosures for the DPO', () => {
  const disclosure: Disclosure = {
    id: 'd-1',
    memberId: 'm-7',
    recipient: 'Revenue Department',
    legalBasis: 'required_by_law',
    categories: ['orders'],
    disclosedAt: '2026-11-20T00:00:00.000Z',
    recordedAt: '2026-11-20T00:00:00.000Z',
    recordedBy: 'dpo-anong',
  };
  const disclosures = { forMember: async (id: string) => (id === 'm-7' ? [disclosure] : []) };

  it('records the look on the member\u2019s chain before the list is read, and shows nothing when that record fails', async () => {
    const { audit } = await setup();
    let readBeforeRecorded = false;
    const watched = {
      forMember: async (id: string) => {
        readBeforeRecorded = !(await audit.entries(id)).some((e) => e.action === 'viewed' && e.details?.what === 'disclosures');
        return disclosures.forMember(id);
      },
    };
    expect(await disclosuresOfMemberForStaff({ disclosures: watched, audit }, 'm-7', 'dpo-anong')).toEqual([disclosure]);
    expect(readBeforeRecorded).toBe(false);
    expect((await audit.entries('m-7')).at(-1)).toMatchObject({ action: 'viewed', actor: 'dpo-anong', details: { what: 'disclosures' } });
    audit.failing = true;
    await expect(disclosuresOfMemberForStaff({ disclosures, audit }, 'm-7', 'dpo-anong')).rejects.toMatchObject({ code: 'access_not_recorded' });
  });
});
