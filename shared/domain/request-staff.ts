/**
 * What staff do with one request besides completing it (request-completion.ts): open it with
 * everything needed to decide, reclassify a misread mail, comment, assign. Every action goes into the
 * request's history under the person's name, and into the audit chain as an owed effect written with
 * the change (request-effects.ts), so a failure after the write loses no entry and a retry adds none.
 */
import { recordView } from './access-log';
import { fulfilmentView } from './fulfilment';
import { needsChain, plannedMilestones } from './deadline-chain';
import { dueAt as dueDate, type DeadlineSettings } from './deadlines';
import { ConflictError, InvalidInputError, NotFoundError } from './errors';
import type { Member } from './members';
import type { AuditLog, Clock, Mailer, MemberStore, RequestStore } from './ports';
import { owe, settleOwed, type Owed, type SettleResult } from './request-effects';
import { queueItem, type QueueItem } from './request-queue';
import type { RequestType } from './request-types';
import { assessVerdicts, auditSubject, isClosed, withEvent, type DataRequest, type HistoryEntry, type MailAttachment, type Verdicts } from './requests';

export interface StaffReadDeps {
  requests: Pick<RequestStore, 'get'>;
  members: Pick<MemberStore, 'get'>;
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
  deadlines: DeadlineSettings;
}

export interface StaffActionDeps {
  requests: RequestStore;
  audit: AuditLog;
  clock: Clock;
  deadlines: DeadlineSettings;
  /** Starts (or restarts) the request's deadline chain: a reclassification can move its due date. */
  startChain?: (request: DataRequest) => Promise<unknown>;
  /** Told about effects that failed and stay owed (for logs; the sweep finishes them). */
  onUnsettled?: (requestId: string, failures: SettleResult['failures']) => void;
}

export interface Milestone {
  name: string;
  at: string;
  /** Handled by the deadline chain (a reminder sent, the request escalated or enforced). */
  done: boolean;
}

export interface RequestDetail extends QueueItem {
  locale: DataRequest['locale'];
  /** Why the request has its type. */
  classification: {
    type: RequestType;
    /** The phrases of the mail that matched (`type: phrase`, the deciding one first); none for web requests. */
    matched: string[];
    /** Staff corrections, oldest first. */
    reclassifications: HistoryEntry[];
  };
  /** The original mail as text (parsed server-side; never the sender's HTML) with SES's verdicts. */
  mail?: {
    subject?: string;
    text?: string;
    attachments?: MailAttachment[];
    verdicts?: Verdicts;
    /** The verdicts in one word: `authenticated` (DMARC passed), `unauthenticated`, `spam` or `virus`. */
    assessment?: ReturnType<typeof assessVerdicts>;
    /** Links to the raw mail: GET /v1/admin/requests/{id}/raw. */
    hasRawMail: boolean;
  };
  /** What the requester wrote in the web form. */
  details?: string;
  /** The member the request matched, as far as deciding needs. */
  member?: Pick<Member, 'memberId' | 'status' | 'name' | 'email' | 'locale' | 'holdUntil' | 'deactivatedAt' | 'anonymisedAt'>;
  replies: NonNullable<DataRequest['replies']>;
  history: HistoryEntry[];
  /** The deadline chain's milestones for the current due date, handled or not. */
  milestones: Milestone[];
  /** Repeats of the same request folded into this one (history entries of later mails). */
  folded: HistoryEntry[];
  /** The other systems' part, per system (done / waiting / failed), without the notice that waits for them. */
  fulfilment?: NonNullable<ReturnType<typeof fulfilmentView>>;
  note?: string;
  /** What is still owed (ids and kinds only: a pending mail may hold a live link). */
  owed?: { id: string; kind: string; since: string; claimedUntil?: string; claims?: number }[];
}

const FOLDED_EVENTS = new Set(['repeated', 'confirmed:authenticated_mail']);

/** A request with everything staff need to decide; recorded as a `viewed` entry before it is shown. */
export async function requestDetail(deps: StaffReadDeps, id: string, actor: string): Promise<RequestDetail> {
  const request = await deps.requests.get(id);
  if (!request) throw new NotFoundError('Request');
  const member = request.memberId ? await deps.members.get(request.memberId) : undefined;
  await recordView(deps.audit, { subject: auditSubject(request), actor, what: 'request', requestId: id });
  const now = deps.clock.now();
  const handled = new Set(request.milestones ?? []);
  const overdueDone = [...handled].filter((m) => m.startsWith('overdue-'));
  return {
    ...queueItem(request, now),
    locale: request.locale,
    classification: {
      type: request.type,
      matched: request.matched ?? [],
      reclassifications: request.history.filter((h) => h.event === 'reclassified'),
    },
    ...(request.channel === 'email'
      ? {
          mail: {
            ...(request.subject ? { subject: request.subject } : {}),
            ...(request.details ? { text: request.details } : {}),
            ...(request.attachments ? { attachments: request.attachments } : {}),
            ...(request.verdicts ? { verdicts: request.verdicts, assessment: assessVerdicts(request.verdicts) } : {}),
            hasRawMail: Boolean(request.rawMailKey),
          },
        }
      : request.details
        ? { details: request.details }
        : {}),
    ...(member
      ? {
          member: {
            memberId: member.memberId,
            status: member.status,
            email: member.email,
            locale: member.locale,
            ...(member.name ? { name: member.name } : {}),
            ...(member.holdUntil ? { holdUntil: member.holdUntil } : {}),
            ...(member.deactivatedAt ? { deactivatedAt: member.deactivatedAt } : {}),
            ...(member.anonymisedAt ? { anonymisedAt: member.anonymisedAt } : {}),
          },
        }
      : {}),
    replies: request.replies ?? [],
    history: request.history,
    milestones: [
      ...plannedMilestones(request, deps.deadlines).map((m) => ({ name: m.name, at: m.at.toISOString(), done: handled.has(m.name) })),
      ...overdueDone.map((name) => ({ name, at: new Date(Date.parse(request.dueAt) + Number(name.slice(8)) * 86_400_000).toISOString(), done: true })),
    ],
    folded: request.history.filter((h) => FOLDED_EVENTS.has(h.event)),
    ...(request.fulfilment ? { fulfilment: fulfilmentView(request) } : {}),
    ...(request.note ? { note: request.note } : {}),
    ...(request.owed?.length
      ? {
          owed: request.owed.map(({ id: effectId, kind, since, claimedUntil, claims }) => ({
            id: effectId,
            kind,
            since,
            ...(claimedUntil ? { claimedUntil } : {}),
            ...(claims ? { claims } : {}),
          })),
        }
      : {}),
  };
}

/**
 * What an action answers: the request as the queue shows it, with its history (where the action now
 * is). Not the mail's text: that is shown only through the audited detail view.
 */
export const actionAnswer = (request: DataRequest, clock: Clock) => ({ ...queueItem(request, clock.now()), history: request.history });
export type ActionAnswer = ReturnType<typeof actionAnswer>;

/** Staff actions owe no mail; an effect that asked for one would be a bug, not a send. */
const NO_MAIL: Mailer = { send: () => Promise.reject(new Error('staff request actions owe no mail')) };

/**
 * Writes `change(request)` (a new version owing its effects) and settles them. A concurrent write
 * (the deadline chain, another person) is a 409: the person reloads and sees what changed.
 */
async function act(deps: StaffActionDeps, id: string, change: (r: DataRequest, now: Date) => DataRequest): Promise<DataRequest> {
  const request = await deps.requests.get(id);
  if (!request) throw new NotFoundError('Request');
  const next = change(request, deps.clock.now());
  await deps.requests.update(next);
  const settled = await settleOwed(
    { requests: deps.requests, audit: deps.audit, mailer: NO_MAIL, clock: deps.clock, ...(deps.startChain ? { startChain: deps.startChain } : {}) },
    next,
  );
  if (settled.failures.length) deps.onUnsettled?.(id, settled.failures);
  return settled.request;
}

const auditOwed = (r: DataRequest, actor: string, action: string, details: Record<string, unknown>): Owed => ({
  // One id per version: the same action done twice is two entries, each written once.
  id: `audit:${action}:${r.version}`,
  kind: 'audit',
  entry: { subject: auditSubject(r), actor, action, requestId: r.id, details: { ...details, version: r.version } },
});

function requireOpen(r: DataRequest) {
  if (isClosed(r)) throw new ConflictError('request_closed', `Request ${r.id} is already closed as ${r.outcome ?? r.status}`);
}

/**
 * Corrects the type of a misread request. The due date follows the type, counted from receipt as
 * at intake: an unsubscribe is due 7 days after it arrived (policy 6), anything else 30 (PDPA), so
 * reclassifying neither restarts the clock nor lets a request escape it. The deadline milestones
 * start over for the new due date (reminders already sent for the old one may be sent again for the
 * new one) and the chain restarts; a new due date already past is handled at once (escalated, or for
 * an unsubscribe applied, as its deadline promises). The phrases that matched at intake stay.
 */
export async function reclassifyRequest(deps: StaffActionDeps, id: string, input: { type: RequestType; reason: string }, actor: string) {
  return act(deps, id, (r, now) => {
    requireOpen(r);
    if (r.type === input.type)
      throw new InvalidInputError('same_type', `Request ${id} is already of type ${input.type}`, [{ path: 'body.type', message: 'is the current type' }]);
    const due = dueDate(input.type, new Date(r.receivedAt), deps.deadlines).toISOString();
    const changed = withEvent(
      r,
      { type: input.type, dueAt: due, milestones: [], overdue: false },
      { at: now.toISOString(), event: 'reclassified', by: actor, note: `${r.type} \u2192 ${input.type}: ${input.reason}` },
    );
    const chain: Owed | false = Boolean(deps.startChain) && needsChain(changed) && { id: `chain:reclassified:${changed.version}`, kind: 'chain' };
    return owe(changed, [auditOwed(changed, actor, 'request.reclassified', { from: r.type, to: input.type, dueAt: due }), chain], now);
  });
}

/** An internal note for colleagues: in the history only, never mailed to the requester. */
export async function commentOnRequest(deps: StaffActionDeps, id: string, input: { text: string }, actor: string) {
  return act(deps, id, (r, now) => {
    const changed = withEvent(r, {}, { at: now.toISOString(), event: 'comment', by: actor, note: input.text });
    // The text stays in the history (anonymised with it); the audit entry says only that one was added.
    return owe(changed, [auditOwed(changed, actor, 'request.commented', {})], now);
  });
}

/** Gives the request to a person (or takes it back with no assignee). */
export async function assignRequest(deps: StaffActionDeps, id: string, input: { assignee?: string | undefined }, actor: string) {
  return act(deps, id, (r, now) => {
    requireOpen(r);
    const { assignee: _previous, ...rest } = r;
    const changed = withEvent(
      { ...rest, ...(input.assignee ? { assignee: input.assignee } : {}) },
      {},
      { at: now.toISOString(), event: input.assignee ? 'assigned' : 'unassigned', by: actor, ...(input.assignee ? { note: input.assignee } : {}) },
    );
    return owe(
      changed,
      [auditOwed(changed, actor, input.assignee ? 'request.assigned' : 'request.unassigned', input.assignee ? { assignee: input.assignee } : {})],
      now,
    );
  });
}
