/**
 * Member use cases for the storefront backend and the scheduled hold sweep: register/update,
 * cancel (deactivate, policy 2.2), and anonymise once the dispute hold has ended.
 */
import { anonymise, deactivate, upsertMember, type Locale, type Member } from './members';
import type { AuditLog, Clock, MemberStore, PersonalDataIndex, RequestStore } from './ports';
import { anonymiseRequest } from './requests';
import { InvalidInputError, NotFoundError } from './errors';
import { outEvent, type EventPublisher } from './events-out';

export interface MemberDeps {
  members: MemberStore;
  audit: AuditLog;
  clock: Clock;
  holdDays: number;
  /** Adds the address to the suppression list (a deactivated member gets no marketing, policy 2.2). */
  suppress?: (email: string, via: 'account-cancelled') => Promise<unknown>;
  /** The bus of events out: the shop's other systems deactivate and anonymise the member too. */
  events?: EventPublisher;
}

/** The deactivation event of a member (its id is fixed by the deactivation, so a republish is recognised). */
const deactivatedEvent = (m: Member, now: Date) =>
  outEvent(
    { type: 'member.deactivated', memberId: m.memberId, reason: 'cancellation', ...(m.holdUntil ? { holdUntil: m.holdUntil } : {}) },
    `${m.memberId}:deactivated:${m.deactivatedAt ?? ''}`,
    now,
  );

export async function putMember(
  deps: MemberDeps & { partnerIds: readonly string[] },
  memberId: string,
  input: { email: string; name?: string; locale: Locale; marketingOptIn: boolean; referredBy?: string },
  actor: string,
) {
  if (input.referredBy !== undefined && !deps.partnerIds.includes(input.referredBy)) {
    throw new InvalidInputError('unknown_partner', `"${input.referredBy}" is not a partner of this stage`, [
      { path: 'body.referredBy', message: 'must be the id of a partner in the stage settings' },
    ]);
  }
  const existing = await deps.members.get(memberId);
  const { member, changed } = upsertMember(existing, { memberId, ...input }, deps.clock.now());
  if (changed.length) {
    await deps.members.put(member);
    await deps.audit.append({ subject: memberId, actor, action: existing ? 'member.updated' : 'member.registered', details: { fields: changed } });
  }
  return { member, created: !existing };
}

export async function cancelMember(
  deps: MemberDeps & { data: Pick<PersonalDataIndex, 'visitorIds' | 'stopProfiling'> },
  memberId: string,
  reason: string,
  actor: string,
): Promise<Member> {
  const member = await deps.members.get(memberId);
  if (!member) throw new NotFoundError('Member');
  const now = deps.clock.now();
  if (member.status !== 'active') {
    // Cancelling twice changes nothing, but publishes the deactivation again (same event id): a first
    // call whose publish failed is finished by the storefront backend's retry.
    if (member.status === 'deactivated') await deps.events?.publish([deactivatedEvent(member, now)]);
    return member;
  }
  // A deactivated member cannot be profiled (policy 2.2): their visitor ids store no further visits.
  await deps.data.stopProfiling(await deps.data.visitorIds(memberId), now);
  const deactivated = deactivate(member, reason, now, deps.holdDays);
  await deps.members.put(deactivated);
  // Its own `via`: the stream worker announces it as address.suppressed (a request's suppression is
  // announced by the request instead).
  await deps.suppress?.(deactivated.email, 'account-cancelled');
  await deps.audit.append({ subject: memberId, actor, action: 'member.deactivated', details: { reason, holdUntil: deactivated.holdUntil } });
  // Last: a failure answers 5xx and the backend's retry (above) publishes it.
  await deps.events?.publish([deactivatedEvent(deactivated, now)]);
  return deactivated;
}

const SWEEP_ACTOR = 'system:hold-sweep';

/**
 * The scheduled sweep: members whose dispute hold ended are anonymised, their remaining visit logs
 * and consent history erased, and their requests stripped of what names them (address, mail text,
 * notes). Orders stay (business records) under the anonymised id. Requests go first: the member
 * record still holds the address they are found by, so a failure half way is finished next run.
 */
export async function anonymiseEndedHolds(deps: MemberDeps & { data: PersonalDataIndex; requests: Pick<RequestStore, 'byEmail' | 'update'> }, batch = 25) {
  const now = deps.clock.now();
  const due = await deps.members.holdsEndedBefore(now, batch);
  for (const member of due) {
    const visitorIds = await deps.data.visitorIds(member.memberId);
    // Members deactivated before profiling stops were recorded get the mark now, before their links go.
    await deps.data.stopProfiling(visitorIds, now);
    const visits = await deps.data.eraseVisits(member.memberId, visitorIds);
    const consents = await deps.data.eraseConsentHistory(visitorIds);
    const requests = (await deps.requests.byEmail(member.email)).filter((r) => !r.anonymisedAt);
    for (const request of requests) await deps.requests.update(anonymiseRequest(request, now, SWEEP_ACTOR));
    // Before the member leaves the sweep's index: a failed publish fails the run, and the retry or the
    // next day's run does it all again (each step is idempotent; the event keeps its id).
    await deps.events?.publish([outEvent({ type: 'member.anonymised', memberId: member.memberId }, `${member.memberId}:anonymised`, now)]);
    await deps.members.put(anonymise(member, now));
    await deps.audit.append({
      subject: member.memberId,
      actor: SWEEP_ACTOR,
      action: 'member.anonymised',
      details: {
        holdEnded: member.holdUntil,
        removed: ['name', 'email', 'request address, subject, details and notes'],
        visitRecords: visits,
        consentReceipts: consents,
        requests: requests.length,
        kept: ['orders'],
      },
    });
  }
  return { anonymised: due.length, more: due.length === batch };
}
