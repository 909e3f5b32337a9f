import { describe, expect, it } from 'vitest';
import { decideHop, delayUntil, nextMilestone, plannedMilestones } from '../../../shared/domain/deadline-chain';
import { processJob, startChain, sweepChains } from '../../../shared/domain/deadline-service';
import { DAY_MS, DEFAULT_DEADLINES } from '../../../shared/domain/deadlines';
import { newRequest, withEvent, type DataRequest } from '../../../shared/domain/requests';
import { subscriberKey } from '../../../shared/domain/subscriptions';
import { simulation } from '../../helpers/deadline-sim';

const start = new Date('2026-11-25T03:00:00.000Z');
const request = (type: DataRequest['type'], status: DataRequest['status'] = 'open', id = 'R-AAAAAAAAAA') =>
  newRequest({ id, type, channel: 'email', email: 'somchai@example.com', locale: 'th', status }, start, DEFAULT_DEADLINES, 'test');

describe('deadline arithmetic', () => {
  it('plans reminders 2 and 1 days before the due date, then the due date', () => {
    const names = plannedMilestones(request('delete'), DEFAULT_DEADLINES).map((m) => [m.name, m.at.toISOString()]);
    expect(names).toEqual([
      ['remind-2d', '2026-12-23T03:00:00.000Z'],
      ['remind-1d', '2026-12-24T03:00:00.000Z'],
      ['due', '2026-12-25T03:00:00.000Z'],
    ]);
  });

  it('skips reminders overtaken by a due date that has already passed, and counts overdue days after it', () => {
    const r = request('delete');
    expect(nextMilestone(r, new Date(Date.parse(r.dueAt) + 1000), DEFAULT_DEADLINES)?.name).toBe('due');
    const afterDue = { ...r, milestones: ['remind-2d', 'remind-1d', 'due'] };
    expect(nextMilestone(afterDue, start, DEFAULT_DEADLINES)).toMatchObject({ name: 'overdue-1', at: new Date(Date.parse(r.dueAt) + DAY_MS) });
    expect(nextMilestone({ ...afterDue, milestones: [...afterDue.milestones, 'overdue-1'] }, start, DEFAULT_DEADLINES)?.name).toBe('overdue-2');
  });

  it('never delays more than SQS allows', () => {
    expect(delayUntil(new Date(start.getTime() + 7 * DAY_MS), start)).toBe(900);
    expect(delayUntil(new Date(start.getTime() + 30_500), start)).toBe(31);
    expect(delayUntil(new Date(start.getTime() - 5000), start)).toBe(0);
  });

  it('drops jobs of closed requests, older chains and hops already taken', () => {
    const job = { v: 1 as const, requestId: 'R-AAAAAAAAAA', chainId: 'c1', hop: 3, milestone: 'due', at: start.toISOString() };
    const open = request('delete');
    expect(decideHop(job, undefined, undefined, start)).toEqual({ kind: 'drop', reason: 'gone' });
    expect(decideHop(job, { ...open, status: 'done' }, { chainId: 'c1', hop: 3 }, start)).toEqual({ kind: 'drop', reason: 'closed' });
    expect(decideHop(job, open, { chainId: 'c2', hop: 3 }, start)).toEqual({ kind: 'drop', reason: 'superseded' });
    expect(decideHop(job, open, { chainId: 'c1', hop: 4 }, start)).toEqual({ kind: 'drop', reason: 'stale' });
    expect(decideHop(job, open, { chainId: 'c1', hop: 3 }, start)).toEqual({ kind: 'act' });
    expect(decideHop({ ...job, at: new Date(start.getTime() + 1000).toISOString() }, open, { chainId: 'c1', hop: 3 }, start)).toEqual({ kind: 'wait' });
  });

  it('runs no chain for a request waiting for confirmation, except an unsubscribe', () => {
    expect(nextMilestone(request('delete', 'awaiting_confirmation'), start, DEFAULT_DEADLINES)).toBeUndefined();
    expect(nextMilestone(request('stop_marketing', 'awaiting_confirmation'), start, DEFAULT_DEADLINES)?.name).toBe('remind-2d');
  });
});

/** Delivers every job in simulated time until the queue is empty or `until` passes. */
async function run(sim: ReturnType<typeof simulation>, until: Date, options: { duplicateEvery?: number; loseHop?: number } = {}) {
  let delivered = 0;
  for (;;) {
    const job = sim.scheduler.next();
    if (!job || sim.clock.now() > until) break;
    delivered++;
    if (options.loseHop !== undefined && job.hop === options.loseHop) continue; // the message vanished
    await processJob(sim.deps, job);
    if (options.duplicateEvery && delivered % options.duplicateEvery === 0) await processJob(sim.deps, job); // at-least-once
  }
  return delivered;
}

describe('a 7-day unsubscribe chain in simulated time', () => {
  it('reminds staff 2 and 1 days before, then applies the unsubscribe at day 7 and tells the customer once', async () => {
    const sim = simulation(start);
    const r = request('stop_marketing', 'awaiting_confirmation');
    await sim.requests.create(r);
    await startChain(sim.deps, r);
    const hops = await run(sim, new Date(start.getTime() + 10 * DAY_MS));
    expect(hops).toBeGreaterThan(7 * 96 - 5); // one hop per 15 minutes
    const mails = sim.mailer.sent.map((m) => [m.to, m.at.slice(0, 10), m.subject.slice(0, 30)]);
    expect(mails.map(([to, at]) => [to, at])).toEqual([
      ['dpo@shop.example.com', '2026-11-30'],
      ['dpo@shop.example.com', '2026-12-01'],
      ['somchai@example.com', '2026-12-02'],
    ]);
    expect(sim.subscriptions.items.get(subscriberKey('somchai@example.com'))).toMatchObject({ subscribed: false, via: 'deadline' });
    expect(await sim.requests.get(r.id)).toMatchObject({ status: 'done', note: 'enforced by deadline' });
    expect(sim.scheduler.queue).toEqual([]);
  });

  it('makes the chain a no-op once the unsubscribe was applied early', async () => {
    const sim = simulation(start);
    const r = request('stop_marketing', 'awaiting_confirmation');
    await sim.requests.create(r);
    await startChain(sim.deps, r);
    await run(sim, new Date(start.getTime() + 2 * DAY_MS));
    const stored = (await sim.requests.get(r.id))!;
    await sim.requests.update(
      withEvent(
        stored,
        { status: 'done', outcome: 'done', closedAt: sim.clock.now().toISOString() },
        { at: sim.clock.now().toISOString(), event: 'confirmed', by: 'requester' },
      ),
    );
    await run(sim, new Date(start.getTime() + 10 * DAY_MS));
    expect(sim.mailer.sent).toEqual([]);
    expect(sim.scheduler.queue).toEqual([]);
  });
});

describe('a 30-day request chain in simulated time', () => {
  it('reminds twice, escalates at the due date, flags it overdue and reminds daily until closed', async () => {
    const sim = simulation(start);
    const r = request('delete');
    await sim.requests.create(r);
    await startChain(sim.deps, r);
    await run(sim, new Date(start.getTime() + 33 * DAY_MS + 60_000));
    const staff = sim.mailer.sent.filter((m) => m.to === 'dpo@shop.example.com').map((m) => m.at.slice(0, 10));
    expect(staff).toEqual(['2026-12-23', '2026-12-24', '2026-12-25', '2026-12-26', '2026-12-27', '2026-12-28']);
    expect(await sim.requests.get(r.id)).toMatchObject({
      status: 'open',
      overdue: true,
      milestones: ['remind-2d', 'remind-1d', 'due', 'overdue-1', 'overdue-2', 'overdue-3'],
    });

    const stored = (await sim.requests.get(r.id))!;
    await sim.requests.update(
      withEvent(
        stored,
        { status: 'done', outcome: 'done', closedAt: sim.clock.now().toISOString(), overdue: false },
        { at: sim.clock.now().toISOString(), event: 'completed:done', by: 'staff' },
      ),
    );
    const before = sim.mailer.sent.length;
    await run(sim, new Date(start.getTime() + 40 * DAY_MS));
    expect(sim.mailer.sent.length).toBe(before);
    expect(sim.scheduler.queue).toEqual([]);
  });

  it('sends each reminder once however often SQS delivers a job twice', async () => {
    const sim = simulation(start);
    const r = request('access');
    await sim.requests.create(r);
    await startChain(sim.deps, r);
    await run(sim, new Date(start.getTime() + 31 * DAY_MS + 60_000), { duplicateEvery: 1 });
    const staff = sim.mailer.sent.map((m) => m.at.slice(0, 10));
    expect(staff).toEqual(['2026-12-23', '2026-12-24', '2026-12-25', '2026-12-26']);
    expect(sim.scheduler.queue.length).toBeLessThanOrEqual(1); // never a forked chain
  });

  it('recovers a lost message through the sweep, and still meets every milestone', async () => {
    const sim = simulation(start);
    const r = request('delete');
    await sim.requests.create(r);
    await startChain(sim.deps, r);
    await run(sim, new Date(start.getTime() + 5 * DAY_MS), { loseHop: 100 });
    expect(sim.scheduler.queue).toEqual([]); // the chain broke at hop 100
    sim.clock.advance(60 * 60_000);
    expect(await sweepChains(sim.deps)).toEqual({ checked: 1, restarted: 1 });
    await run(sim, new Date(start.getTime() + 30 * DAY_MS + 60_000));
    expect(sim.mailer.sent.map((m) => m.at.slice(0, 10))).toEqual(['2026-12-23', '2026-12-24', '2026-12-25']);
    expect(await sweepChains(sim.deps)).toMatchObject({ restarted: 0 }); // a live chain is left alone
  });
});

describe('the sweep reads only chains that went quiet', () => {
  it('looks at the one quiet chain, not at every open request, and restarts it', async () => {
    const sim = simulation(start);
    const ids = ['R-AAAAAAAAA2', 'R-AAAAAAAAA3', 'R-AAAAAAAAA4'];
    for (const id of ids) {
      const r = request('delete', 'open', id);
      await sim.requests.create(r);
      await startChain(sim.deps, r);
    }
    // Two chains keep hopping; the third one's message is lost.
    sim.scheduler.queue = sim.scheduler.queue.filter((q) => q.job.requestId !== 'R-AAAAAAAAA4');
    sim.clock.advance(60 * 60_000);
    for (const id of ids.slice(0, 2)) await sim.chains.advance(id, (await sim.chains.get(id))!.chainId, 0, sim.clock.now());
    let statusReads = 0;
    const byStatus = sim.requests.byStatus.bind(sim.requests);
    sim.requests.byStatus = (...args) => {
      statusReads++;
      return byStatus(...args);
    };
    expect(await sweepChains(sim.deps)).toEqual({ checked: 1, restarted: 1 });
    expect(statusReads).toBe(0);
    expect(sim.scheduler.queue.filter((q) => q.job.requestId === 'R-AAAAAAAAA4')).toHaveLength(1);
  });

  it('retires the chain of a closed request from the sweep\u2019s index', async () => {
    const sim = simulation(start);
    const r = request('delete', 'open', 'R-AAAAAAAAA5');
    await sim.requests.create(r);
    await startChain(sim.deps, r);
    const stored = (await sim.requests.get(r.id))!;
    await sim.requests.update(
      withEvent(stored, { status: 'done', outcome: 'done', closedAt: start.toISOString() }, { at: start.toISOString(), event: 'x', by: 't' }),
    );
    sim.scheduler.queue = [];
    sim.clock.advance(60 * 60_000);
    expect(await sweepChains(sim.deps)).toEqual({ checked: 1, restarted: 0 });
    expect(await sweepChains(sim.deps)).toEqual({ checked: 0, restarted: 0 });
  });
});
