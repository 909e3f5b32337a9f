/**
 * Completing a request (staff): what each type does, then the notice to the requester.
 *  - delete: erase visit logs and consent history beyond the latest receipt, stop marketing,
 *    deactivate the account; orders and the account record stay for disputes (policy 2.2);
 *  - cancel_account: deactivate (policy 2.2); - edit: apply the correction staff give;
 *  - access: a machine-readable export behind a time-limited link; - stop_marketing: opt out.
 * Every step is idempotent, so a retry after a failure half way repeats nothing harmful.
 */
import { recordView } from './access-log';
import { deactivate, normaliseEmail, type Locale, type Member } from './members';
import { requestCompleted, type KeptItem, type Notice } from './notices';
import type {
  AuditEntry,
  AuditInput,
  AuditLog,
  Clock,
  DisclosureStore,
  ExportStore,
  Mailer,
  MemberStore,
  PersonalDataIndex,
  RequestStore,
  SigningKey,
  SubscriptionStore,
} from './ports';
import { auditSubject, isClosed, withEvent, type DataRequest, type RequestOutcome } from './requests';
import { owe, settleOwed, type Owed, type SettleResult } from './request-effects';
import { signLink } from './signed-link';
import { subscriptionStatus } from './subscriptions';
import { ConflictError, InvalidInputError, NotFoundError } from './errors';
import { addressHash, outEvent, type EventData, type EventPublisher, type FieldChanges } from './events-out';
import { awaitsSystems, systemsToConfirm, type ConfirmingSystem } from './fulfilment';
import { unpackVisitRecord } from './visits';

export interface CompletionSettings {
  publicUrl: string;
  shopName?: string;
  holdDays: number;
  exportLinkDays: number;
}

export interface CompletionDeps {
  requests: RequestStore;
  members: Pick<MemberStore, 'get' | 'put'>;
  data: PersonalDataIndex;
  disclosures: Pick<DisclosureStore, 'forMember'>;
  /** The suppression list, read for the access export. */
  /** Read for the export: whether the member's address is on the suppression list. */
  suppressionList: Pick<SubscriptionStore, 'get'>;
  exports: ExportStore;
  audit: AuditLog;
  mailer: Mailer;
  signingKey: SigningKey;
  clock: Clock;
  settings: CompletionSettings;
  /** Records an unsubscribe in the suppression list, where that capability is deployed. */
  suppress?: (email: string, via: 'staff') => Promise<unknown>;
  /** Told about effects that failed and stay owed (for logs; the sweep finishes them). */
  onUnsettled?: (requestId: string, failures: SettleResult['failures']) => void;
  /** The bus of events out: the shop's other systems erase, deactivate, correct and suppress too. */
  events?: EventPublisher;
  /** The shop's systems that confirm back; a request they must act on closes when they all have. */
  systems?: readonly ConfirmingSystem[];
}

/**
 * The corrected fields of an edit. `name`, `email` and `locale` are the member record's; `phone` and
 * `address` live only in the shop's other systems: they are passed on in the completion event and
 * not kept here.
 */
export interface Correction {
  name?: string;
  email?: string;
  locale?: Locale;
  phone?: string;
  address?: FieldChanges['address'];
}

/** Correction fields this system holds on the member record. */
const MEMBER_FIELDS = ['name', 'email', 'locale'] as const;
/** Correction fields only other systems hold. */
const PASSED_ON_FIELDS = ['phone', 'address'] as const;

export interface CompletionInput {
  outcome: RequestOutcome;
  note?: string;
  /** For edit requests completed as done: the corrected fields. */
  changes?: Correction;
}

const KEPT_TEXT = {
  orders: { th: 'ประวัติการสั่งซื้อ', en: 'Order records' },
  account: { th: 'ข้อมูลบัญชีสมาชิก (สถานะไม่ใช้งาน)', en: 'Your account record (deactivated)' },
  consent: { th: 'บันทึกความยินยอมฉบับล่าสุด', en: 'Your latest consent record' },
  disputes: { th: 'เพื่อใช้ระงับข้อพิพาทที่อาจเกิดขึ้นภายหลัง (นโยบายข้อ 2.2)', en: 'to settle any later disputes (policy 2.2)' },
  proof: { th: 'เพื่อแสดงว่าท่านได้ให้หรือถอนความยินยอมเมื่อใด', en: 'to show when you gave or withdrew consent' },
} as const;

function keptAfterDeactivation(member: Member, locale: Locale, includeConsent: boolean): KeptItem[] {
  const until = member.holdUntil;
  return [
    { what: KEPT_TEXT.orders[locale], why: KEPT_TEXT.disputes[locale], ...(until ? { until } : {}) },
    { what: KEPT_TEXT.account[locale], why: KEPT_TEXT.disputes[locale], ...(until ? { until } : {}) },
    ...(includeConsent ? [{ what: KEPT_TEXT.consent[locale], why: KEPT_TEXT.proof[locale] }] : []),
  ];
}

/** Who acted, in words a customer reads: staff ARNs and role names are the shop's internals. */
const actorForCustomer = (actor: string) => (actor === 'requester' ? 'you' : actor.startsWith('system:') ? 'automatic' : 'the shop');

/** An audit entry as the customer reads it: what happened, when, by whom; no hash-chain internals. */
const auditForCustomer = (e: AuditEntry) => ({
  at: e.at,
  action: e.action,
  by: actorForCustomer(e.actor),
  ...(e.requestId ? { requestId: e.requestId } : {}),
  ...(e.details ? { details: e.details } : {}),
});

/**
 * Everything held about a member, as one JSON document (PDPA right of access / portability): found
 * through the member id and the visitor ids the storefront backend linked to it.
 */
export async function buildExport(
  deps: Pick<CompletionDeps, 'members' | 'data' | 'disclosures' | 'requests' | 'suppressionList' | 'audit' | 'clock'>,
  member: Member,
) {
  const visitorIds = await deps.data.visitorIds(member.memberId);
  const [consents, visits, orders, requests, disclosures, subscription, audit] = await Promise.all([
    deps.data.consentHistory(visitorIds),
    deps.data.visits(visitorIds),
    deps.data.orders(member.memberId),
    deps.requests.byEmail(member.email),
    deps.disclosures.forMember(member.memberId),
    subscriptionStatus({ subscriptions: deps.suppressionList }, member.email),
    deps.audit.entries(member.memberId),
  ]);
  return {
    generatedAt: deps.clock.now().toISOString(),
    format: 'shop-privacy-export/1',
    member,
    visitorIds,
    consents,
    visits: visits.flatMap(unpackVisitRecord),
    orders,
    requests: requests.map(({ verdicts: _v, owed: _o, ...r }) => r),
    disclosures,
    subscription,
    auditTrail: audit.map(auditForCustomer),
  };
}

/**
 * The requester opens their export through the mailed link: a look at the member's data, recorded
 * as `viewed` (by `requester`, the link's holder) before the file is handed out (policy 4).
 */
export async function recordExportOpened(deps: { requests: Pick<RequestStore, 'get'>; audit: Pick<AuditLog, 'append'> }, key: string) {
  // Export keys are `<prefix><request id>.json` (S3Exports), and the link that names one is signed by us.
  const requestId = /([^/]+)\.json$/.exec(key)?.[1];
  const request = requestId ? await deps.requests.get(requestId) : undefined;
  await recordView(deps.audit, {
    subject: request ? auditSubject(request) : (requestId ?? key),
    actor: 'requester',
    what: 'export',
    ...(requestId ? { requestId } : {}),
  });
}

async function perform(deps: CompletionDeps, request: DataRequest, input: CompletionInput, actor: string) {
  const now = deps.clock.now();
  const member = request.memberId ? await deps.members.get(request.memberId) : undefined;
  const needMember = () => {
    if (!member) throw new NotFoundError('The member of this request');
    return member;
  };
  // The data changes below are idempotent and happen first; their audit entries are owed with the
  // closing write, so a retry after a failure repeats the changes but never the entries.
  const audits: AuditInput[] = [];
  const audit = async (action: string, details: Record<string, unknown>) => {
    audits.push({ subject: auditSubject(request), actor, action, requestId: request.id, details });
  };
  // Events for the shop's other systems, owed with the closing write like the audit entries.
  const events: EventData[] = [];
  const result: {
    kept?: KeptItem[];
    downloadUrl?: string;
    downloadExpiresAt?: string;
    audits: AuditInput[];
    events: EventData[];
    changes?: FieldChanges;
  } = { audits, events };

  switch (request.type) {
    case 'delete': {
      const m = needMember();
      const visitorIds = await deps.data.visitorIds(m.memberId);
      // Stop first: a beacon arriving while the rest is erased must not store anything new.
      await deps.data.stopProfiling(visitorIds, now);
      const visits = await deps.data.eraseVisits(m.memberId, visitorIds);
      const consents = await deps.data.eraseConsentHistory(visitorIds);
      const deactivated = deactivate({ ...m, marketingOptIn: false }, 'deletion request', now, deps.settings.holdDays);
      await deps.members.put(deactivated);
      await deps.suppress?.(m.email, 'staff');
      await audit('member.erased', {
        visitRecords: visits,
        consentReceipts: consents,
        marketing: 'off',
        status: deactivated.status,
        holdUntil: deactivated.holdUntil,
      });
      events.push(
        { type: 'address.suppressed', addressHash: addressHash(m.email), memberId: m.memberId, via: 'staff', requestId: request.id },
        { type: 'member.erasure_due', requestId: request.id, memberId: m.memberId, dueAt: request.dueAt },
        {
          type: 'member.deactivated',
          memberId: m.memberId,
          reason: 'deletion',
          requestId: request.id,
          ...(deactivated.holdUntil ? { holdUntil: deactivated.holdUntil } : {}),
        },
      );
      result.kept = keptAfterDeactivation(deactivated, request.locale, true);
      break;
    }
    case 'cancel_account': {
      const m = needMember();
      await deps.data.stopProfiling(await deps.data.visitorIds(m.memberId), now);
      const deactivated = deactivate(m, 'cancellation request', now, deps.settings.holdDays);
      await deps.members.put(deactivated);
      await audit('member.deactivated', { reason: 'cancellation request', holdUntil: deactivated.holdUntil });
      events.push({
        type: 'member.deactivated',
        memberId: m.memberId,
        reason: 'cancellation',
        requestId: request.id,
        ...(deactivated.holdUntil ? { holdUntil: deactivated.holdUntil } : {}),
      });
      result.kept = keptAfterDeactivation(deactivated, request.locale, false);
      break;
    }
    case 'edit': {
      const m = needMember();
      const changes = input.changes ?? {};
      const held = Object.fromEntries(MEMBER_FIELDS.flatMap((k) => (changes[k] !== undefined ? [[k, changes[k]]] : []))) as Pick<
        Correction,
        'name' | 'email' | 'locale'
      >;
      const next: Member = { ...m, ...held, ...(held.email ? { email: normaliseEmail(held.email) } : {}), updatedAt: now.toISOString() };
      const changedHere = MEMBER_FIELDS.filter((k) => held[k] !== undefined && m[k] !== next[k]);
      const passedOn = PASSED_ON_FIELDS.filter((k) => changes[k] !== undefined);
      if (changedHere.length === 0 && passedOn.length === 0)
        throw new InvalidInputError('no_changes', 'An edit request completed as done needs the corrected fields in "changes"', [
          { path: 'body.changes', message: 'give name, email, locale, phone or address' },
        ]);
      if (changedHere.length) await deps.members.put(next);
      // Field names only: the audit trail shows what changed without copying the personal data.
      await audit('member.corrected', { fields: [...changedHere, ...passedOn] });
      // The other systems get the values: the corrected member fields and what only they hold.
      result.changes = {
        ...Object.fromEntries(changedHere.map((k) => [k, next[k]])),
        ...(changes.phone !== undefined ? { phone: changes.phone } : {}),
        ...(changes.address !== undefined ? { address: changes.address } : {}),
      };
      break;
    }
    case 'access': {
      const m = needMember();
      const document = await buildExport(deps, m);
      const key = await deps.exports.put(request.id, document);
      const expiresAt = new Date(now.getTime() + deps.settings.exportLinkDays * 86_400_000);
      const token = signLink('export', { key }, await deps.signingKey(), expiresAt);
      result.downloadUrl = `${deps.settings.publicUrl}/v1/exports/download?token=${token}`;
      result.downloadExpiresAt = expiresAt.toISOString();
      await audit('member.exported', {
        key,
        visits: document.visits.length,
        consents: document.consents.length,
        orders: document.orders.length,
        disclosures: document.disclosures.length,
      });
      break;
    }
    case 'stop_marketing': {
      // Anyone may opt out, member or not; a member's profile flag goes off too.
      if (member) await deps.members.put({ ...member, marketingOptIn: false, updatedAt: now.toISOString() });
      await deps.suppress?.(request.email, 'staff');
      await audit('subscription.suppressed', { via: 'staff' });
      events.push({
        type: 'address.suppressed',
        addressHash: addressHash(request.email),
        ...(request.memberId ? { memberId: request.memberId } : {}),
        via: 'staff',
        requestId: request.id,
      });
      break;
    }
    case 'other':
      break;
  }
  return result;
}

function requireReason(input: CompletionInput) {
  if (input.outcome === 'rejected' && !input.note?.trim()) {
    throw new InvalidInputError('reason_required', 'A refusal needs its reason in "note"', [
      { path: 'body.note', message: 'required when outcome is rejected' },
    ]);
  }
}

/** What completing does beyond the state change, as far as the notice tells the requester. */
type NoticeFacts = { kept?: KeptItem[]; downloadUrl?: string; downloadExpiresAt?: string };

/** The notice the requester receives for this outcome, in the request's language: what is mailed, and what staff preview. */
function completionNotice(request: DataRequest, input: CompletionInput, facts: NoticeFacts, shopName: string | undefined): Notice {
  return input.outcome === 'rejected'
    ? requestCompleted({ requestId: request.id, type: request.type, outcome: 'rejected', note: input.note!, shopName }, request.locale)
    : requestCompleted(
        { requestId: request.id, type: request.type, outcome: 'done', ...(input.note ? { note: input.note } : {}), ...facts, shopName },
        request.locale,
      );
}

/** What POST /v1/admin/requests/{id}/completion-preview answers. */
export interface CompletionPreview {
  requestId: string;
  outcome: RequestOutcome;
  /** The requester's address the notice goes to. */
  to: string;
  locale: Locale;
  subject: string;
  text: string;
}

/** A placeholder where the real notice has a fresh signed link: the preview must not mint a working one. */
export const PREVIEW_TOKEN = 'preview';

/**
 * The notice completing the request with this outcome would send, without doing anything: the same
 * text the requester will receive, in their language. What depends on the moment of completion (the
 * end of the dispute hold, the export link's expiry) is computed as if completed now; an export's
 * link is shown with a placeholder token.
 */
export async function previewCompletion(
  deps: Pick<CompletionDeps, 'requests' | 'clock' | 'settings'> & { members: Pick<MemberStore, 'get'> },
  id: string,
  input: Pick<CompletionInput, 'outcome' | 'note'>,
): Promise<CompletionPreview> {
  const request = await deps.requests.get(id);
  if (!request) throw new NotFoundError('Request');
  if (isClosed(request)) throw new ConflictError('request_closed', `Request ${id} is already closed as ${request.outcome ?? request.status}`);
  requireReason(input);
  const now = deps.clock.now();
  const facts: NoticeFacts = {};
  if (input.outcome === 'done') {
    const member = request.memberId ? await deps.members.get(request.memberId) : undefined;
    if (member && (request.type === 'delete' || request.type === 'cancel_account')) {
      const held = deactivate(member, 'preview', now, deps.settings.holdDays);
      facts.kept = keptAfterDeactivation(held, request.locale, request.type === 'delete');
    }
    if (request.type === 'access') {
      facts.downloadUrl = `${deps.settings.publicUrl}/v1/exports/download?token=${PREVIEW_TOKEN}`;
      facts.downloadExpiresAt = new Date(now.getTime() + deps.settings.exportLinkDays * 86_400_000).toISOString();
    }
  }
  const { subject, text } = completionNotice(request, input, facts, deps.settings.shopName);
  return { requestId: id, outcome: input.outcome, to: request.email, locale: request.locale, subject, text };
}

export async function completeRequest(deps: CompletionDeps, id: string, input: CompletionInput, actor: string) {
  const request = await deps.requests.get(id);
  if (!request) throw new NotFoundError('Request');
  if (awaitsSystems(request)) {
    // Carried out here already: a retry finishes what that left owed; the systems' confirmations close it.
    if (input.outcome === 'done') return { request: await finish(deps, request), replayed: true };
    throw new ConflictError('request_carried_out', `Request ${id} was carried out and waits for other systems; a DPO may close it without them`);
  }
  if (isClosed(request)) {
    // A retry finishes what the first attempt left owed (its notice, its audit entries).
    if (request.outcome === input.outcome) return { request: await finish(deps, request), replayed: true };
    throw new ConflictError('request_closed', `Request ${id} is already closed as ${request.outcome}`);
  }
  if (request.status !== 'open')
    throw new ConflictError('request_not_confirmed', `Request ${id} waits for the requester to confirm; it cannot be completed yet`);
  requireReason(input);
  const now = deps.clock.now();
  const { audits, events, changes, ...result } =
    input.outcome === 'done' ? await perform(deps, request, input, actor) : { audits: [] as AuditInput[], events: [] as EventData[], changes: undefined };
  const systems = input.outcome === 'done' ? systemsToConfirm(request.type, deps.systems ?? []) : [];
  const closed = withEvent(
    request,
    {
      status: input.outcome,
      outcome: input.outcome,
      closedAt: now.toISOString(),
      overdue: false,
      needsAttention: false,
      ...(input.note ? { note: input.note } : {}),
    },
    { at: now.toISOString(), event: `completed:${input.outcome}`, by: actor, ...(input.note ? { note: input.note } : {}) },
  );
  const notice = completionNotice(request, input, result, deps.settings.shopName);
  events.push({
    type: 'request.completed',
    requestId: id,
    requestType: request.type,
    outcome: input.outcome,
    ...(request.memberId ? { memberId: request.memberId } : {}),
    ...(changes ? { changes } : {}),
  });
  // One effect for the step's events: one claim and one PutEvents, not one per event.
  const eventsOwed: Owed[] = [{ id: 'event:completed', kind: 'event', events: events.map((data) => outEvent(data, `${id}:${data.type}`, now)) }];
  const auditsOwed = audits.map((entry): Owed => ({ id: `audit:${entry.action}`, kind: 'audit', entry }));
  if (systems.length) {
    // Carried out here; it stays open until every system confirmed (fulfilment.ts), and the requester's
    // notice waits with it.
    const carried = withEvent(
      request,
      {
        needsAttention: false,
        fulfilment: { carriedOutAt: now.toISOString(), systems, notice: { to: request.email, ...notice }, ...(input.note ? { note: input.note } : {}) },
      },
      { at: now.toISOString(), event: 'carried_out:done', by: actor, ...(input.note ? { note: input.note } : {}) },
    );
    const owing = owe(carried, [...auditsOwed, ...eventsOwed], now);
    await deps.requests.update(owing);
    return { request: await finish(deps, owing), replayed: false };
  }
  const owing = owe(
    closed,
    [
      ...auditsOwed,
      {
        id: `audit:request.${input.outcome}`,
        kind: 'audit',
        entry: {
          subject: auditSubject(request),
          actor,
          action: `request.${input.outcome}`,
          requestId: id,
          ...(input.note ? { details: { note: input.note } } : {}),
        },
      },
      { id: 'mail:completion', kind: 'mail', mail: { to: request.email, ...notice } },
      ...eventsOwed,
    ],
    now,
  );
  await deps.requests.update(owing);
  // The request is closed either way; a notice that failed stays owed for a retry or the sweep.
  return { request: await finish(deps, owing), replayed: false };
}

async function finish(deps: CompletionDeps, request: DataRequest): Promise<DataRequest> {
  if (!request.owed?.length) return request;
  const settled = await settleOwed(deps, request);
  if (settled.failures.length) deps.onUnsettled?.(request.id, settled.failures);
  return settled.request;
}
