/**
 * The DPO's registers in simulated time: a breach's 72-hour PDPC chain (clock hours, weekends
 * included), what each milestone sends, exactly once; notices to affected members; agreement expiry
 * reminders. No AWS: in-memory stores with the adapters' contracts, a queue that holds jobs on a fake clock.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../shared/domain/errors';
import type { Member } from '../../../shared/domain/members';
import {
  createProcessor,
  decideSubjectNotice,
  processRegisterJob,
  reassessBreach,
  recordBreach,
  recordPdpcOutcome,
  sweepRegisters,
  updateProcessor,
} from '../../../shared/domain/register-service';
import type { Processor } from '../../../shared/domain/registers';
import { registerSimulation } from '../../helpers/register-sim';

const breachInput = (learnedAt: string) => ({
  learnedAt,
  summary: 'A courier\u2019s shared drive exposed a delivery list',
  categories: ['contact' as const, 'purchases' as const],
  approxAffected: 120,
  risk: 'high' as const,
  riskAssessment: 'Names and addresses with order dates; phishing likely',
});

/** Runs queued jobs until the chain ends (or `until` returns true), returning each hop's outcome. */
async function runChain(sim: ReturnType<typeof registerSimulation>, until: () => boolean = () => false) {
  const outcomes: string[] = [];
  for (let job = sim.scheduler.next(); job && outcomes.length < 20_000; job = sim.scheduler.next()) {
    outcomes.push(await processRegisterJob(sim.deps, job));
    if (until()) break;
  }
  return outcomes;
}

const bangkok = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { timeZone: 'Asia/Bangkok', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

describe('breach deadline chain', () => {
  it('counts 72 clock hours from 23:50 on a Friday: reminders at 24 h and 48 h, escalation at 60 h, overdue at 72 h', async () => {
    // Friday 27 November 2026, 23:50 in Bangkok; recorded ten minutes later.
    const sim = registerSimulation(new Date('2026-11-27T17:00:00.000Z'));
    const breach = await recordBreach(sim.deps, breachInput('2026-11-27T23:50:00+07:00'), 'dpo@shop.example.com');
    expect(breach.notifyBy).toBe('2026-11-30T16:50:00.000Z'); // Monday 23:50 in Bangkok: not three working days

    const outcomes = await runChain(sim);
    expect(outcomes.at(-1)).toBe('closed');
    expect(sim.alarms.published.map((a) => [bangkok(a.at), a.subject.split(':')[0]])).toEqual([
      ['Sat 23:50', 'Reminder'],
      ['Sun 23:50', 'Reminder'],
      ['Mon 11:50', 'Escalation'],
      ['Mon 23:50', 'Overdue'],
    ]);
    const toDpo = sim.mailer.sent.filter((m) => m.to === 'dpo@shop.example.com');
    expect(toDpo.map((m) => m.at)).toEqual(sim.alarms.published.map((a) => a.at));
    expect(toDpo[0]!.text).toContain('48 hours left');
    const stored = (await sim.registers.get('breach', breach.id))!;
    expect(stored).toMatchObject({ overdue: true, milestones: ['remind-24h', 'remind-48h', 'escalate-60h', 'overdue-72h'] });
    expect(stored.owed).toBeUndefined();
    expect(sim.audit.entries.filter((e) => e.action === 'breach.deadline')).toHaveLength(4);
    expect(sim.chains.live.has(`breach:${breach.id}`)).toBe(false);
  });

  it('stops once the PDPC notification is recorded: no escalation, never overdue', async () => {
    const sim = registerSimulation(new Date('2026-11-25T03:00:00.000Z'));
    const breach = await recordBreach(sim.deps, breachInput('2026-11-25T02:00:00Z'), 'dpo');
    await runChain(sim, () => sim.alarms.published.length === 1);
    sim.clock.advance(6 * 3_600_000);
    await recordPdpcOutcome(sim.deps, breach.id, { notifiedAt: sim.clock.now().toISOString(), reference: 'PDPC-2569-0042' }, 'dpo');
    const outcomes = await runChain(sim);
    expect(outcomes.at(-1)).toBe('closed');
    expect(sim.alarms.published).toHaveLength(1);
    const stored = (await sim.registers.get('breach', breach.id))!;
    expect(stored).toMatchObject({ overdue: false, pdpc: { reference: 'PDPC-2569-0042' } });
    expect(stored.history.map((h) => h.event)).toEqual(['recorded', 'deadline:remind-24h', 'pdpc_recorded']);
  });

  it('sends one reminder when the same job is delivered twice', async () => {
    const sim = registerSimulation();
    await recordBreach(sim.deps, breachInput('2026-11-25T02:00:00Z'), 'dpo');
    const job = sim.scheduler.next()!;
    // Hop until the first milestone is due, then deliver its job twice.
    let due = job;
    while ((await processRegisterJob(sim.deps, due)) === 'waited') due = sim.scheduler.next()!;
    expect(await processRegisterJob(sim.deps, due)).toBe('stale');
    expect(sim.alarms.published).toHaveLength(1);
    expect(sim.mailer.sent).toHaveLength(1);
  });

  it('keeps a failed alarm owed and sends it once on the redelivery', async () => {
    const sim = registerSimulation();
    const breach = await recordBreach(sim.deps, breachInput('2026-11-25T02:00:00Z'), 'dpo');
    let job = sim.scheduler.next()!;
    while (Date.parse(job.at) > sim.clock.now().getTime()) {
      await processRegisterJob(sim.deps, job);
      job = sim.scheduler.next()!;
    }
    sim.alarms.failNext = 1;
    await expect(processRegisterJob(sim.deps, job)).rejects.toThrow('SNS unavailable');
    expect((await sim.registers.get('breach', breach.id))!.owed?.map((o) => o.id)).toEqual(['alarm:remind-24h']);
    expect(await processRegisterJob(sim.deps, job)).toBe('acted'); // SQS redelivers the same hop
    expect(sim.alarms.published).toHaveLength(1);
    expect(sim.mailer.sent).toHaveLength(1);
  });

  it('restarts a chain whose message was lost, from the sweep', async () => {
    const sim = registerSimulation();
    const breach = await recordBreach(sim.deps, breachInput('2026-11-25T02:00:00Z'), 'dpo');
    sim.scheduler.queue.length = 0; // the message is gone
    sim.clock.advance(60 * 60_000);
    expect(await sweepRegisters(sim.deps)).toMatchObject({ checked: 1, restarted: 1 });
    await runChain(sim);
    expect((await sim.registers.get('breach', breach.id))!.overdue).toBe(true);
  });

  it('leaves the chain start owed where no deadlines queue is wired, and the sweep starts it', async () => {
    const sim = registerSimulation();
    const { startChain: _wired, ...withoutQueue } = sim.deps;
    const breach = await recordBreach(withoutQueue, breachInput('2026-11-25T02:00:00Z'), 'dpo');
    expect(breach.owed?.map((o) => o.id)).toEqual(['chain:start']);
    expect(sim.scheduler.queue).toHaveLength(0);
    await sweepRegisters(sim.deps);
    expect((await sim.registers.get('breach', breach.id))!.owed).toBeUndefined();
    await runChain(sim);
    expect((await sim.registers.get('breach', breach.id))!.overdue).toBe(true);
  });

  it('corrects the assessment: the history and the audit keep what changed, the 72-hour clock stays, and an unchanged one records nothing', async () => {
    const sim = registerSimulation(new Date('2026-11-25T03:00:00.000Z'));
    const breach = await recordBreach(sim.deps, breachInput('2026-11-25T02:00:00Z'), 'dpo');
    const { learnedAt: _learned, ...assessment } = breachInput('2026-11-25T02:00:00Z');
    const corrected = await reassessBreach(sim.deps, breach.id, { ...assessment, approxAffected: 480, risk: 'medium' }, 'dpo-anong');
    expect(corrected).toMatchObject({ approxAffected: 480, risk: 'medium', learnedAt: breach.learnedAt, notifyBy: breach.notifyBy });
    expect(corrected.history.at(-1)).toMatchObject({ event: 'reassessed', by: 'dpo-anong', changes: { approxAffected: 480, risk: 'medium' } });
    expect(sim.audit.entries.at(-1)).toMatchObject({
      action: 'breach.reassessed',
      actor: 'dpo-anong',
      details: { id: breach.id, fields: ['approxAffected', 'risk'] },
    });
    const again = await reassessBreach(sim.deps, breach.id, { ...assessment, approxAffected: 480, risk: 'medium' }, 'dpo-anong');
    expect(again.history).toHaveLength(corrected.history.length);
    expect(sim.audit.entries.filter((e) => e.action === 'breach.reassessed')).toHaveLength(1);
  });

  it('refuses a learned-at in the future', async () => {
    const sim = registerSimulation();
    await expect(recordBreach(sim.deps, breachInput('2026-11-26T03:00:00Z'), 'dpo')).rejects.toBeInstanceOf(InvalidInputError);
    expect(await sim.registers.list('breach')).toEqual([]);
  });
});

describe('telling the people affected', () => {
  const member = (memberId: string, email: string, locale: 'th' | 'en'): Member => ({
    memberId,
    email,
    locale,
    marketingOptIn: false,
    status: 'active',
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
  });

  it('sends each affected member one notice in their language, found by id or address, and never twice', async () => {
    const sim = registerSimulation();
    sim.members.set('m-th', member('m-th', 'somchai@example.com', 'th'));
    sim.members.set('m-en', member('m-en', 'jane@example.com', 'en'));
    const breach = await recordBreach(sim.deps, breachInput('2026-11-25T02:00:00Z'), 'dpo');
    const { breach: decided, pending } = await decideSubjectNotice(
      sim.deps,
      breach.id,
      { tell: true, reason: 'high risk of phishing', affected: ['m-th', 'Jane@Example.com'] },
      'dpo',
    );
    expect(pending).toBe(0);
    expect(decided.noticesSent.sort()).toEqual(['m-en', 'm-th']);
    const th = sim.mailer.sent.find((m) => m.to === 'somchai@example.com')!;
    const en = sim.mailer.sent.find((m) => m.to === 'jane@example.com')!;
    expect(th.subject).toContain('แจ้งเหตุละเมิดข้อมูลส่วนบุคคล');
    expect(th.text).toContain('ข้อมูลติดต่อ');
    expect(en.subject).toContain('A personal-data breach concerning your data');
    expect(
      sim.audit.entries
        .filter((e) => e.action === 'breach.notice_sent')
        .map((e) => e.subject)
        .sort(),
    ).toEqual(['m-en', 'm-th']);

    await decideSubjectNotice(sim.deps, breach.id, { tell: true, reason: 'confirmed', affected: ['m-th'] }, 'dpo');
    expect(sim.mailer.sent.filter((m) => m.to === 'somchai@example.com')).toHaveLength(1);
    expect((await sim.registers.get('breach', breach.id))!.history.filter((h) => h.event === 'subjects_decision')).toHaveLength(2);
  });

  it('leaves a notice owed where no breach notices are wired, and a function that has them sends it', async () => {
    const sim = registerSimulation();
    sim.members.set('m-en', member('m-en', 'jane@example.com', 'en'));
    const breach = await recordBreach(sim.deps, breachInput('2026-11-25T02:00:00Z'), 'dpo');
    const { tellSubject: _wired, ...withoutNotices } = sim.deps;
    const { pending } = await decideSubjectNotice(withoutNotices, breach.id, { tell: true, reason: 'high risk', affected: ['m-en'] }, 'dpo');
    expect(pending).toBe(1);
    // Another register step of a function without them settles what it can and leaves the notice owed.
    await recordPdpcOutcome(withoutNotices, breach.id, { notifiedAt: '2026-11-25T05:00:00Z', reference: 'PDPC-1' }, 'dpo');
    expect(sim.mailer.sent.filter((m) => m.to === 'jane@example.com')).toEqual([]);
    expect((await sim.registers.get('breach', breach.id))!.owed?.map((o) => o.kind)).toEqual(['notice']);
    await sweepRegisters(sim.deps);
    expect(sim.mailer.sent.filter((m) => m.to === 'jane@example.com')).toHaveLength(1);
    expect((await sim.registers.get('breach', breach.id))!.noticesSent).toEqual(['m-en']);
  });

  it('names the unknown people and tells nobody when one is not a member', async () => {
    const sim = registerSimulation();
    sim.members.set('m-th', member('m-th', 'somchai@example.com', 'th'));
    const breach = await recordBreach(sim.deps, breachInput('2026-11-25T02:00:00Z'), 'dpo');
    const failure = decideSubjectNotice(sim.deps, breach.id, { tell: true, reason: 'r', affected: ['m-th', 'nobody@example.com'] }, 'dpo');
    await expect(failure).rejects.toMatchObject({ code: 'unknown_members', issues: [{ path: 'body.affected.1' }] });
    expect(sim.mailer.sent.filter((m) => m.to !== 'dpo@shop.example.com')).toEqual([]);
  });

  it('records a decision not to tell, with its reason, and sends nothing', async () => {
    const sim = registerSimulation();
    const breach = await recordBreach(sim.deps, breachInput('2026-11-25T02:00:00Z'), 'dpo');
    const { breach: decided } = await decideSubjectNotice(sim.deps, breach.id, { tell: false, reason: 'data was encrypted; low risk' }, 'dpo');
    expect(decided.subjects).toMatchObject({ tell: false, reason: 'data was encrypted; low risk', memberIds: [] });
    expect(sim.mailer.sent).toEqual([]);
  });
});

describe('processor agreements', () => {
  const input = (expiresOn?: string) => ({
    name: 'Parcel Express Co., Ltd.',
    service: 'Courier: delivers orders',
    categories: ['contact' as const, 'delivery_address' as const],
    country: 'TH',
    agreement: { signedOn: '2026-01-01', reference: 'NDA-2026-007', ...(expiresOn ? { expiresOn } : {}) },
    receivesEvents: ['order-shipped consumer'],
  });

  it('reminds the DPO 30 and 7 days before the agreement expires and on the day', async () => {
    const sim = registerSimulation(new Date('2026-11-25T03:00:00.000Z'));
    const processor = await createProcessor(sim.deps, input('2027-03-01'), 'dpo');
    await runChain(sim);
    expect(sim.mailer.sent.map((m) => [m.at.slice(0, 10), m.subject])).toEqual([
      ['2027-01-29', expect.stringContaining('expires on 1 March 2027, in 30 days')],
      ['2027-02-21', expect.stringContaining('in 7 days')],
      ['2027-02-28', expect.stringContaining('expired on 1 March 2027')],
    ]);
    expect(sim.alarms.published).toEqual([]);
    expect((await sim.registers.get('processor', processor.id))!.milestones).toEqual(['expires-30d', 'expires-7d', 'expired']);
  });

  it('restarts the reminders when a renewed agreement gets a new expiry, keeping what changed in the history', async () => {
    const sim = registerSimulation(new Date('2026-11-25T03:00:00.000Z'));
    const processor = await createProcessor(sim.deps, input('2027-01-10'), 'dpo');
    await runChain(sim, () => sim.mailer.sent.length === 1); // the 30-day reminder
    const renewed = await updateProcessor(sim.deps, processor.id, input('2027-03-10'), 'dpo');
    expect(renewed.milestones).toEqual([]);
    expect(renewed.history.at(-1)).toMatchObject({ event: 'updated', changes: { agreement: { expiresOn: '2027-03-10' } } });
    await runChain(sim);
    expect(sim.mailer.sent.map((m) => m.at.slice(0, 10))).toEqual(['2026-12-10', '2027-02-07', '2027-03-02', '2027-03-09']);
    expect(((await sim.registers.get('processor', processor.id)) as Processor).history.map((h) => h.event)).toEqual([
      'recorded',
      'deadline:expires-30d',
      'updated',
      'deadline:expires-30d',
      'deadline:expires-7d',
      'deadline:expired',
    ]);
  });

  it('has no chain for an agreement without expiry', async () => {
    const sim = registerSimulation();
    await createProcessor(sim.deps, input(), 'dpo');
    expect(sim.scheduler.queue).toEqual([]);
  });
});
