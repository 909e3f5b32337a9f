/** Visit use cases: the consent-gated beacon write, member links, the staff query, orders. */
import { verifyConsentToken } from './consent-token';
import { ConflictError } from './errors';
import { recordOrder, type Order } from './orders';
import { recordView } from './access-log';
import type { AuditLog, Clock, ConsentStore, MemberStore, OrderStore, SigningKey, VisitStore } from './ports';
import { consentGate, packVisitRecord, unpackVisitRecord, type BeaconInput, type GateReason, type RequestFacts, type VisitView } from './visits';

export interface VisitDeps {
  visits: VisitStore;
  consents: Pick<ConsentStore, 'currentChoices'>;
  signingKey: SigningKey;
  clock: Clock;
  retentionDays: number;
}

export type BeaconOutcome = { stored: number; records: number; reason?: GateReason };

export async function recordVisits(deps: VisitDeps, beacon: BeaconInput, facts: RequestFacts): Promise<BeaconOutcome> {
  const now = deps.clock.now();
  const token = beacon.consentToken === undefined ? undefined : verifyConsentToken(beacon.consentToken, await deps.signingKey(), now);
  // A token that already says no needs no read: the cheapest beacon is the refused one.
  const tokenSaysNo = token && (!token.ok || token.claims.sub !== beacon.visitorId || !token.claims.a);
  const current = tokenSaysNo ? undefined : await deps.consents.currentChoices(beacon.visitorId);
  const decision = consentGate(beacon.visitorId, token, current);
  if (!decision.store) return { stored: 0, records: 0, reason: decision.reason };
  await deps.visits.put(packVisitRecord(beacon, facts, now, deps.retentionDays));
  return { stored: beacon.events.length, records: 1 };
}

export type LinkDeps = Pick<VisitDeps, 'visits' | 'clock' | 'retentionDays'> & { members: Pick<MemberStore, 'get'> };

/**
 * The storefront backend says a visitor id is this member's: the only way a visitor id joins a
 * member's data. A deactivated or anonymised member gains no new links (policy 2.2: not profiled).
 * A member the backend has not synced yet may be linked; the link follows the member's later state.
 */
export async function linkVisitor(deps: LinkDeps, memberId: string, visitorId: string) {
  const member = await deps.members.get(memberId);
  if (member && member.status !== 'active') {
    throw new ConflictError('member_inactive', `Member ${memberId} is ${member.status}: no visitor ids are linked to it any more`);
  }
  const expiresAt = Math.floor(deps.clock.now().getTime() / 1000) + deps.retentionDays * 86_400;
  await deps.visits.link(memberId, visitorId, expiresAt);
  return { memberId, visitorId, expiresAt: new Date(expiresAt * 1000).toISOString() };
}

export const DEFAULT_PAGE_RECORDS = 20;

export async function listVisits(
  deps: Pick<VisitDeps, 'visits'>,
  query: { visitorId?: string; memberId?: string; limit?: number; next?: string },
): Promise<{ items: VisitView[]; visitorIds: string[]; next?: string }> {
  const visitorIds = query.visitorId ? [query.visitorId] : await deps.visits.visitorsOf(query.memberId!);
  if (!visitorIds.length) return { items: [], visitorIds };
  const page = await deps.visits.page(visitorIds, query.limit ?? DEFAULT_PAGE_RECORDS, query.next);
  return { items: page.items.flatMap(unpackVisitRecord), visitorIds, ...(page.next ? { next: page.next } : {}) };
}

/**
 * The audit chain a visit list belongs to: the member's (given, or the one the visitor id is linked
 * to), else the visitor's own (`visitor:<id>`), which no member has yet.
 */
async function visitSubject(deps: Pick<VisitDeps, 'visits'>, query: { visitorId?: string; memberId?: string }) {
  if (query.memberId) return query.memberId;
  return (await deps.visits.memberOfVisitor(query.visitorId!)) ?? `visitor:${query.visitorId}`;
}

/** A visit list for staff: the look is recorded as `viewed` on the person's chain before the list is read (policy 4). */
export async function listVisitsForStaff(
  deps: Pick<VisitDeps, 'visits'> & { audit: Pick<AuditLog, 'append'> },
  query: Parameters<typeof listVisits>[1],
  actor: string,
) {
  await recordView(deps.audit, {
    subject: await visitSubject(deps, query),
    actor,
    what: 'visits',
    details: { ...(query.visitorId ? { visitorId: query.visitorId } : {}), ...(query.next ? { page: 'next' } : {}) },
  });
  return listVisits(deps, query);
}

export async function reportOrder(
  deps: { orders: OrderStore; clock: Clock },
  input: Parameters<typeof recordOrder>[0],
): Promise<{ outcome: 'created' | 'duplicate'; order: Order }> {
  const order = recordOrder(input, deps.clock.now());
  return { outcome: await deps.orders.record(order), order };
}
