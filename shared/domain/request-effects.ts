/**
 * Owed effects: every step of a request that changes its state also owes the world something (a
 * mail, an audit entry, a deadline chain, a suppression). The step writes what it owes into the
 * request's `owed` list in the same put as the state change, then settles it; whatever a failure or
 * a crash leaves owed is settled by the next delivery of the same event (SES or SQS retry, a second
 * click, a repeated form) or by the hourly sweep. So a state change never exists without its effects,
 * and a retry never loses them.
 *
 * Each effect is settled exactly once by claiming it first: a conditional write (the request's
 * version) sets `claimedUntil`; of concurrent deliveries only one wins the claim, the others see it
 * taken and leave it. After the work, a second conditional write removes the effect. A failed effect
 * gives its claim back, so a retry takes it again.
 *
 * The honest edge: a process that dies after SES accepted a mail but before the effect was marked
 * done leaves a claim that expires after EFFECT_LEASE_MS; the mail is then sent once more (SES has
 * no idempotency key). So mail is at most once per claim and, in that crash window only, at least
 * once overall. Audit entries have no such edge: a re-claimed audit effect first looks for its entry
 * (request id and action) in the chain and only appends when it is not there.
 */
import { canonicalJson } from './audit';
import { ConflictError } from './errors';
import type { EventPublisher, OutEvent } from './events-out';
import type { Locale } from './members';
import type { AuditInput, AuditLog, Clock, Mailer, OutgoingMail, RequestStore, UnsubscribeVia } from './ports';
import type { DataRequest } from './requests';

/** How long a claim holds: longer than any function's timeout, so a live delivery is never overtaken. */
export const EFFECT_LEASE_MS = 5 * 60_000;
/** The sweep leaves effects younger than this to the delivery that is settling them now. */
export const SWEEP_GRACE_MS = 2 * 60_000;

export type EffectWork =
  | { kind: 'mail'; mail: OutgoingMail }
  | { kind: 'audit'; entry: AuditInput }
  /** Start (or restart) the request's deadline chain. */
  | { kind: 'chain' }
  /** Put the request's address on the suppression list (and tell the customer, once). */
  | { kind: 'suppress'; via: UnsubscribeVia; locale: Locale }
  /**
   * Publish a step's events on the stack's bus for the shop's other systems (events-out.ts), in one
   * call: one claim and one PutEvents however many events the step has.
   */
  | { kind: 'event'; events: OutEvent[] };

export type OwedEffect = EffectWork & {
  /** Unique within the request: a step owes the same effect id however often it runs. */
  id: string;
  /** When it became owed (the sweep's index sorts on the oldest). */
  since: string;
  /** Held by a delivery settling it until then. */
  claimedUntil?: string;
  /** Claims taken so far. */
  claims?: number;
};

/**
 * Puts a request's address on the suppression list and answers what that owes in turn (the event,
 * the customer's notice). Passed only by the functions that may owe a suppression, so the others
 * do not bundle the suppression list and the unsubscribe notice.
 */
export type SuppressPerformer = (deps: EffectDeps, request: DataRequest, effect: { via: UnsubscribeVia; locale: Locale }) => Promise<Owed[]>;

export interface EffectDeps {
  requests: RequestStore;
  audit: AuditLog;
  mailer: Mailer;
  clock: Clock;
  /** Starts the request's deadline chain; a chain effect waits (stays owed) where it is missing. */
  startChain?: (request: DataRequest) => Promise<unknown>;
  /** Performs a suppress effect (suppress-effect.ts); a suppress effect waits (stays owed) where it is missing. */
  applySuppression?: SuppressPerformer;
  /** The bus of events out; an event effect waits (stays owed) where it is missing. */
  events?: EventPublisher;
}

/** What a step owes, by id and work; `owe` stamps the time. */
export type Owed = EffectWork & { id: string };

/** The request with these effects owed (ids already owed are kept as they are). Pure: no version change. */
export function owe(request: DataRequest, effects: (Owed | undefined | false)[], now: Date): DataRequest {
  const owed = [...(request.owed ?? [])];
  for (const effect of effects) {
    if (!effect || owed.some((o) => o.id === effect.id)) continue;
    owed.push({ ...effect, since: now.toISOString() } as OwedEffect);
  }
  return owed.length ? { ...request, owed } : request;
}

/** The request with one owed effect replaced or (undefined) removed, as the next version. */
function withOwed(request: DataRequest, id: string, next: OwedEffect | undefined): DataRequest {
  const owed = (request.owed ?? []).flatMap((o) => (o.id !== id ? [o] : next ? [next] : []));
  const { owed: _previous, ...rest } = request;
  return { ...rest, ...(owed.length ? { owed } : {}), version: request.version + 1 };
}

export interface SettleResult {
  request: DataRequest;
  /** Effects that failed this time; they stay owed for the next delivery or the sweep. */
  failures: { effect: string; error: unknown }[];
}

/**
 * Writes `change(current)` as the next version; on a conflict re-reads and tries again. `change`
 * answers undefined when, on fresh data, there is nothing to write.
 */
async function writeFresh(
  deps: Pick<EffectDeps, 'requests'>,
  current: DataRequest,
  change: (r: DataRequest) => DataRequest | undefined,
): Promise<{ written?: DataRequest; current: DataRequest }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const next = change(current);
    if (!next) return { current };
    try {
      await deps.requests.update(next);
      return { written: next, current: next };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const fresh = await deps.requests.get(current.id);
      if (!fresh) return { current };
      current = fresh;
    }
  }
  throw new ConflictError('request_busy', `Request ${current.id} kept changing while its effects were settled`);
}

/** Performs one effect; answers what it owes in turn (owed with its completion, in the same write). */
async function perform(deps: EffectDeps, request: DataRequest, effect: OwedEffect): Promise<Owed[]> {
  switch (effect.kind) {
    case 'mail': {
      const { messageId } = await deps.mailer.send(effect.mail);
      // Lets a reply naming this mail (In-Reply-To) find its request. Best effort: the mail is sent,
      // and a failure here must not send it again; the reference in the subject still finds it.
      if (messageId) await deps.requests.rememberSentMail(messageId, request.id, deps.clock.now()).catch(() => undefined);
      return [];
    }
    case 'audit': {
      // A claim taken over from a delivery that may have appended before dying: look first.
      if ((effect.claims ?? 0) > 1) {
        const entries = await deps.audit.entries(effect.entry.subject);
        // Same request, action and details: an action staff repeat (a second comment) is told apart by its details.
        const details = canonicalJson(effect.entry.details ?? null);
        if (entries.some((e) => e.requestId === effect.entry.requestId && e.action === effect.entry.action && canonicalJson(e.details ?? null) === details))
          return [];
      }
      await deps.audit.append(effect.entry);
      return [];
    }
    case 'chain':
      if (!deps.startChain) throw new Error('chain effect owed where no scheduler is wired');
      await deps.startChain(request);
      return [];
    case 'event':
      if (!deps.events) throw new Error('event effect owed where no event bus is wired');
      await deps.events.publish(effect.events);
      return [];
    case 'suppress':
      if (!deps.applySuppression) throw new Error('suppress effect owed where no suppression list is wired');
      return deps.applySuppression(deps, request, effect);
  }
}

/** Claims, performs and marks done one owed effect; a no-op when it is done or held by another delivery. */
async function settleOne(deps: EffectDeps, request: DataRequest, id: string): Promise<DataRequest> {
  const now = deps.clock.now();
  const claim = await writeFresh(deps, request, (r) => {
    const effect = r.owed?.find((o) => o.id === id);
    if (!effect || (effect.claimedUntil && Date.parse(effect.claimedUntil) > now.getTime())) return undefined;
    return withOwed(r, id, { ...effect, claimedUntil: new Date(now.getTime() + EFFECT_LEASE_MS).toISOString(), claims: (effect.claims ?? 0) + 1 });
  });
  if (!claim.written) return claim.current;
  const effect = claim.written.owed!.find((o) => o.id === id)!;
  let then: Owed[];
  try {
    then = await perform(deps, claim.written, effect);
  } catch (error) {
    // Give the claim back, so the next delivery or the sweep takes it at once.
    await writeFresh(deps, claim.current, (r) => {
      const held = r.owed?.find((o) => o.id === id);
      if (!held || held.claimedUntil !== effect.claimedUntil) return undefined;
      const { claimedUntil: _c, ...released } = held;
      return withOwed(r, id, released as OwedEffect);
    }).catch(() => undefined); // the lease expires anyway
    throw error;
  }
  const done = await writeFresh(deps, claim.current, (r) => (r.owed?.some((o) => o.id === id) ? owe(withOwed(r, id, undefined), then, now) : undefined));
  return done.current;
}

/** Settles every effect the request owes, each on its own: one failure does not hold up the others. */
export async function settleOwed(deps: EffectDeps, request: DataRequest): Promise<SettleResult> {
  let current = request;
  const failures: SettleResult['failures'] = [];
  const tried = new Set<string>();
  // Effects an effect owes in turn (the unsubscribe notice) are settled in the same pass.
  for (let next = current.owed?.find((o) => !tried.has(o.id)); next; next = current.owed?.find((o) => !tried.has(o.id))) {
    tried.add(next.id);
    try {
      current = await settleOne(deps, current, next.id);
    } catch (error) {
      failures.push({ effect: next.id, error });
      current = (await deps.requests.get(current.id).catch(() => undefined)) ?? current;
    }
  }
  return { request: current, failures };
}

/** Settles and throws the first failure, for callers whose event is redelivered on failure (SES, SQS). */
export async function settleOrThrow(deps: EffectDeps, request: DataRequest): Promise<DataRequest> {
  const { request: settled, failures } = await settleOwed(deps, request);
  if (failures.length) throw failures[0]!.error;
  return settled;
}

/** The sweep: settles what every request still owes after the grace period. */
export async function sweepOwedEffects(deps: EffectDeps, limit = 100): Promise<{ checked: number; settled: number; failed: number }> {
  const before = new Date(deps.clock.now().getTime() - SWEEP_GRACE_MS);
  let checked = 0;
  let settled = 0;
  let failed = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.requests.owingSince(before, limit, cursor);
    for (const request of page.items) {
      checked++;
      const result = await settleOwed(deps, request);
      failed += result.failures.length;
      if (!result.request.owed?.length) settled++;
    }
    cursor = page.next;
  } while (cursor);
  return { checked, settled, failed };
}
