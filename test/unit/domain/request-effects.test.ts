/**
 * Every effect exactly once, and never lost: a state change and what it owes (mail, audit entry,
 * deadline chain) survive a dependency that fails once at any step. The redelivery (SES, SQS), a
 * repeat by the requester, a retried staff call or the sweep finishes what is owed, and concurrent
 * duplicates send one mail, not five.
 */
import { describe, expect, it } from 'vitest';
import { processJob, startChain } from '../../../shared/domain/deadline-service';
import { DEFAULT_DEADLINES } from '../../../shared/domain/deadlines';
import type { AuditInput, OutgoingMail } from '../../../shared/domain/ports';
import { completeRequest, type CompletionDeps } from '../../../shared/domain/request-completion';
import { confirmRequest, intakeEmail, submitWebRequest } from '../../../shared/domain/request-service';
import { owe, settleOwed, SWEEP_GRACE_MS, sweepOwedEffects } from '../../../shared/domain/request-effects';
import { newRequest, type DataRequest } from '../../../shared/domain/requests';
import { subscriberKey } from '../../../shared/domain/subscriptions';
import { suppressEffect } from '../../../shared/domain/suppress-effect';
import { deletionMail, member, pass, world } from '../../helpers/request-world';

/** Runs a delivery that is expected to fail (the dependency failing once) and swallows its error. */
const failed = async (delivery: Promise<unknown>) => {
  await expect(delivery).rejects.toThrow();
};

describe('intake by e-mail survives a dependency failing once', () => {
  it.each([
    ['the acknowledgement mail', { mailer: () => true }],
    ['the audit append', { audit: (e: AuditInput) => e.action === 'request.received' }],
    ['the chain start', { scheduler: () => true }],
  ] as const)('when %s fails, the SES retry finishes it: one acknowledgement, one audit entry, one chain', async (_name, fail) => {
    const w = world(fail);
    await failed(intakeEmail(w.deps, deletionMail()));
    const retry = await intakeEmail(w.deps, deletionMail());
    expect(retry.outcome).toBe('duplicate');
    const id = retry.requestId!;
    expect(w.mailTo(member.email)).toHaveLength(1);
    expect(w.mailTo(member.email)[0]!.subject).toContain(id);
    expect(w.entries('request.received', id)).toHaveLength(1);
    expect(w.sim.scheduler.queue.filter((q) => q.job.requestId === id)).toHaveLength(1);
    expect((await w.sim.chains.get(id))?.chainId).toBe(w.sim.scheduler.queue[0]!.job.chainId);
    expect((await w.sim.requests.get(id))?.owed ?? []).toEqual([]);
    // A third delivery has nothing left to do.
    await intakeEmail(w.deps, deletionMail());
    expect(w.mailTo(member.email)).toHaveLength(1);
    expect(w.entries('request.received', id)).toHaveLength(1);
  });

  it('sends one acknowledgement when SES delivers the same event five times at once', async () => {
    const w = world();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => intakeEmail(w.deps, deletionMail())));
    expect(new Set(outcomes.map((o) => o.requestId)).size).toBe(1);
    expect(w.mailTo(member.email)).toHaveLength(1);
    expect(w.entries('request.received')).toHaveLength(1);
  });

  it('sends one confirmation link when the link mail fails once for an unauthenticated sender', async () => {
    const w = world({ mailer: () => true });
    await failed(intakeEmail(w.deps, deletionMail({ ...pass, dmarc: 'FAIL' })));
    const retry = await intakeEmail(w.deps, deletionMail({ ...pass, dmarc: 'FAIL' }));
    expect(w.mailTo(member.email)).toHaveLength(1);
    expect(w.mailTo(member.email)[0]!.text).toContain('/v1/requests/verify?token=');
    expect(w.entries('request.received', retry.requestId)).toHaveLength(1);
  });
});

describe('the web form survives a dependency failing once', () => {
  it.each([
    ['the confirmation mail', { mailer: () => true }],
    ['the audit append', { audit: () => true }],
  ] as const)('when %s fails, the request is still accepted and the sweep finishes it once', async (_name, fail) => {
    const { sweepOwedEffects, SWEEP_GRACE_MS } = await import('../../../shared/domain/request-effects');
    const w = world(fail);
    const answer = await submitWebRequest(w.deps, { email: 'nid@example.com', type: 'delete' }, { ip: '198.51.100.7' });
    expect(answer.status).toBe('awaiting_confirmation');
    w.sim.clock.advance(SWEEP_GRACE_MS + 1000);
    await sweepOwedEffects(w.deps);
    await sweepOwedEffects(w.deps);
    expect(w.mailTo('nid@example.com')).toHaveLength(1);
    expect(w.entries('request.received', answer.requestId)).toHaveLength(1);
    expect((await w.sim.requests.get(answer.requestId))?.owed ?? []).toEqual([]);
  });

  it('keeps the audit entry of a request without a member out of other requesters\u2019 chains', async () => {
    const w = world();
    const a = await submitWebRequest(w.deps, { email: 'a@example.com', type: 'delete' }, { ip: '198.51.100.7' });
    const b = await submitWebRequest(w.deps, { email: 'b@example.com', type: 'delete' }, { ip: '198.51.100.7' });
    const [ea] = w.entries('request.received', a.requestId);
    const [eb] = w.entries('request.received', b.requestId);
    expect(ea!.subject).not.toBe(eb!.subject);
    expect(ea!.subject).not.toContain('a@example.com');
    expect(ea!.subject).not.toBe('requests');
  });
});

describe('confirmation by link survives the acknowledgement failing once', () => {
  it('opens the request once and a second click sends the acknowledgement, once, and starts the chain', async () => {
    const w = world();
    const mail = deletionMail({ ...pass, dmarc: 'FAIL' });
    const { requestId } = await intakeEmail(w.deps, mail);
    const token = new URL(/https:\/\/\S+verify\?token=[^\s"<]+/.exec(w.mailTo(member.email)[0]!.text)![0]).searchParams.get('token')!;
    let failing = true;
    const flaky = {
      ...w.deps,
      mailer: {
        async send(m: OutgoingMail) {
          if (failing) {
            failing = false;
            throw new Error('SES throttled');
          }
          return w.mailer.send(m);
        },
      },
    };
    const first = await confirmRequest(flaky, token).catch(() => undefined);
    expect(first?.status ?? (await w.sim.requests.get(requestId!))?.status).toBe('open');
    await confirmRequest(flaky, token);
    await confirmRequest(flaky, token);
    expect(w.mailTo(member.email)).toHaveLength(2); // the link, then one acknowledgement
    expect(w.entries('request.confirmed', requestId)).toHaveLength(1);
    expect(w.sim.scheduler.queue.filter((q) => q.job.requestId === requestId)).toHaveLength(1);
  });
});

describe('completion survives the notice failing once', () => {
  it('closes the request, and the retried completion sends the notice once with one audit entry', async () => {
    const w = world({ mailer: () => true });
    const request = newRequest(
      { id: 'R-CCCCCCCCCC', type: 'other', channel: 'email', email: member.email, memberId: member.memberId, locale: 'en', status: 'open' },
      w.sim.clock.now(),
      DEFAULT_DEADLINES,
      'test',
    );
    await w.sim.requests.create(request);
    const deps = {
      ...w.deps,
      members: { get: async () => member, put: async () => undefined },
      data: {} as CompletionDeps['data'],
      disclosures: { forMember: async () => [] },
      suppressionList: { get: async () => undefined },
      exports: { put: async () => 'exports/unused.json' },
      settings: { publicUrl: 'https://api.example.com', holdDays: 730, exportLinkDays: 7 },
    } satisfies CompletionDeps;
    await completeRequest(deps, request.id, { outcome: 'done', note: 'answered by phone' }, 'staff').catch(() => undefined);
    expect((await w.sim.requests.get(request.id))?.status).toBe('done');
    const retry = await completeRequest(deps, request.id, { outcome: 'done', note: 'answered by phone' }, 'staff');
    expect(retry.replayed).toBe(true);
    await completeRequest(deps, request.id, { outcome: 'done', note: 'answered by phone' }, 'staff');
    expect(w.mailTo(member.email)).toHaveLength(1);
    expect(w.entries('request.done', request.id)).toHaveLength(1);
  });
});

describe('deadline jobs: claim, then send', () => {
  async function dueReminder(w: ReturnType<typeof world>) {
    const request = newRequest(
      { id: 'R-DDDDDDDDDD', type: 'delete', channel: 'email', email: member.email, memberId: member.memberId, locale: 'th', status: 'open' },
      w.sim.clock.now(),
      DEFAULT_DEADLINES,
      'test',
    );
    await w.sim.requests.create(request);
    await startChain(w.sim.deps, request);
    // Deliver the waiting hops until the first reminder is due and its job is in hand.
    for (;;) {
      const job = w.sim.scheduler.next()!;
      if (job.milestone === 'remind-2d' && w.sim.clock.now() >= new Date(job.at)) return job;
      await processJob(w.sim.deps, job);
    }
  }
  const staff = 'dpo@shop.example.com';

  it('sends one staff reminder when the due job is delivered five times at once', async () => {
    const w = world();
    const job = await dueReminder(w);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => processJob(w.sim.deps, job)));
    expect(w.mailTo(staff)).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'acted')).toHaveLength(1);
    expect(w.sim.scheduler.queue).toHaveLength(1); // the chain goes on, once
  });

  it('keeps the reminder owed when its send fails under five concurrent deliveries, and the redelivery sends it once', async () => {
    const w = world();
    const job = await dueReminder(w);
    let failing = true;
    const flaky = {
      ...w.sim.deps,
      mailer: {
        async send(m: OutgoingMail) {
          if (failing) {
            failing = false;
            throw new Error('SES throttled');
          }
          return w.sim.mailer.send(m);
        },
      },
    };
    await Promise.allSettled(Array.from({ length: 5 }, () => processJob(flaky, job)));
    // SQS redelivers the failed copy (its hop was not taken).
    await processJob(flaky, job);
    await processJob(flaky, job);
    expect(w.mailTo(staff)).toHaveLength(1);
    expect((await w.sim.requests.get('R-DDDDDDDDDD'))?.milestones).toEqual(['remind-2d']);
    expect(w.sim.scheduler.queue).toHaveLength(1);
  });
});

describe('abandoned requests', () => {
  it('expires requests left unconfirmed past unconfirmedExpiryDays, audited and without mail; unsubscribes are left to their deadline', async () => {
    const { expireUnconfirmed } = await import('../../../shared/domain/deadline-service');
    const w = world();
    const received = (id: string, type: DataRequest['type'], daysAgo: number) =>
      newRequest(
        { id, type, channel: 'web', email: `${id.toLowerCase()}@example.com`, locale: 'en', status: 'awaiting_confirmation' },
        new Date(w.sim.clock.now().getTime() - daysAgo * 86_400_000),
        DEFAULT_DEADLINES,
        'requester',
      );
    await w.sim.requests.create(received('R-OLDOLDOLD2', 'delete', 8));
    await w.sim.requests.create(received('R-NEWNEWNEW2', 'access', 6));
    await w.sim.requests.create(received('R-UNSUBUNSU2', 'stop_marketing', 6));
    const deps = { ...w.sim.deps, settings: { ...w.sim.deps.settings, unconfirmedExpiryDays: 7 } };
    expect(await expireUnconfirmed(deps)).toMatchObject({ expired: 1 });
    expect(await expireUnconfirmed(deps)).toMatchObject({ expired: 0 });
    expect(await w.sim.requests.get('R-OLDOLDOLD2')).toMatchObject({ status: 'expired', closedAt: w.sim.clock.now().toISOString() });
    expect((await w.sim.requests.get('R-NEWNEWNEW2'))?.status).toBe('awaiting_confirmation');
    expect((await w.sim.requests.get('R-UNSUBUNSU2'))?.status).toBe('awaiting_confirmation');
    expect(w.entries('request.expired', 'R-OLDOLDOLD2')).toHaveLength(1);
    expect(w.sim.mailer.sent).toEqual([]);
  });
});

describe('submitting reads only what folding needs', () => {
  it('folds a repeat into the open request without reading the address\u2019s closed history', async () => {
    const w = world();
    const email = 'regular@example.com';
    for (let i = 0; i < 30; i++) {
      const old = newRequest(
        { id: `R-OLD-${i}`, type: 'delete', channel: 'web', email, locale: 'en', status: 'rejected', note: 'x' },
        w.sim.clock.now(),
        DEFAULT_DEADLINES,
        'test',
      );
      await w.sim.requests.create(old);
    }
    let historyReads = 0;
    const byEmail = w.sim.requests.byEmail.bind(w.sim.requests);
    w.sim.requests.byEmail = (...args) => {
      historyReads++;
      return byEmail(...args);
    };
    const first = await submitWebRequest(w.deps, { email, type: 'delete' }, { ip: '198.51.100.7' });
    const again = await submitWebRequest(w.deps, { email, type: 'delete' }, { ip: '198.51.100.7' });
    expect(again.requestId).toBe(first.requestId);
    expect(historyReads).toBe(0);
  });

  it('opens one request and sends one mail for five identical submissions at the same moment (a double click)', async () => {
    const w = world();
    const email = 'twice@example.com';
    // The index the repeat check reads cannot see a request written at the same moment; the slot can.
    w.sim.requests.openByEmail = async () => [];
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => submitWebRequest(w.deps, { email, type: 'delete', locale: 'en' }, { ip: '198.51.100.7' })),
    );
    expect(new Set(answers.map((a) => a.requestId)).size).toBe(1);
    expect([...w.sim.requests.items.values()].filter((r) => r.email === email)).toHaveLength(1);
    expect(w.mailTo(email)).toHaveLength(1);
  });

  it('opens a new request once the open one for that address and type is closed (the slot passes on)', async () => {
    const w = world();
    const email = 'again@example.com';
    w.sim.requests.openByEmail = async () => [];
    const first = await submitWebRequest(w.deps, { email, type: 'delete' }, { ip: '198.51.100.7' });
    const stored = (await w.sim.requests.get(first.requestId))!;
    await w.sim.requests.update({ ...stored, version: stored.version + 1, status: 'expired', closedAt: w.sim.clock.now().toISOString() });
    const second = await submitWebRequest(w.deps, { email, type: 'delete' }, { ip: '198.51.100.7' });
    expect(second.requestId).not.toBe(first.requestId);
    expect(second.status).toBe('awaiting_confirmation');
    // A different type is its own slot.
    const other = await submitWebRequest(w.deps, { email, type: 'access' }, { ip: '198.51.100.7' });
    expect(other.requestId).not.toBe(second.requestId);
  });
});

describe('the unsubscribe notice', () => {
  it('tells the customer once when the deadline applies an opt-out and the notice fails once', async () => {
    const w = world();
    const request = newRequest(
      { id: 'R-UUUUUUUUUU', type: 'stop_marketing', channel: 'web', email: 'nid@example.com', locale: 'en', status: 'awaiting_confirmation' },
      w.sim.clock.now(),
      DEFAULT_DEADLINES,
      'requester',
    );
    await w.sim.requests.create(request);
    await startChain(w.sim.deps, request);
    let failing = true;
    const mailer = {
      async send(m: OutgoingMail) {
        if (failing && m.to === 'nid@example.com') {
          failing = false;
          throw new Error('SES throttled');
        }
        return w.sim.mailer.send(m);
      },
    };
    const flaky = { ...w.sim.deps, mailer, subscriptions: { ...w.sim.deps.subscriptions, mailer } };
    // Deliver every hop; a failed delivery is redelivered, as SQS does.
    for (let job = w.sim.scheduler.next(); job; job = w.sim.scheduler.next()) {
      const delivered = await processJob(flaky, job).then(
        () => true,
        () => false,
      );
      if (!delivered) await processJob(flaky, job);
    }
    expect((await w.sim.requests.get(request.id))?.status).toBe('done');
    expect(w.mailTo('nid@example.com')).toHaveLength(1);
    expect(w.entries('request.enforced', request.id)).toHaveLength(1);
  });
});

describe('a suppression is settled only where a suppression list is wired', () => {
  it('stays owed through a step without one, and the sweep applies it and tells the customer once', async () => {
    const w = world();
    const owing = owe(
      newRequest(
        { id: 'R-SSSSSSSSSS', type: 'stop_marketing', channel: 'web', email: 'nid@example.com', locale: 'en', status: 'done' },
        w.sim.clock.now(),
        DEFAULT_DEADLINES,
        'requester',
      ),
      [{ id: 'suppress', kind: 'suppress', via: 'staff', locale: 'en' }],
      w.sim.clock.now(),
    );
    await w.sim.requests.create(owing);
    const effects = { requests: w.sim.requests, audit: w.deps.audit, mailer: w.sim.mailer, clock: w.sim.clock, events: w.events };
    const { failures } = await settleOwed(effects, owing);
    expect(failures.map((f) => [f.effect, (f.error as Error).message])).toEqual([['suppress', 'suppress effect owed where no suppression list is wired']]);
    expect(await w.sim.subscriptions.get(subscriberKey('nid@example.com'))).toBeUndefined();

    w.sim.clock.advance(SWEEP_GRACE_MS + 1);
    await sweepOwedEffects({ ...effects, applySuppression: suppressEffect(() => w.sim.deps.subscriptions) });
    expect((await w.sim.subscriptions.get(subscriberKey('nid@example.com')))?.subscribed).toBe(false);
    expect(w.mailTo('nid@example.com').map((m) => m.subject)).toEqual(['You have been unsubscribed from newsletters and promotions']);
    expect(w.published.map((e) => e.type)).toEqual(['address.suppressed']);
    expect((await w.sim.requests.get(owing.id))?.owed ?? []).toEqual([]);
  });
});
