/**
 * The staff side of a request: the queue with its filters and counts, the detail view (recorded as
 * `viewed` before it is shown), reclassification and what it does to deadlines, comments, assignment
 * and the completion preview. In-memory stores; the clock is moved, never waited for.
 */
import { describe, expect, it } from 'vitest';
import { DAY_MS, DEFAULT_DEADLINES } from '../../../shared/domain/deadlines';
import { previewCompletion, PREVIEW_TOKEN } from '../../../shared/domain/request-completion';
import { daysLeft, listQueue } from '../../../shared/domain/request-queue';
import { assignRequest, commentOnRequest, reclassifyRequest, requestDetail, type StaffActionDeps } from '../../../shared/domain/request-staff';
import { intakeEmail, submitWebRequest } from '../../../shared/domain/request-service';
import { processJob, startChain } from '../../../shared/domain/deadline-service';
import { deletionMail, member, pass, world } from '../../helpers/request-world';

const STAFF = 'somsri@shop.example.com';

function staffWorld(fail: Parameters<typeof world>[0] = {}) {
  const w = world(fail);
  const members = { get: async (id: string) => (id === member.memberId ? member : undefined) };
  const readDeps = { requests: w.sim.requests, members, audit: w.deps.audit, clock: w.sim.clock, deadlines: DEFAULT_DEADLINES };
  const actionDeps: StaffActionDeps = {
    requests: w.sim.requests,
    audit: w.deps.audit,
    clock: w.sim.clock,
    deadlines: DEFAULT_DEADLINES,
    startChain: (r) => startChain(w.sim.deps, r),
  };
  const viewed = () => w.sim.audit.entries.filter((e) => e.action === 'viewed');
  return Object.assign(w, { members, readDeps, actionDeps, viewed });
}

/** Delivers every deadline job visible at the current (fake) time, as the queue's consumer would. */
async function runVisibleJobs(w: ReturnType<typeof world>) {
  const queue = w.sim.scheduler.queue;
  for (;;) {
    queue.sort((a, b) => a.visibleAt - b.visibleAt);
    if (!queue[0] || queue[0].visibleAt > w.sim.clock.now().getTime()) return;
    await processJob(w.sim.deps, queue.shift()!.job);
  }
}

const mail = (id: string, subject: string, text: string, verdicts = pass) => ({
  sesMessageId: id,
  verdicts,
  parsed: { from: { address: member.email }, subject, text },
});

describe('queue', () => {
  it('lists open requests soonest due first with days left, sender, channel and whether the identity is confirmed', async () => {
    const w = staffWorld();
    const del = await intakeEmail(w.deps, deletionMail());
    w.sim.clock.advance(DAY_MS);
    const unsub = await intakeEmail(w.deps, mail('ses-2', 'unsubscribe', 'please stop sending me newsletters', { ...pass, dmarc: 'FAIL' }));
    const web = await submitWebRequest(w.deps, { email: 'nid@example.com', type: 'access' }, { ip: '192.0.2.1' });
    const page = await listQueue({ requests: w.sim.requests, clock: w.sim.clock }, {});
    expect(page.items.map((i) => i.id)).toEqual([del.requestId]);
    expect(page.items[0]).toMatchObject({ type: 'delete', channel: 'email', from: member.email, identityConfirmed: true, daysLeft: 29, overdue: false });
    const waiting = await listQueue({ requests: w.sim.requests, clock: w.sim.clock }, { status: 'awaiting_confirmation' });
    // The unsubscribe is due in 7 days, the web access request in 30: soonest first.
    expect(waiting.items.map((i) => [i.id, i.identityConfirmed, i.channel])).toEqual([
      [unsub.requestId, false, 'email'],
      [web.requestId, false, 'web'],
    ]);
    const webOnly = await listQueue({ requests: w.sim.requests, clock: w.sim.clock }, { status: 'awaiting_confirmation', channel: 'web' });
    expect(webOnly.items.map((i) => i.id)).toEqual([web.requestId]);
    const accessOnly = await listQueue({ requests: w.sim.requests, clock: w.sim.clock }, { status: 'awaiting_confirmation', type: 'stop_marketing' });
    expect(accessOnly.items.map((i) => i.id)).toEqual([unsub.requestId]);
  });

  it('counts open, due within 2 days (not yet overdue) and overdue requests', async () => {
    const w = staffWorld();
    const q = () => listQueue({ requests: w.sim.requests, clock: w.sim.clock }, {});
    await intakeEmail(w.deps, deletionMail());
    expect((await q()).counts).toEqual({ open: 1, dueSoon: 0, overdue: 0, awaitingConfirmation: 0 });
    w.sim.clock.advance(29 * DAY_MS);
    await intakeEmail(w.deps, mail('ses-2', 'access', 'please send me a copy of my personal data'));
    expect((await q()).counts).toEqual({ open: 2, dueSoon: 1, overdue: 0, awaitingConfirmation: 0 });
    w.sim.clock.advance(DAY_MS + 1);
    const page = await q();
    expect(page.counts).toEqual({ open: 2, dueSoon: 0, overdue: 1, awaitingConfirmation: 0 });
    expect(page.items[0]).toMatchObject({ overdue: true, daysLeft: 0 });
  });

  it('walks the closed list across done, rejected and expired with a cursor that names where it stopped', async () => {
    const w = staffWorld();
    await intakeEmail(w.deps, mail('ses-spam', 'x', 'x', { ...pass, spam: 'FAIL' })); // rejected
    await intakeEmail(w.deps, mail('ses-unsub', 'unsubscribe', 'unsubscribe me')); // done at once (authenticated opt-out)
    const deps = { requests: w.sim.requests, clock: w.sim.clock };
    const first = await listQueue(deps, { status: 'closed', limit: 1 });
    expect(first.items.map((i) => i.status)).toEqual(['done']);
    expect(first.next).toBeDefined();
    const second = await listQueue(deps, { status: 'closed', limit: 1, next: first.next! });
    expect(second.items.map((i) => i.status)).toEqual(['rejected']);
    await expect(listQueue(deps, { status: 'open', next: first.next! })).rejects.toMatchObject({ code: 'invalid_cursor' });
    await expect(listQueue(deps, { status: 'closed', next: 'not-a-cursor' })).rejects.toMatchObject({ code: 'invalid_cursor' });
  });

  it('counts days left in Bangkok calendar days: due tomorrow morning is 1 late in the evening before', () => {
    expect(daysLeft('2026-11-26T02:00:00.000Z', new Date('2026-11-25T16:00:00.000Z'))).toBe(1); // 23:00 -> 09:00 next day
    expect(daysLeft('2026-11-25T16:30:00.000Z', new Date('2026-11-25T16:00:00.000Z'))).toBe(0); // both 23:xx in Bangkok
    expect(daysLeft('2026-11-24T03:00:00.000Z', new Date('2026-11-25T03:00:00.000Z'))).toBe(-1);
  });
});

describe('request detail', () => {
  it('shows the type and the phrases that decided it, the mail as text, verdicts, the member, milestones and folded repeats', async () => {
    const w = staffWorld();
    const { requestId } = await intakeEmail(w.deps, mail('ses-1', 'Delete my data', 'Please delete my personal data.', { ...pass, dmarc: 'FAIL' }));
    await intakeEmail(w.deps, mail('ses-1b', 'Delete my data again', 'Please delete my personal data, I asked before.'));
    const detail = await requestDetail(w.readDeps, requestId!, STAFF);
    expect(detail.classification).toEqual({ type: 'delete', matched: expect.arrayContaining([expect.stringMatching(/^delete: /)]), reclassifications: [] });
    expect(detail.mail).toMatchObject({ subject: 'Delete my data', text: 'Please delete my personal data.', assessment: 'unauthenticated', hasRawMail: false });
    expect(detail.member).toMatchObject({ memberId: member.memberId, status: 'active' });
    expect(detail.folded).toEqual([expect.objectContaining({ event: 'confirmed:authenticated_mail', note: 'mail ses-1b' })]);
    expect(detail.milestones.map((m) => [m.name, m.done])).toEqual([
      ['remind-2d', false],
      ['remind-1d', false],
      ['due', false],
    ]);
    expect(detail.identityConfirmed).toBe(true);
  });

  it('records who looked before showing anything, and shows nothing when that record fails', async () => {
    const w = staffWorld({ audit: (e) => e.action === 'viewed' });
    const { requestId } = await intakeEmail(w.deps, deletionMail());
    await expect(requestDetail(w.readDeps, requestId!, STAFF)).rejects.toMatchObject({ name: 'AccessNotRecordedError', code: 'access_not_recorded' });
    expect(w.viewed()).toHaveLength(0);
    await requestDetail(w.readDeps, requestId!, STAFF);
    expect(w.viewed()).toEqual([expect.objectContaining({ subject: member.memberId, actor: STAFF, requestId, details: { what: 'request' } })]);
  });
});

describe('reclassify', () => {
  it('moves the due date with the type, counted from receipt, restarts the milestones and records who and why', async () => {
    const w = staffWorld();
    const { requestId } = await intakeEmail(w.deps, deletionMail());
    const received = Date.parse((await w.sim.requests.get(requestId!))!.receivedAt);
    w.sim.clock.advance(28 * DAY_MS);
    // The 2-days-before reminder of the 30-day deadline is handled...
    await runVisibleJobs(w);
    expect((await w.sim.requests.get(requestId!))!.milestones).toEqual(['remind-2d']);
    // ...then staff see it was an unsubscribe all along: due 7 days after receipt, long past.
    const changed = await reclassifyRequest(w.actionDeps, requestId!, { type: 'stop_marketing', reason: 'asked only to stop newsletters' }, STAFF);
    expect(changed).toMatchObject({ type: 'stop_marketing', dueAt: new Date(received + 7 * DAY_MS).toISOString(), milestones: [] });
    expect(changed.history.at(-1)).toMatchObject({ event: 'reclassified', by: STAFF, note: 'delete \u2192 stop_marketing: asked only to stop newsletters' });
    expect(w.entries('request.reclassified')).toEqual([
      expect.objectContaining({ actor: STAFF, details: { from: 'delete', to: 'stop_marketing', dueAt: changed.dueAt, version: expect.any(Number) } }),
    ]);
    // The restarted chain finds the new due date past and applies the opt-out, as policy 6 promises.
    await runVisibleJobs(w);
    expect((await w.sim.requests.get(requestId!))!).toMatchObject({ status: 'done', note: 'enforced by deadline' });
  });

  it('gives a misread unsubscribe the 30-day deadline of its real type, from receipt', async () => {
    const w = staffWorld();
    const { requestId } = await intakeEmail(w.deps, mail('ses-u', 'newsletter', 'please stop sending me newsletters', { ...pass, dmarc: 'FAIL' }));
    const before = (await w.sim.requests.get(requestId!))!;
    const changed = await reclassifyRequest(w.actionDeps, requestId!, { type: 'delete', reason: 'asks for erasure' }, STAFF);
    expect(changed.dueAt).toBe(new Date(Date.parse(before.receivedAt) + 30 * DAY_MS).toISOString());
  });

  it('refuses a closed request (409) and the type it already has (400), changing nothing', async () => {
    const w = staffWorld();
    const { requestId } = await intakeEmail(w.deps, deletionMail());
    await expect(reclassifyRequest(w.actionDeps, requestId!, { type: 'delete', reason: 'x' }, STAFF)).rejects.toMatchObject({ code: 'same_type' });
    const spam = await intakeEmail(w.deps, mail('ses-s', 'x', 'x', { ...pass, spam: 'FAIL' }));
    await expect(reclassifyRequest(w.actionDeps, spam.requestId!, { type: 'edit', reason: 'x' }, STAFF)).rejects.toMatchObject({ code: 'request_closed' });
    expect(w.entries('request.reclassified')).toHaveLength(0);
  });

  it('keeps the audit entry owed when the append fails, and a retry by the sweep writes it once', async () => {
    const w = staffWorld({ audit: (e) => e.action === 'request.reclassified' });
    const { requestId } = await intakeEmail(w.deps, deletionMail());
    const changed = await reclassifyRequest(w.actionDeps, requestId!, { type: 'access', reason: 'asks for a copy' }, STAFF);
    expect(changed.owed?.map((o) => o.id)).toEqual([expect.stringMatching(/^audit:request\.reclassified:\d+$/)]);
    expect(w.entries('request.reclassified')).toHaveLength(0);
    const { sweepOwedEffects } = await import('../../../shared/domain/request-effects');
    w.sim.clock.advance(10 * 60_000);
    await sweepOwedEffects({ requests: w.sim.requests, audit: w.deps.audit, mailer: w.mailer, clock: w.sim.clock });
    await sweepOwedEffects({ requests: w.sim.requests, audit: w.deps.audit, mailer: w.mailer, clock: w.sim.clock });
    expect(w.entries('request.reclassified')).toHaveLength(1);
  });
});

describe('comments and assignment', () => {
  it('adds each comment to the history under the person\u2019s name and audits each once, without the text', async () => {
    const w = staffWorld();
    const { requestId } = await intakeEmail(w.deps, deletionMail());
    await commentOnRequest(w.actionDeps, requestId!, { text: 'Called the customer, ID checked' }, STAFF);
    const after = await commentOnRequest(w.actionDeps, requestId!, { text: 'Waiting for the warehouse' }, 'dpo@shop.example.com');
    expect(after.history.filter((h) => h.event === 'comment')).toEqual([
      expect.objectContaining({ by: STAFF, note: 'Called the customer, ID checked' }),
      expect.objectContaining({ by: 'dpo@shop.example.com', note: 'Waiting for the warehouse' }),
    ]);
    const audited = w.entries('request.commented');
    expect(audited).toHaveLength(2);
    expect(JSON.stringify(audited)).not.toContain('warehouse');
  });

  it('assigns and unassigns, shown in the queue', async () => {
    const w = staffWorld();
    const { requestId } = await intakeEmail(w.deps, deletionMail());
    await assignRequest(w.actionDeps, requestId!, { assignee: 'somsri' }, STAFF);
    expect((await listQueue({ requests: w.sim.requests, clock: w.sim.clock }, {})).items[0]).toMatchObject({ assignee: 'somsri' });
    const back = await assignRequest(w.actionDeps, requestId!, {}, STAFF);
    expect(back.assignee).toBeUndefined();
    expect(back.history.slice(-2).map((h) => [h.event, h.by])).toEqual([
      ['assigned', STAFF],
      ['unassigned', STAFF],
    ]);
    expect(w.entries('request.assigned')).toHaveLength(1);
    expect(w.entries('request.unassigned')).toHaveLength(1);
  });
});

describe('completion preview', () => {
  const settings = { publicUrl: 'https://api.example.com', holdDays: 365, exportLinkDays: 7, shopName: 'Siam Shop' };

  it('shows the notice in the requester\u2019s language with what is kept and until when, and sends nothing', async () => {
    const w = staffWorld();
    const { requestId } = await intakeEmail(w.deps, deletionMail());
    const sentBefore = w.sim.mailer.sent.length;
    const preview = await previewCompletion({ requests: w.sim.requests, members: w.members, clock: w.sim.clock, settings }, requestId!, { outcome: 'done' });
    expect(preview).toMatchObject({ locale: 'th', to: member.email, subject: expect.stringContaining(requestId!) });
    expect(preview.text).toContain('ประวัติการสั่งซื้อ');
    expect(w.sim.mailer.sent.length).toBe(sentBefore);
    expect((await w.sim.requests.get(requestId!))!.status).toBe('open');
  });

  it('needs the reason of a refusal, and shows an export\u2019s link only as a placeholder', async () => {
    const w = staffWorld();
    const { requestId } = await intakeEmail(w.deps, mail('ses-a', 'copy', 'please send me a copy of my personal data'));
    const deps = { requests: w.sim.requests, members: w.members, clock: w.sim.clock, settings };
    await expect(previewCompletion(deps, requestId!, { outcome: 'rejected' })).rejects.toMatchObject({ code: 'reason_required' });
    const refused = await previewCompletion(deps, requestId!, { outcome: 'rejected', note: 'ไม่สามารถยืนยันตัวตนได้' });
    expect(refused.text).toContain('ไม่สามารถยืนยันตัวตนได้');
    const done = await previewCompletion(deps, requestId!, { outcome: 'done' });
    expect(done.text).toContain(`token=${PREVIEW_TOKEN}`);
  });
});
