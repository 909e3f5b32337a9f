/**
 * The end of the dispute hold (policy 2.2): everything that names the member goes, in the member
 * record and in the member's requests; what the audit trail needs (ids, types, dates, statuses,
 * hashes) stays.
 */
import { describe, expect, it } from 'vitest';
import { anonymiseEndedHolds } from '../../../shared/domain/member-service';
import { deactivate, type Member } from '../../../shared/domain/members';
import type { PersonalDataIndex } from '../../../shared/domain/ports';
import { DEFAULT_DEADLINES } from '../../../shared/domain/deadlines';
import { newRequest, withEvent } from '../../../shared/domain/requests';
import { simulation } from '../../helpers/deadline-sim';

const start = new Date('2026-11-25T03:00:00.000Z');

function memberWorld() {
  const sim = simulation(start);
  const active: Member = {
    memberId: 'm-7',
    email: 'somchai.j@example.com',
    name: 'Somchai Jaidee',
    locale: 'th',
    marketingOptIn: false,
    status: 'active',
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
  };
  const stored = new Map([[active.memberId, deactivate(active, 'cancellation request', start, 1)]]);
  const members = {
    get: async (id: string) => stored.get(id),
    put: async (m: Member) => void stored.set(m.memberId, m),
    findByEmail: async () => undefined,
    findByPartnerHash: async () => undefined,
    holdsEndedBefore: async (now: Date) => [...stored.values()].filter((m) => m.status === 'deactivated' && m.holdUntil! < now.toISOString()),
  };
  const data: PersonalDataIndex = {
    visitorIds: async () => [],
    consentHistory: async () => [],
    visits: async () => [],
    orders: async () => [],
    eraseVisits: async () => 0,
    eraseConsentHistory: async () => 0,
    stopProfiling: async () => undefined,
  };
  return { sim, stored, deps: { members, audit: sim.deps.audit, clock: sim.clock, holdDays: 1, data, requests: sim.requests } };
}

describe('anonymising a member whose dispute hold ended', () => {
  it('anonymises the member\u2019s requests too: address, name, details, mail subject and notes go; ids, types, dates and statuses stay', async () => {
    const w = memberWorld();
    const byMail = newRequest(
      {
        id: 'R-MMMMMMMMMM',
        type: 'delete',
        channel: 'email',
        email: 'somchai.j@example.com',
        memberId: 'm-7',
        locale: 'th',
        status: 'open',
        subject: 'ขอลบข้อมูล Somchai Jaidee',
        details: 'Please delete everything about Somchai Jaidee, 12 Sukhumvit Rd',
        sesMessageId: 'ses-1',
        attachments: [{ filename: 'Somchai-id-card.jpg', contentType: 'image/jpeg', size: 48_213 }],
        rawMailKey: 'inbound/ses-1',
        // Phrases quoted from the mail at classification can carry what the sender wrote.
        matched: ['delete: delete everything about Somchai'],
      },
      start,
      DEFAULT_DEADLINES,
      'requester',
    );
    const done = withEvent(
      byMail,
      {
        status: 'done',
        outcome: 'done',
        closedAt: start.toISOString(),
        note: 'called Somchai on 081-234-5678',
        replies: [
          { at: start.toISOString(), sesMessageId: 'ses-2', subject: 'Re: Somchai', text: 'Somchai here', rawMailKey: 'inbound/ses-2', authenticated: true },
        ],
      },
      { at: start.toISOString(), event: 'completed:done', by: 'staff', note: 'called Somchai on 081-234-5678' },
    );
    await w.sim.requests.create(done);
    w.sim.clock.advance(3 * 86_400_000);
    expect((await anonymiseEndedHolds(w.deps)).anonymised).toBe(1);

    const after = (await w.sim.requests.get('R-MMMMMMMMMM'))!;
    const text = JSON.stringify(after);
    for (const personal of ['somchai', 'Somchai', 'Sukhumvit', '081-234-5678']) expect(text).not.toContain(personal);
    expect(after).toMatchObject({
      id: 'R-MMMMMMMMMM',
      type: 'delete',
      status: 'done',
      outcome: 'done',
      channel: 'email',
      receivedAt: done.receivedAt,
      closedAt: done.closedAt,
      emailHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      anonymisedAt: w.sim.clock.now().toISOString(),
    });
    expect(after.attachments).toEqual([{ contentType: 'image/jpeg', size: 48_213 }]);
    expect(after.replies).toEqual([{ at: start.toISOString(), sesMessageId: 'ses-2', authenticated: true }]);
    expect(after.rawMailKey).toBeUndefined();
    expect(after.matched).toBeUndefined();
    expect(after.history.map((h) => h.event)).toEqual(['received:open', 'completed:done', 'anonymised']);
    const entry = w.sim.audit.entries.find((e) => e.action === 'member.anonymised')!;
    expect(entry.details).toMatchObject({ requests: 1 });
  });
});
