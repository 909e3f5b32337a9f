/**
 * Deadline chains (DESIGN "Deadlines on SQS"): SQS delays a message at most 15 minutes and keeps it
 * at most 14 days, so a 7- or 30-day deadline is a chain of hops. Each hop either waits (re-sends
 * itself with the remaining delay, capped) or, when its milestone is due, acts and sends the next.
 * Milestones: staff reminders before the due date, the due date itself (enforce an unsubscribe,
 * escalate anything else), then a daily reminder while an overdue request stays open.
 */
import { DAY_MS, type DeadlineSettings } from './deadlines';
import type { DeadlineJob } from './ports';
import { isClosed, type DataRequest } from './requests';

/** SQS's limit on DelaySeconds. */
export const MAX_DELAY_SECONDS = 900;

export interface Milestone {
  name: string;
  at: Date;
}

/** A chain runs for open requests, and for unsubscribes even before they are confirmed (policy 6). */
export const needsChain = (r: DataRequest) => !isClosed(r) && (r.status === 'open' || r.type === 'stop_marketing');

export function plannedMilestones(r: DataRequest, settings: DeadlineSettings): Milestone[] {
  const due = Date.parse(r.dueAt);
  const reminders = [...new Set(settings.remindDaysBefore)]
    .filter((d) => d > 0)
    .sort((a, b) => b - a)
    .map((d) => ({ name: `remind-${d}d`, at: new Date(due - d * DAY_MS) }));
  return [...reminders, { name: 'due', at: new Date(due) }];
}

/**
 * The next milestone not yet handled. A reminder whose time passed while a later milestone is
 * also due already is skipped (a chain recovered late goes straight to what matters now). After
 * the due date, an open request gets `overdue-N` every day.
 */
export function nextMilestone(r: DataRequest, now: Date, settings: DeadlineSettings): Milestone | undefined {
  if (!needsChain(r)) return undefined;
  const done = new Set(r.milestones ?? []);
  const pending = plannedMilestones(r, settings).filter((m) => !done.has(m.name));
  for (let i = 0; i < pending.length; i++) {
    const m = pending[i]!;
    const later = pending[i + 1];
    if (m.name.startsWith('remind-') && later && later.at <= now) continue;
    return m;
  }
  const overdueDone = [...done].filter((n) => n.startsWith('overdue-')).length;
  const n = overdueDone + 1;
  return { name: `overdue-${n}`, at: new Date(Date.parse(r.dueAt) + n * DAY_MS) };
}

export const delayUntil = (at: Date, now: Date, maxDelaySeconds = MAX_DELAY_SECONDS) =>
  Math.max(0, Math.min(maxDelaySeconds, Math.ceil((at.getTime() - now.getTime()) / 1000)));

export type HopDecision = { kind: 'drop'; reason: 'gone' | 'closed' | 'superseded' | 'stale' | 'not_needed' } | { kind: 'wait' } | { kind: 'act' };

/** What one delivery of a job should do, given the request and its chain as stored now. */
export function decideHop(job: DeadlineJob, request: DataRequest | undefined, chain: { chainId: string; hop: number } | undefined, now: Date): HopDecision {
  return decideChainHop(job, request && { closed: isClosed(request), needsChain: needsChain(request) }, chain, now);
}

/**
 * The same decision for any chain's subject (a request, a breach, an agreement): gone, closed or
 * no longer needing a chain drops the job; so does a job of a replaced chain or a hop already taken.
 */
export function decideChainHop(
  job: Pick<DeadlineJob, 'chainId' | 'hop' | 'at'>,
  subject: { closed: boolean; needsChain: boolean } | undefined,
  chain: { chainId: string; hop: number } | undefined,
  now: Date,
): HopDecision {
  if (!subject) return { kind: 'drop', reason: 'gone' };
  if (subject.closed) return { kind: 'drop', reason: 'closed' };
  if (!subject.needsChain) return { kind: 'drop', reason: 'not_needed' };
  if (!chain || chain.chainId !== job.chainId) return { kind: 'drop', reason: 'superseded' };
  // A copy of a hop already taken (SQS delivers at least once): the chain moved on without it.
  if (chain.hop !== job.hop) return { kind: 'drop', reason: 'stale' };
  return now.getTime() < Date.parse(job.at) ? { kind: 'wait' } : { kind: 'act' };
}
