/**
 * Deadline use cases: start a request's chain, process one hop, and the sweep that restarts any
 * chain that went quiet, so no deadline depends on one message surviving. Every step is idempotent:
 * a duplicate delivery finds its hop already taken and drops; a closed request drops its chain.
 */
import { randomUUID } from 'node:crypto';
import { decideHop, delayUntil, needsChain, nextMilestone, type Milestone } from './deadline-chain';
import { DAY_MS, type DeadlineSettings } from './deadlines';
import { ConflictError } from './errors';
import { staffEscalation, staffReminder } from './notices';
import type { AuditLog, ChainState, ChainStore, Clock, DeadlineJob, Mailer, RequestStore, Scheduler } from './ports';
import { auditSubject, isClosed, withEvent, type DataRequest } from './requests';
import type { EventPublisher } from './events-out';
import { lateSystems } from './fulfilment';
import { owe, settleOrThrow, settleOwed, type EffectDeps, type Owed } from './request-effects';
import type { SubscriptionDeps } from './subscriptions';
import { suppressEffect } from './suppress-effect';

export interface DeadlineDeps {
  requests: RequestStore;
  chains: ChainStore;
  scheduler: Scheduler;
  audit: AuditLog;
  mailer: Mailer;
  clock: Clock;
  /** The suppression list and the words of its notice (enforcing an unsubscribe): no key needed. */
  subscriptions: Pick<SubscriptionDeps, 'subscriptions' | 'settings'>;
  /** The bus of events out (an enforced unsubscribe is announced to the shop's other mailers). */
  events?: EventPublisher;
  settings: {
    deadlines: DeadlineSettings;
    escalationAddress: string;
    /** SQS allows 900; the local mode uses a few seconds so a moved clock takes effect at once. */
    maxDelaySeconds: number;
    /** A chain not seen for this long is restarted by the sweep. */
    staleChainMinutes: number;
  };
}

const ACTOR = 'system:deadlines';

async function schedule(deps: DeadlineDeps, base: Omit<DeadlineJob, 'milestone' | 'at'>, next: Milestone, now: Date) {
  await deps.scheduler.schedule({ ...base, milestone: next.name, at: next.at.toISOString() }, delayUntil(next.at, now, deps.settings.maxDelaySeconds));
}

/** Starts (or restarts) the chain of a request that needs one; a no-op otherwise. */
export async function startChain(deps: Pick<DeadlineDeps, 'chains' | 'scheduler' | 'clock' | 'settings'>, request: DataRequest): Promise<boolean> {
  const now = deps.clock.now();
  const next = nextMilestone(request, now, deps.settings.deadlines);
  if (!next) return false;
  const chainId = randomUUID();
  await deps.chains.start(request.id, chainId, now);
  await deps.scheduler.schedule(
    { v: 1, requestId: request.id, chainId, hop: 0, milestone: next.name, at: next.at.toISOString() },
    delayUntil(next.at, now, deps.settings.maxDelaySeconds),
  );
  return true;
}

const effectDeps = (deps: DeadlineDeps): EffectDeps => ({
  requests: deps.requests,
  audit: deps.audit,
  mailer: deps.mailer,
  clock: deps.clock,
  // The list is read on first use: only enforcing an unsubscribe touches it.
  applySuppression: suppressEffect(() => deps.subscriptions),
  ...(deps.events ? { events: deps.events } : {}),
});

/**
 * Records a due milestone on the request together with the effects it owes (staff mail, the
 * suppression, the audit entry), in one conditional write: of duplicate deliveries racing for the
 * same milestone only one records it, so only one owes (and sends) its mail. Retries once if staff
 * wrote meanwhile.
 */
async function act(deps: DeadlineDeps, request: DataRequest, milestone: string, now: Date): Promise<DataRequest> {
  const staffMail = (notice: { subject: string; text: string; html: string }): Owed => ({
    id: `mail:${milestone}`,
    kind: 'mail',
    mail: { to: deps.settings.escalationAddress, ...notice },
  });
  let change: Partial<DataRequest> = {};
  let note: string | undefined;
  let owed: (r: DataRequest) => Owed[];
  if (milestone.startsWith('remind-')) {
    const daysLeft = Math.max(0, Math.round((Date.parse(request.dueAt) - now.getTime()) / DAY_MS));
    const waitingOn = lateSystems(request);
    owed = () => [
      staffMail(staffReminder({ requestId: request.id, type: request.type, dueAt: request.dueAt, daysLeft, ...(waitingOn.length ? { waitingOn } : {}) })),
    ];
  } else if (milestone === 'due' && request.type === 'stop_marketing') {
    // Policy 6: the opt-out is applied by the deadline whether or not anyone handled it.
    change = { status: 'done', outcome: 'done', closedAt: now.toISOString(), note: 'enforced by deadline' };
    note = 'unsubscribe applied automatically at the 7-day deadline';
    owed = (r) => [
      { id: 'suppress:deadline', kind: 'suppress', via: 'deadline', locale: r.locale },
      {
        id: 'audit:request.enforced',
        kind: 'audit',
        entry: { subject: auditSubject(r), actor: ACTOR, action: 'request.enforced', requestId: r.id, details: { milestone } },
      },
    ];
  } else {
    const overdueDays = milestone === 'due' ? 0 : Number(milestone.slice('overdue-'.length));
    const waitingOn = lateSystems(request);
    owed = () => [
      staffMail(staffEscalation({ requestId: request.id, type: request.type, dueAt: request.dueAt, overdueDays, ...(waitingOn.length ? { waitingOn } : {}) })),
    ];
    change = { overdue: true };
  }
  const record = (r: DataRequest) =>
    owe(
      withEvent(
        r,
        { ...change, milestones: [...(r.milestones ?? []), milestone] },
        { at: now.toISOString(), event: `deadline:${milestone}`, by: ACTOR, ...(note ? { note } : {}) },
      ),
      owed(r),
      now,
    );
  let current = request;
  for (let attempt = 0; ; attempt++) {
    try {
      const updated = record(current);
      await deps.requests.update(updated);
      return updated;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt > 0) throw error;
      const fresh = await deps.requests.get(current.id);
      if (!fresh || isClosed(fresh) || fresh.milestones?.includes(milestone)) return fresh ?? current;
      current = fresh;
    }
  }
}

export type HopOutcome = 'waited' | 'acted' | 'closed' | 'gone' | 'superseded' | 'stale' | 'not_needed';

export async function processJob(deps: DeadlineDeps, job: DeadlineJob): Promise<HopOutcome> {
  const now = deps.clock.now();
  const [request, chain] = await Promise.all([deps.requests.get(job.requestId), deps.chains.get(job.requestId)]);
  const decision = decideHop(job, request, chain, now);
  if (decision.kind === 'drop') {
    // Closed by this chain (an enforced unsubscribe) with effects still owed: the redelivery finishes them.
    if (request?.owed?.length) await settleOrThrow(effectDeps(deps), request);
    // The chain's work is over: out of the sweep's index (a newer chain replacing it stays).
    if (decision.reason === 'closed' || decision.reason === 'gone' || decision.reason === 'not_needed') await deps.chains.retire(job.requestId, job.chainId);
    return decision.reason;
  }
  let current = request!;
  // A reminder overtaken by a later milestone that is already due (a late or recovered chain) is skipped.
  const overtaken = decision.kind === 'act' && nextMilestone(current, now, deps.settings.deadlines)?.name !== job.milestone;
  if (decision.kind === 'act' && !overtaken && !current.milestones?.includes(job.milestone)) current = await act(deps, current, job.milestone, now);
  // Settle what the milestone owes (or what an earlier delivery left owed); a failure throws, so
  // SQS redelivers this hop and the redelivery settles it, once.
  if (current.owed?.length) current = await settleOrThrow(effectDeps(deps), current);
  // Take the hop only after the work: a failure above leaves the hop to SQS's retry.
  if (!(await deps.chains.advance(job.requestId, job.chainId, job.hop, now))) return 'stale';
  const next = decision.kind === 'wait' ? { name: job.milestone, at: new Date(job.at) } : nextMilestone(current, now, deps.settings.deadlines);
  if (!next || isClosed(current)) {
    await deps.chains.retire(job.requestId, job.chainId);
    return 'closed';
  }
  await schedule(deps, { v: 1, requestId: job.requestId, chainId: job.chainId, hop: job.hop + 1 }, next, now);
  return decision.kind === 'wait' ? 'waited' : 'acted';
}

/**
 * Closes requests nobody confirmed within `unconfirmedExpiryDays` as `expired` (audited, no mail:
 * the address was never shown to be the sender's). Unsubscribes are left to their own deadline,
 * which applies them. Reads only what can have expired: the status index up to the due date such a
 * request would have.
 */
export async function expireUnconfirmed(
  deps: Pick<EffectDeps, 'requests' | 'audit' | 'mailer' | 'clock' | 'applySuppression'> & {
    settings: { deadlines: DeadlineSettings; unconfirmedExpiryDays: number };
  },
): Promise<{ expired: number }> {
  const now = deps.clock.now();
  const receivedBefore = new Date(now.getTime() - deps.settings.unconfirmedExpiryDays * DAY_MS);
  const dueBefore = new Date(receivedBefore.getTime() + deps.settings.deadlines.requestDueDays * DAY_MS);
  let expired = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.requests.byStatus('awaiting_confirmation', 100, cursor, dueBefore);
    for (const request of page.items) {
      if (request.type === 'stop_marketing' || request.receivedAt >= receivedBefore.toISOString()) continue;
      const closed = withEvent(
        request,
        { status: 'expired', closedAt: now.toISOString(), note: 'not confirmed in time' },
        { at: now.toISOString(), event: 'expired', by: ACTOR },
      );
      const owing = owe(
        closed,
        [
          {
            id: 'audit:request.expired',
            kind: 'audit',
            entry: {
              subject: auditSubject(closed),
              actor: ACTOR,
              action: 'request.expired',
              requestId: closed.id,
              details: { days: deps.settings.unconfirmedExpiryDays },
            },
          },
        ],
        now,
      );
      try {
        await deps.requests.update(owing);
      } catch (error) {
        if (error instanceof ConflictError) continue; // confirmed meanwhile: the next sweep looks again
        throw error;
      }
      expired++;
      // A failure leaves the entry owed; the owed-effects sweep finishes it.
      await settleOwed(deps, owing);
    }
    cursor = page.next;
  } while (cursor);
  return { expired };
}

/**
 * Restarts every live chain that went quiet (its message lost: nothing advanced it for
 * `staleChainMinutes`), reading only those chains through the sparse byQuietChain index; a quiet
 * chain whose request no longer needs one is retired from the index. A request that never got its
 * chain is not found here: its chain start is an owed effect, finished by the owed-effects sweep.
 */
export async function sweepChains(
  deps: Pick<DeadlineDeps, 'requests' | 'chains' | 'scheduler' | 'clock' | 'settings'>,
): Promise<{ checked: number; restarted: number }> {
  const staleBefore = new Date(deps.clock.now().getTime() - deps.settings.staleChainMinutes * 60_000);
  return restartQuietChains(deps.chains, staleBefore, async (chain) => {
    const request = await deps.requests.get(chain.requestId);
    return request !== undefined && needsChain(request) && (await startChain(deps, request));
  });
}

/**
 * Walks the chains quiet since `staleBefore`, page by page, through the sparse byQuietChain index:
 * `restart` says whether it restarted a chain; one it did not restart no longer needs one and is retired.
 */
export async function restartQuietChains(
  chains: Pick<ChainStore, 'quietSince' | 'retire'>,
  staleBefore: Date,
  restart: (chain: ChainState & { requestId: string }) => Promise<boolean>,
): Promise<{ checked: number; restarted: number }> {
  let checked = 0;
  let restarted = 0;
  let cursor: string | undefined;
  do {
    const page = await chains.quietSince(staleBefore, 100, cursor);
    for (const chain of page.items) {
      checked++;
      if (await restart(chain)) restarted++;
      else await chains.retire(chain.requestId, chain.chainId);
    }
    cursor = page.next;
  } while (cursor);
  return { checked, restarted };
}
