/**
 * Fulfilment in the shop's other systems (issue 14): a request carried out here is complete only when
 * every system that holds the same customer's data has acted too. The systems are the stage's event
 * consumers that confirm (`confirmRoleArn`); a request waits for those that receive its action event
 * (a delete's `member.erasure_due`, an edit's `request.completed`, an opt-out's `address.suppressed`,
 * a cancellation's `member.deactivated`). Each confirms as its own IAM role: erased / edited /
 * suppressed / deactivated, or failed with a reason. When the last one confirms, the request closes and
 * the requester gets the completion notice; a DPO may close it without them, with a reason, audited.
 * Deadline reminders name the systems still waiting.
 */
import { ConflictError, InvalidInputError, NotFoundError } from './errors';
import type { EventPublisher, EventType } from './events-out';
import type { AuditLog, Clock, Mailer, OutgoingMail, RequestStore } from './ports';
import type { RequestType } from './request-types';
import { auditSubject, withEvent, type DataRequest } from './requests';
import { owe, settleOwed, type SettleResult } from './request-effects';

/** A system that confirms back, as the stage settings name it (ids and IAM principals only). */
export interface ConfirmingSystem {
  id: string;
  events: readonly EventType[];
  /** The IAM role (or user) the system confirms as. */
  principalArn: string;
}

/** What a system reports having done. */
export const CONFIRMED_ACTIONS = ['erased', 'edited', 'suppressed', 'deactivated'] as const;
export type ConfirmedAction = (typeof CONFIRMED_ACTIONS)[number];

/** Per request type: the event other systems act on and the action they confirm. */
const ACTION_OF: Partial<Record<RequestType, { event: EventType; action: ConfirmedAction }>> = {
  delete: { event: 'member.erasure_due', action: 'erased' },
  edit: { event: 'request.completed', action: 'edited' },
  stop_marketing: { event: 'address.suppressed', action: 'suppressed' },
  cancel_account: { event: 'member.deactivated', action: 'deactivated' },
};

export type SystemStatus = 'waiting' | 'done' | 'failed';

export interface SystemFulfilment {
  system: string;
  /** What the system is asked to do. */
  action: ConfirmedAction;
  status: SystemStatus;
  /** When it last confirmed (done or failed). */
  at?: string;
  /** Why it failed, as the system said. */
  reason?: string;
}

export interface Fulfilment {
  /** When this system carried the request out and the events went out. */
  carriedOutAt: string;
  systems: SystemFulfilment[];
  /** The notice the requester gets when the request closes; kept until then (gone if the request is anonymised first). */
  notice?: OutgoingMail;
  /** Staff's note on completion, kept for the closing history entry. */
  note?: string;
  /** Set when a DPO closed the request without every confirmation. */
  overridden?: { by: string; at: string; reason: string };
}

/** The systems a request of this type waits for: confirming systems that receive its action event. */
export function systemsToConfirm(type: RequestType, systems: readonly ConfirmingSystem[]): SystemFulfilment[] {
  const action = ACTION_OF[type];
  if (!action) return [];
  return systems.filter((s) => s.events.includes(action.event)).map((s) => ({ system: s.id, action: action.action, status: 'waiting' as const }));
}

/** Systems not done yet (waiting or failed): what a reminder names. */
export const lateSystems = (request: Pick<DataRequest, 'fulfilment'>) =>
  (request.fulfilment?.systems ?? []).filter((s) => s.status !== 'done').map((s) => `${s.system} (${s.status})`);

/** Carried out here and waiting for other systems: open, but not to be carried out again. */
export const awaitsSystems = (request: Pick<DataRequest, 'status' | 'fulfilment'>) => request.status === 'open' && Boolean(request.fulfilment);

export interface FulfilmentDeps {
  requests: RequestStore;
  audit: AuditLog;
  mailer: Mailer;
  clock: Clock;
  events?: EventPublisher;
  onUnsettled?: (requestId: string, failures: SettleResult['failures']) => void;
}

/** The request closed as done: the completion notice and the audit entry are owed with it. */
function closeDone(request: DataRequest, by: string, now: Date, how: 'confirmed' | 'overridden', reason?: string): DataRequest {
  const f = request.fulfilment!;
  const closed = withEvent(
    request,
    { status: 'done', outcome: 'done', closedAt: now.toISOString(), overdue: false, needsAttention: false, ...(f.note ? { note: f.note } : {}) },
    { at: now.toISOString(), event: how === 'confirmed' ? 'completed:done' : 'completed:done:override', by, ...(reason ? { note: reason } : {}) },
  );
  return owe(
    closed,
    [
      {
        id: 'audit:request.done',
        kind: 'audit',
        entry: {
          subject: auditSubject(request),
          actor: by,
          action: 'request.done',
          requestId: request.id,
          details: { systems: f.systems.map((s) => ({ system: s.system, status: s.status })), ...(reason ? { override: reason } : {}) },
        },
      },
      f.notice && { id: 'mail:completion', kind: 'mail', mail: f.notice },
    ],
    now,
  );
}

async function finish(deps: FulfilmentDeps, request: DataRequest) {
  if (!request.owed?.length) return request;
  const settled = await settleOwed(deps, request);
  if (settled.failures.length) deps.onUnsettled?.(request.id, settled.failures);
  return settled.request;
}

/** Writes `change(fresh)` with the request's optimistic version; retries on a concurrent write. */
async function update(deps: FulfilmentDeps, id: string, change: (r: DataRequest) => DataRequest | undefined): Promise<DataRequest> {
  for (let attempt = 0; ; attempt++) {
    const current = await deps.requests.get(id);
    if (!current) throw new NotFoundError('Request');
    const next = change(current);
    if (!next) return finish(deps, current);
    try {
      await deps.requests.update(next);
      return finish(deps, next);
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 4) throw error;
    }
  }
}

export interface Confirmation {
  outcome: ConfirmedAction | 'failed';
  reason?: string;
}

/**
 * A system confirms its part. The same confirmation twice changes nothing; a failure may be followed by
 * a success (the system fixed it). The last success closes the request.
 */
export async function confirmFulfilment(deps: FulfilmentDeps, id: string, system: string, input: Confirmation) {
  if (input.outcome === 'failed' && !input.reason?.trim())
    throw new InvalidInputError('reason_required', 'A failed confirmation needs its reason in "reason"', [
      { path: 'body.reason', message: 'required when outcome is failed' },
    ]);
  const now = deps.clock.now();
  return update(deps, id, (r) => {
    const entry = r.fulfilment?.systems.find((s) => s.system === system);
    // Another system's request, or one this system was never asked about: nothing of it is revealed.
    if (!entry) throw new NotFoundError('Request');
    if (input.outcome !== 'failed' && input.outcome !== entry.action)
      throw new InvalidInputError('wrong_action', `This request asks ${system} to confirm "${entry.action}"`, [
        { path: 'body.outcome', message: `must be ${entry.action} or failed` },
      ]);
    const status: SystemStatus = input.outcome === 'failed' ? 'failed' : 'done';
    if (entry.status === status && entry.reason === input.reason) return undefined;
    // A late confirmation after the request closed (a DPO override) is recorded, and closes nothing.
    if (entry.status === 'done' && status === 'failed') throw new ConflictError('already_confirmed', `${system} already confirmed this request`);
    const systems = r.fulfilment!.systems.map((s): SystemFulfilment => {
      if (s.system !== system) return s;
      const { reason: _previous, ...rest } = s;
      return { ...rest, status, at: now.toISOString(), ...(status === 'failed' ? { reason: input.reason!.slice(0, 500) } : {}) };
    });
    const confirmed = withEvent(
      r,
      { fulfilment: { ...r.fulfilment!, systems } },
      {
        at: now.toISOString(),
        event: `system:${status === 'done' ? entry.action : 'failed'}`,
        by: `system:${system}`,
        ...(input.reason ? { note: input.reason.slice(0, 500) } : {}),
      },
    );
    const audited = owe(
      confirmed,
      [
        {
          id: `audit:system.${system}.${status}:${r.version}`,
          kind: 'audit',
          entry: {
            subject: auditSubject(r),
            actor: `system:${system}`,
            action: `system.${status === 'done' ? entry.action : 'failed'}`,
            requestId: r.id,
            details: { system },
          },
        },
      ],
      now,
    );
    const allDone = systems.every((s) => s.status === 'done');
    // One write: the confirmation and the close together (one version step).
    return allDone && awaitsSystems(r) ? { ...closeDone(audited, `system:${system}`, now, 'confirmed'), version: audited.version } : audited;
  });
}

/** A DPO closes a request whose systems have not all confirmed, with the reason (audited). */
export async function overrideFulfilment(deps: FulfilmentDeps, id: string, reason: string, actor: string) {
  const now = deps.clock.now();
  return update(deps, id, (r) => {
    if (!r.fulfilment) throw new ConflictError('nothing_to_override', `Request ${id} does not wait for other systems`);
    if (!awaitsSystems(r)) return undefined; // closed already (a retry): finish what it owes
    const closed = closeDone(
      { ...r, fulfilment: { ...r.fulfilment, overridden: { by: actor, at: now.toISOString(), reason } } },
      actor,
      now,
      'overridden',
      reason,
    );
    return owe(
      closed,
      [
        {
          id: 'audit:request.fulfilment_overridden',
          kind: 'audit',
          entry: { subject: auditSubject(r), actor, action: 'request.fulfilment_overridden', requestId: r.id, details: { reason, late: lateSystems(r) } },
        },
      ],
      now,
    );
  });
}

/** Per system, as staff read it on the request. */
export const fulfilmentView = (r: Pick<DataRequest, 'fulfilment'>) =>
  r.fulfilment
    ? {
        carriedOutAt: r.fulfilment.carriedOutAt,
        systems: r.fulfilment.systems,
        ...(r.fulfilment.overridden ? { overridden: r.fulfilment.overridden } : {}),
      }
    : undefined;
