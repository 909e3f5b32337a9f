/**
 * One member as staff and the DPO see them: profile and status (policy 2.2), consents with their
 * receipts and policy versions (3, 7), marketing and how it changed (6), visits and orders (1.1,
 * 1.2), requests (2.1), disclosures (5), the audit chain with its verification and who looked (4).
 * Opening it is itself recorded (access-log.ts) before anything is shown. Every read is a Query or
 * GetItem through the member id, its linked visitor ids and its address: no scan.
 */
import { recordView, viewersOf, type Viewer } from './access-log';
import { verifyChain, type ChainVerification } from './audit';
import type { ConsentRecord } from './consent';
import { NotFoundError } from './errors';
import type { Member } from './members';
import type { Order } from './orders';
import type {
  AuditEntry,
  AuditLog,
  Clock,
  Disclosure,
  DisclosureStore,
  MemberStore,
  Page,
  PersonalDataIndex,
  RequestStore,
  SubscriptionStore,
  VisitStore,
} from './ports';
import { queueItem, type QueueItem } from './request-queue';
import { subscriberKey } from './subscriptions';
import { unpackVisitRecord, type VisitRecord, type VisitView } from './visits';

export interface MemberLookupDeps {
  members: Pick<MemberStore, 'get' | 'findByEmail'>;
  visits: Pick<VisitStore, 'memberOfVisitor'>;
}

/** A look-up answers who matched and nothing more: the data itself is behind the (recorded) member view. */
export interface MemberMatch {
  memberId: string;
  status: Member['status'];
  /** How the match was found. */
  matchedBy: 'email' | 'memberId' | 'visitorId';
}

export async function lookupMember(
  deps: MemberLookupDeps,
  query: { email?: string; memberId?: string; visitorId?: string },
): Promise<{ items: MemberMatch[] }> {
  let member: Member | undefined;
  let matchedBy: MemberMatch['matchedBy'];
  if (query.email) {
    matchedBy = 'email';
    member = await deps.members.findByEmail(query.email);
  } else if (query.memberId) {
    matchedBy = 'memberId';
    member = await deps.members.get(query.memberId);
  } else {
    matchedBy = 'visitorId';
    // Only a link the storefront backend made ties a visitor id to a member (never a browser's claim).
    const memberId = await deps.visits.memberOfVisitor(query.visitorId!);
    member = memberId ? await deps.members.get(memberId) : undefined;
  }
  return { items: member ? [{ memberId: member.memberId, status: member.status, matchedBy }] : [] };
}

export interface MemberViewDeps {
  members: Pick<MemberStore, 'get'>;
  visits: Pick<VisitStore, 'visitorsOf' | 'page'>;
  data: Pick<PersonalDataIndex, 'consentHistory' | 'orders'>;
  requests: Pick<RequestStore, 'byEmail'>;
  disclosures: Pick<DisclosureStore, 'forMember'>;
  subscriptions: Pick<SubscriptionStore, 'get'>;
  audit: AuditLog;
  clock: Clock;
}

export interface MemberView {
  member: Member;
  visitorIds: string[];
  /** Per linked visitor id: its receipts, newest first (the first is the choice in force). */
  consents: { visitorId: string; receipts: ConsentRecord[] }[];
  marketing: {
    /** The member profile's own flag (the storefront backend's). */
    optIn: boolean;
    /** The suppression list (policy 6): suppressed since when, through which channel, whether the customer was told. */
    suppressed: boolean;
    unsubscribedAt?: string;
    via?: string;
    noticeSentAt?: string;
    /** Audit entries that changed it, oldest first. */
    history: AuditEntry[];
  };
  /** The newest visit records, unpacked; `next` continues at GET /v1/admin/visits?memberId=&next=. */
  visits: { items: VisitView[]; next?: string };
  orders: Order[];
  requests: QueueItem[];
  disclosures: Disclosure[];
  /** The DPO's part (audit verification is theirs, policy 4): the chain, its verification, and who looked. */
  audit?: { verification: ChainVerification; entries: AuditEntry[] };
  /** Who opened this member's data (and request mail, visit lists) and when, newest first; this look included. DPO only. */
  viewers?: Viewer[];
}

/** Audit actions that turn marketing on or off, or record that it was. */
const changesMarketing = (e: AuditEntry) =>
  e.action.startsWith('subscription.') ||
  e.action === 'member.erased' ||
  e.action === 'member.deactivated' ||
  e.action === 'member.registered' ||
  (e.action === 'member.updated' && Array.isArray(e.details?.fields) && (e.details.fields as unknown[]).includes('marketingOptIn'));

/**
 * `withAudit`: the caller is the DPO, who sees the audit chain, its verification and who looked;
 * staff see the rest (the marketing history, taken from the chain, is shown to both).
 */
export async function memberView(
  deps: MemberViewDeps,
  memberId: string,
  actor: string,
  options: { visits?: number; withAudit?: boolean } = {},
): Promise<MemberView> {
  const member = await deps.members.get(memberId);
  if (!member) throw new NotFoundError('Member');
  await recordView(deps.audit, { subject: memberId, actor, what: 'member' });
  const now = deps.clock.now();
  const visitorIds = await deps.visits.visitorsOf(memberId);
  const visitLimit = options.visits ?? 20;
  const [receipts, visitPage, orders, requests, disclosures, subscription, entries] = await Promise.all([
    deps.data.consentHistory(visitorIds),
    visitorIds.length && visitLimit ? deps.visits.page(visitorIds, visitLimit) : Promise.resolve<Page<VisitRecord>>({ items: [] }),
    deps.data.orders(memberId),
    deps.requests.byEmail(member.email),
    deps.disclosures.forMember(memberId),
    deps.subscriptions.get(subscriberKey(member.email)),
    deps.audit.entries(memberId),
  ]);
  const suppressed = subscription !== undefined && !subscription.subscribed;
  return {
    member,
    visitorIds,
    consents: visitorIds.map((visitorId) => ({
      visitorId,
      receipts: receipts.filter((r) => r.visitorId === visitorId).sort((a, b) => b.recordedAt.localeCompare(a.recordedAt)),
    })),
    marketing: {
      optIn: member.marketingOptIn,
      suppressed,
      ...(suppressed && subscription.unsubscribedAt ? { unsubscribedAt: subscription.unsubscribedAt } : {}),
      ...(suppressed && subscription.via ? { via: subscription.via } : {}),
      ...(suppressed && subscription.confirmedAt ? { noticeSentAt: subscription.confirmedAt } : {}),
      history: entries.filter(changesMarketing),
    },
    visits: { items: visitPage.items.flatMap(unpackVisitRecord), ...(visitPage.next ? { next: visitPage.next } : {}) },
    orders: [...orders].sort((a, b) => b.orderedAt.localeCompare(a.orderedAt)),
    requests: requests.map((r) => queueItem(r, now)).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)),
    disclosures,
    ...(options.withAudit ? { audit: { verification: verifyChain(entries), entries }, viewers: viewersOf(entries) } : {}),
  };
}
