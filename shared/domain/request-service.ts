/**
 * Request intake use cases: web form, inbound mail, confirmation by signed link. Identity is
 * verified before anything changes: a DMARC-authenticated mail from the member's address, or a click
 * on a link sent to the address on file. Repeats fold into the open request; confirmation mails are
 * rate-limited per address and submissions per source, so neither channel can flood an inbox.
 */
import { createHash } from 'node:crypto';
import type { DeadlineSettings } from './deadlines';
import { classifyRequest } from './email-classification';
import { normaliseEmail, type Locale } from './members';
import { confirmationNeeded, noAccountFound, requestAcknowledgement } from './notices';
import type { AuditInput, AuditLog, Clock, Mailer, MemberStore, RequestStore, SigningKey } from './ports';
import type { RequestType } from './request-types';
import {
  assessVerdicts,
  auditSubject,
  isClosed,
  keptAttachments,
  MAX_DETAILS_CHARS,
  MAX_REPLIES,
  newRequest,
  newRequestId,
  REFERENCE_PATTERN,
  withEvent,
  type DataRequest,
  type MailAttachment,
  type Verdicts,
} from './requests';
import { owe, settleOwed, type EffectDeps, type Owed, type SettleResult } from './request-effects';
import { needsChain } from './deadline-chain';
import { signLink, verifyLink } from './signed-link';
import type { SubscriptionDeps } from './subscriptions';
import { suppressEffect } from './suppress-effect';
import { ConflictError, InvalidInputError, NotFoundError, RateLimitedError } from './errors';
import { outEvent, type EventPublisher } from './events-out';

export interface RequestSettings {
  deadlines: DeadlineSettings;
  /** Base URL of this API, for links in mail (no trailing slash). */
  publicUrl: string;
  shopName?: string;
  /** How long a confirmation link stays valid, in days. */
  linkDays: number;
  limits: { mailsPerAddressPerDay: number; requestsPerSourcePerDay: number };
}

export interface RequestDeps {
  requests: RequestStore;
  members: Pick<MemberStore, 'findByEmail'>;
  audit: AuditLog;
  mailer: Mailer;
  signingKey: SigningKey;
  clock: Clock;
  settings: RequestSettings;
  /** Starts the request's deadline chain (reminders, escalation, enforcement). */
  deadlines?: (request: DataRequest) => Promise<unknown>;
  /** The suppression list, for unsubscribe requests. */
  subscriptions?: SubscriptionDeps;
  /** Told about effects that failed and stay owed (ids and error names only: it is for logs). */
  onUnsettled?: (requestId: string, failures: SettleResult['failures']) => void;
  /** The bus of events out: the shop's other systems learn that a request opened. */
  events?: EventPublisher;
}

const effectDeps = (deps: RequestDeps): EffectDeps => ({
  requests: deps.requests,
  audit: deps.audit,
  mailer: deps.mailer,
  clock: deps.clock,
  ...(deps.deadlines ? { startChain: deps.deadlines } : {}),
  ...(deps.subscriptions ? { applySuppression: suppressEffect(() => deps.subscriptions!) } : {}),
  ...(deps.events ? { events: deps.events } : {}),
});

/**
 * Settles what the request owes. `throw`: the caller's event is redelivered on failure (SES), and
 * the redelivery finishes the rest. `report`: the state change stands and the answer says so; what
 * failed stays owed for the next repeat or the sweep.
 */
async function finish(deps: RequestDeps, request: DataRequest, onFailure: 'throw' | 'report'): Promise<DataRequest> {
  if (!request.owed?.length) return request;
  const result = await settleOwed(effectDeps(deps), request);
  if (result.failures.length) {
    if (onFailure === 'throw') throw result.failures[0]!.error;
    deps.onUnsettled?.(request.id, result.failures);
  }
  return result.request;
}

/** An audit entry a step owes; one per action and request. */
const auditOwed = (entry: AuditInput & { requestId: string }): Owed => ({ id: `audit:${entry.action}`, kind: 'audit', entry });

/** The event an opened request owes: other systems may prepare (it names the member, never the address). */
const openedEventOwed = (request: DataRequest, now: Date): Owed => ({
  id: 'event:request.opened',
  kind: 'event',
  events: [
    outEvent(
      {
        type: 'request.opened',
        requestId: request.id,
        requestType: request.type,
        ...(request.memberId ? { memberId: request.memberId } : {}),
        dueAt: request.dueAt,
      },
      `${request.id}:opened`,
      now,
    ),
  ],
});

/** The deadline chain a request in this state owes, where chains are wired. */
const chainOwed = (deps: RequestDeps, request: DataRequest, id: string): Owed | undefined =>
  deps.deadlines && needsChain(request) ? { id, kind: 'chain' } : undefined;

/** What anyone holding the status link may see: no address, no details. */
export const publicView = (r: DataRequest) => ({
  requestId: r.id,
  type: r.type,
  status: r.status,
  receivedAt: r.receivedAt,
  dueAt: r.dueAt,
  ...(r.closedAt ? { closedAt: r.closedAt, outcome: r.outcome } : {}),
});

export async function requestLink(deps: Pick<RequestDeps, 'signingKey' | 'clock' | 'settings'>, requestId: string): Promise<{ url: string; expiresAt: Date }> {
  const expiresAt = new Date(deps.clock.now().getTime() + deps.settings.linkDays * 86_400_000);
  const token = signLink('request', { rid: requestId }, await deps.signingKey(), expiresAt);
  return { url: `${deps.settings.publicUrl}/v1/requests/verify?token=${token}`, expiresAt };
}

/**
 * The confirmation link mail, owed unless this address had its share of such mail today. The quota
 * is counted when the mail becomes owed, so retries of the same mail never count again.
 */
async function confirmationOwed(deps: RequestDeps, request: DataRequest, to: string, id: string): Promise<Owed | undefined> {
  const now = deps.clock.now();
  if (!(await deps.requests.takeQuota(`mail:${to}`, deps.settings.limits.mailsPerAddressPerDay, now))) return undefined;
  const { url, expiresAt } = await requestLink(deps, request.id);
  const notice = confirmationNeeded(
    { requestId: request.id, type: request.type, confirmUrl: url, expiresAt: expiresAt.toISOString(), shopName: deps.settings.shopName },
    request.locale,
  );
  return { id, kind: 'mail', mail: { to, ...notice } };
}

const acknowledgementOwed = (deps: RequestDeps, request: DataRequest): Owed => ({
  id: 'mail:acknowledgement',
  kind: 'mail',
  mail: {
    to: request.email,
    ...requestAcknowledgement({ requestId: request.id, type: request.type, dueAt: request.dueAt, shopName: deps.settings.shopName }, request.locale),
  },
});

const noAccountOwed = (deps: RequestDeps, request: DataRequest, to: string): Owed => ({
  id: 'mail:no_account',
  kind: 'mail',
  mail: { to, ...noAccountFound({ requestId: request.id, shopName: deps.settings.shopName }, request.locale) },
});

/** Writes a state change that owes effects; undefined when a concurrent write got there first (that writer owes them). */
async function updateOwing(deps: RequestDeps, next: DataRequest): Promise<DataRequest | undefined> {
  try {
    await deps.requests.update(next);
    return next;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    return undefined;
  }
}

/** An open or waiting request of the same type from the same address: repeats fold into it. */
async function openSibling(deps: RequestDeps, email: string, type: RequestType) {
  return (await deps.requests.openByEmail(email)).find((r) => r.type === type && !isClosed(r));
}

/** The slot that makes a web request the one open request of its address and type (a hash: no address in a key). */
const openSlot = (email: string, type: RequestType) => `${createHash('sha256').update(email).digest('hex')}#${type}`;
/** Attempts at taking a slot whose holder turns out closed (each attempt replaces that holder). */
const SLOT_ATTEMPTS = 3;

export async function submitWebRequest(
  deps: RequestDeps,
  input: { email: string; type: RequestType; details?: string; locale?: Locale },
  source: { ip: string },
): Promise<{ requestId: string; status: DataRequest['status'] }> {
  const now = deps.clock.now();
  if (!(await deps.requests.takeQuota(`source:${source.ip}`, deps.settings.limits.requestsPerSourcePerDay, now))) throw new RateLimitedError();
  const email = normaliseEmail(input.email);
  let sibling = await openSibling(deps, email, input.type);
  /** Found by the slot, not the index: submitted at the same moment (a double click), so already mailed. */
  let concurrent = false;
  let replacing: string | undefined;
  for (let attempt = 0; !sibling && attempt < SLOT_ATTEMPTS; attempt++) {
    const request = newRequest(
      {
        id: newRequestId(),
        type: input.type,
        channel: 'web',
        email,
        locale: input.locale ?? 'th',
        ...(input.details ? { details: input.details } : {}),
        status: 'awaiting_confirmation',
      },
      now,
      deps.settings.deadlines,
      'requester',
    );
    const owing = owe(
      request,
      [
        auditOwed({
          subject: auditSubject(request),
          actor: 'requester',
          action: 'request.received',
          requestId: request.id,
          details: { channel: 'web', type: request.type },
        }),
        // An unsubscribe is enforced by its deadline even if nobody ever clicks the link (policy 6).
        chainOwed(deps, request, 'chain:received'),
        await confirmationOwed(deps, request, email, 'mail:confirmation'),
      ],
      now,
    );
    // The index read above cannot see a submission made at the same moment: the slot can.
    const outcome = await deps.requests.createOpen(owing, openSlot(email, input.type), replacing);
    if (outcome.created) {
      // The answer is the same whether or not a mail went out or an account exists: nothing to probe.
      // It is 202 even when an effect failed: the request is stored with what it owes, and the sweep finishes it.
      await finish(deps, owing, 'report');
      return { requestId: request.id, status: request.status };
    }
    const holder = outcome.holder ? await deps.requests.get(outcome.holder) : undefined;
    if (holder && !isClosed(holder)) {
      sibling = holder;
      concurrent = true;
    } else replacing = outcome.holder;
  }
  if (!sibling) throw new ConflictError('request_changed', 'The same request was being submitted at the same moment; please send it again');
  return foldIntoSibling(deps, sibling, email, now, !concurrent);
}

/** A repeat of an open request: nothing new opens; a later repeat gets its confirmation link again (rate-limited). */
async function foldIntoSibling(deps: RequestDeps, sibling: DataRequest, email: string, now: Date, resendLink: boolean) {
  let current = sibling;
  if (resendLink && sibling.status === 'awaiting_confirmation') {
    const again = await confirmationOwed(deps, sibling, email, `mail:confirmation:${sibling.version + 1}`);
    // Lost to a concurrent write: that writer answered the same person; nothing more is owed here.
    if (again) current = (await updateOwing(deps, owe({ ...sibling, version: sibling.version + 1 }, [again], now))) ?? sibling;
  }
  // A repeat also finishes whatever an earlier failure left owed.
  await finish(deps, current, 'report');
  return { requestId: sibling.id, status: sibling.status };
}

export interface InboundMail {
  sesMessageId: string;
  verdicts: Verdicts;
  /** Where SES stored the raw mail (staff open it from the request). */
  rawMailKey?: string;
  /** Undefined when the raw mail could not be read or parsed. */
  parsed?: {
    from?: { address: string };
    subject: string;
    text: string;
    attachments?: MailAttachment[];
    /** Message ids (angle brackets included) from the In-Reply-To and References headers. */
    inReplyTo?: string;
    references?: string[];
  };
}

export type IntakeOutcome = {
  /** `replied`: a reply to one of our mails, joined to the request it answers. */
  outcome: 'opened' | 'awaiting_confirmation' | 'rejected' | 'duplicate' | 'replied';
  requestId?: string;
  type?: RequestType;
  dueAt?: string;
  reason?: string;
  folded?: boolean;
};

const outcomeOf = (r: DataRequest): IntakeOutcome['outcome'] =>
  r.status === 'open' ? 'opened' : r.status === 'awaiting_confirmation' ? 'awaiting_confirmation' : 'rejected';

export async function intakeEmail(deps: RequestDeps, mail: InboundMail): Promise<IntakeOutcome> {
  const now = deps.clock.now();
  const id = newRequestId(`ses:${mail.sesMessageId}`);
  // A redelivery (SES retries after a failure) finishes what the first delivery left owed.
  const duplicate = async (existing?: DataRequest): Promise<IntakeOutcome> => {
    const stored = existing ?? (await deps.requests.get(id));
    if (!stored) return { outcome: 'duplicate', requestId: id };
    await finish(deps, stored, 'throw');
    return { outcome: 'duplicate', requestId: stored.id, type: stored.type, dueAt: stored.dueAt };
  };
  const existing = await deps.requests.get(id);
  if (existing) return duplicate(existing);

  const verdict = assessVerdicts(mail.verdicts);
  const from = mail.parsed?.from?.address ? normaliseEmail(mail.parsed.from.address) : '';
  // The phrases that decided are kept with the request: staff see why it was read so.
  const classification = mail.parsed ? classifyRequest({ subject: mail.parsed.subject, text: mail.parsed.text }) : undefined;
  const type = classification?.type ?? 'other';
  const base = {
    id,
    type,
    channel: 'email' as const,
    email: from || 'unknown',
    locale: 'th' as Locale,
    subject: mail.parsed?.subject,
    details: mail.parsed?.text,
    sesMessageId: mail.sesMessageId,
    verdicts: mail.verdicts,
    ...(mail.parsed?.attachments?.length ? { attachments: mail.parsed.attachments } : {}),
    ...(mail.rawMailKey ? { rawMailKey: mail.rawMailKey } : {}),
    ...(classification?.matched.length ? { matched: classification.matched } : {}),
  };

  const reject = async (reason: string, reply: boolean) => {
    const request = newRequest({ ...base, status: 'rejected', note: reason }, now, deps.settings.deadlines, 'system:inbound-mail');
    const owing = owe(
      request,
      [
        auditOwed({ subject: auditSubject(request), actor: 'system:inbound-mail', action: 'request.rejected', requestId: id, details: { reason } }),
        // Never answer spam, viruses or unauthenticated senders: that would be backscatter.
        reply && from ? noAccountOwed(deps, request, from) : undefined,
      ],
      now,
    );
    if ((await deps.requests.create(owing)) === 'duplicate') return duplicate();
    await finish(deps, owing, 'throw');
    return { outcome: 'rejected' as const, requestId: id, type, reason };
  };

  if (verdict === 'spam' || verdict === 'virus') return reject(verdict, false);
  if (!mail.parsed || !from) return reject('unreadable', false);
  // A reply to one of our mails, from the address of the request it answers, joins that request.
  const answered = await repliedRequest(deps, mail.parsed);
  if (answered && answered.email === from) return joinReply(deps, answered, mail, verdict === 'authenticated', now);
  const member = await deps.members.findByEmail(from);
  if (type === 'stop_marketing' && deps.subscriptions) return unsubscribeByMail(deps, { ...base, email: from }, member, verdict === 'authenticated', now);
  if (!member) return reject('no_account', verdict === 'authenticated');

  const sibling = await openSibling(deps, member.email, type);
  if (sibling) {
    const note = `mail ${mail.sesMessageId}`;
    // A redelivery of a mail already folded in: finish what it left owed, record nothing twice.
    if (sibling.history.some((h) => h.note === note)) {
      const settled = await finish(deps, sibling, 'throw');
      return { outcome: outcomeOf(settled), requestId: sibling.id, type, dueAt: sibling.dueAt, folded: true };
    }
    // An authenticated repeat of a request still waiting for its link proves the sender: it opens.
    const confirms = sibling.status === 'awaiting_confirmation' && verdict === 'authenticated';
    const changed = withEvent(sibling, confirms ? { status: 'open', verifiedAt: now.toISOString(), memberId: member.memberId } : {}, {
      at: now.toISOString(),
      event: confirms ? 'confirmed:authenticated_mail' : 'repeated',
      by: 'requester',
      note,
    });
    const updated = confirms
      ? owe(
          changed,
          [
            auditOwed({
              subject: member.memberId,
              actor: 'requester',
              action: 'request.confirmed',
              requestId: sibling.id,
              details: { by: 'authenticated mail' },
            }),
            acknowledgementOwed(deps, changed),
            chainOwed(deps, changed, 'chain:opened'),
            openedEventOwed(changed, now),
          ],
          now,
        )
      : changed;
    await deps.requests.update(updated);
    await finish(deps, updated, 'throw');
    return { outcome: outcomeOf(updated), requestId: sibling.id, type, dueAt: sibling.dueAt, folded: true };
  }

  const status = verdict === 'authenticated' ? 'open' : 'awaiting_confirmation';
  const request = newRequest(
    { ...base, email: member.email, memberId: member.memberId, locale: member.locale, status },
    now,
    deps.settings.deadlines,
    'requester',
  );
  const owing = owe(
    request,
    [
      auditOwed({
        subject: member.memberId,
        actor: 'requester',
        action: 'request.received',
        requestId: id,
        details: { channel: 'email', type, authenticated: status === 'open' },
      }),
      // Confirmation goes to the address on file, never to a reply-to the sender chose.
      status === 'open' ? acknowledgementOwed(deps, request) : await confirmationOwed(deps, request, member.email, 'mail:confirmation'),
      chainOwed(deps, request, 'chain:received'),
      status === 'open' && openedEventOwed(request, now),
    ],
    now,
  );
  if ((await deps.requests.create(owing)) === 'duplicate') return duplicate();
  await finish(deps, owing, 'throw');
  return { outcome: outcomeOf(request), requestId: id, type, dueAt: request.dueAt };
}

/** Message ids SES gave our mails look like <id@region.amazonses.com>; the id is what SES returned on sending. */
const sesIdOf = (messageId: string) => messageId.replace(/^<|>$/g, '').split('@')[0] ?? '';

/**
 * The request a mail replies to: one whose mail it names in In-Reply-To or References (the most
 * recent first), else one whose reference is in the subject. Undefined when it names none.
 */
async function repliedRequest(deps: RequestDeps, parsed: NonNullable<InboundMail['parsed']>): Promise<DataRequest | undefined> {
  const named = [...(parsed.inReplyTo ? [parsed.inReplyTo] : []), ...[...(parsed.references ?? [])].reverse()].slice(0, 10);
  for (const messageId of named) {
    const id = sesIdOf(messageId);
    const requestId = id ? await deps.requests.requestOfSentMail(id) : undefined;
    const request = requestId ? await deps.requests.get(requestId) : undefined;
    if (request) return request;
  }
  for (const reference of new Set(parsed.subject.match(REFERENCE_PATTERN) ?? [])) {
    const request = await deps.requests.get(reference);
    if (request) return request;
  }
  return undefined;
}

/**
 * A reply joins its request's history and asks staff to look (`needsAttention`); it starts no new
 * request, acknowledgement or clock. A spoofed From can at most add text staff read with its verdict.
 */
async function joinReply(deps: RequestDeps, request: DataRequest, mail: InboundMail, authenticated: boolean, now: Date): Promise<IntakeOutcome> {
  const parsed = mail.parsed!;
  const attachments = keptAttachments(parsed.attachments);
  const reply = {
    at: now.toISOString(),
    sesMessageId: mail.sesMessageId,
    ...(parsed.subject ? { subject: parsed.subject.slice(0, 500) } : {}),
    ...(parsed.text ? { text: parsed.text.slice(0, MAX_DETAILS_CHARS) } : {}),
    ...(attachments ? { attachments } : {}),
    ...(mail.rawMailKey ? { rawMailKey: mail.rawMailKey } : {}),
    authenticated,
  };
  let current = request;
  for (let attempt = 0; attempt < 3; attempt++) {
    // SES redelivered it: joined already.
    if (current.replies?.some((r) => r.sesMessageId === mail.sesMessageId)) break;
    const joined = withEvent(
      current,
      { needsAttention: true, replyReceivedAt: now.toISOString(), replies: [...(current.replies ?? []), reply].slice(-MAX_REPLIES) },
      { at: now.toISOString(), event: 'reply_received', by: 'requester', note: `mail ${mail.sesMessageId}` },
    );
    try {
      await deps.requests.update(joined);
      break;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt === 2) throw error;
      current = (await deps.requests.get(request.id)) ?? current;
    }
  }
  return { outcome: 'replied', requestId: request.id, type: request.type, dueAt: request.dueAt };
}

/**
 * An opt-out by mail (policy 6). From an authenticated sender it is applied at once; otherwise it
 * waits for the link, and its 7-day deadline applies it anyway. Anyone may opt out, member or not:
 * suppressing an address can only stop mail.
 */
async function unsubscribeByMail(
  deps: RequestDeps,
  base: Omit<Parameters<typeof newRequest>[0], 'status'>,
  member: { memberId: string; locale: Locale } | undefined,
  authenticated: boolean,
  now: Date,
): Promise<IntakeOutcome> {
  const email = base.email;
  const locale = member?.locale ?? base.locale;
  /** Closes the request as applied; the suppression and its audit entry are owed with it. */
  const applied = (request: DataRequest) => {
    const closed = withEvent(
      request,
      { status: 'done', outcome: 'done', verifiedAt: now.toISOString(), closedAt: now.toISOString(), note: 'applied on receipt of an authenticated mail' },
      { at: now.toISOString(), event: 'unsubscribed', by: 'requester' },
    );
    return owe(
      closed,
      [
        { id: 'suppress', kind: 'suppress', via: 'email', locale },
        auditOwed({ subject: auditSubject(closed), actor: 'requester', action: 'subscription.suppressed', requestId: closed.id, details: { via: 'email' } }),
      ],
      now,
    );
  };
  const sibling = await openSibling(deps, email, 'stop_marketing');
  if (sibling) {
    let current = sibling;
    if (authenticated) current = (await updateOwing(deps, applied(sibling))) ?? sibling;
    const done = await finish(deps, current, 'throw');
    return {
      outcome: done.status === 'awaiting_confirmation' ? 'awaiting_confirmation' : 'opened',
      requestId: sibling.id,
      type: 'stop_marketing',
      dueAt: sibling.dueAt,
      folded: true,
    };
  }
  const received = newRequest(
    { ...base, ...(member ? { memberId: member.memberId } : {}), locale, status: 'awaiting_confirmation' },
    now,
    deps.settings.deadlines,
    'requester',
  );
  const receivedAudit = auditOwed({
    subject: auditSubject(received),
    actor: 'requester',
    action: 'request.received',
    requestId: received.id,
    details: { channel: 'email', type: 'stop_marketing', authenticated },
  });
  // Authenticated: stored already applied, so no state exists in which the opt-out waits on a link.
  const request = authenticated
    ? owe(applied(received), [receivedAudit], now)
    : owe(received, [receivedAudit, await confirmationOwed(deps, received, email, 'mail:confirmation'), chainOwed(deps, received, 'chain:received')], now);
  if ((await deps.requests.create(request)) === 'duplicate') {
    const stored = await deps.requests.get(request.id);
    if (stored) await finish(deps, stored, 'throw');
    return { outcome: 'duplicate', requestId: request.id };
  }
  await finish(deps, request, 'throw');
  return { outcome: authenticated ? 'opened' : 'awaiting_confirmation', requestId: request.id, type: 'stop_marketing', dueAt: request.dueAt };
}

async function requestFromToken(deps: Pick<RequestDeps, 'requests' | 'signingKey' | 'clock'>, token: string) {
  const check = verifyLink<{ rid: string }>('request', token, await deps.signingKey(), deps.clock.now());
  if (!check.ok) {
    throw new InvalidInputError(
      check.reason === 'expired' ? 'link_expired' : 'invalid_link',
      check.reason === 'expired' ? 'This link has expired' : 'This link is not valid',
    );
  }
  const request = await deps.requests.get(check.payload.rid);
  if (!request) throw new NotFoundError('Request');
  return request;
}

export async function requestStatus(deps: Pick<RequestDeps, 'requests' | 'signingKey' | 'clock'>, token: string) {
  return publicView(await requestFromToken(deps, token));
}

/** The requester clicked the link: the address is theirs. Opens the request, or closes it when no account has that address. */
export async function confirmRequest(deps: RequestDeps, token: string) {
  const request = await requestFromToken(deps, token);
  // A second click changes nothing, but finishes what the first one left owed.
  if (request.status !== 'awaiting_confirmation') return publicView(await finish(deps, request, 'report'));
  const now = deps.clock.now();
  let next: DataRequest;
  if (request.type === 'stop_marketing' && deps.subscriptions) {
    const via = request.channel === 'email' ? 'email' : 'link';
    const closed = withEvent(
      request,
      { status: 'done', outcome: 'done', verifiedAt: now.toISOString(), closedAt: now.toISOString(), note: 'unsubscribed on confirmation' },
      { at: now.toISOString(), event: 'confirmed:unsubscribed', by: 'requester' },
    );
    next = owe(
      closed,
      [
        { id: 'suppress', kind: 'suppress', via, locale: request.locale },
        auditOwed({ subject: auditSubject(closed), actor: 'requester', action: 'subscription.suppressed', requestId: closed.id, details: { via } }),
      ],
      now,
    );
  } else {
    const member = await deps.members.findByEmail(request.email);
    if (!member) {
      const closed = withEvent(
        request,
        { status: 'rejected', outcome: 'rejected', note: 'no_account', verifiedAt: now.toISOString(), closedAt: now.toISOString() },
        { at: now.toISOString(), event: 'confirmed:no_account', by: 'requester' },
      );
      next = owe(
        closed,
        [
          auditOwed({
            subject: auditSubject(closed),
            actor: 'requester',
            action: 'request.rejected',
            requestId: request.id,
            details: { reason: 'no_account' },
          }),
          noAccountOwed(deps, closed, request.email),
        ],
        now,
      );
    } else {
      const opened = withEvent(
        request,
        { status: 'open', memberId: member.memberId, verifiedAt: now.toISOString() },
        { at: now.toISOString(), event: 'confirmed', by: 'requester' },
      );
      next = owe(
        opened,
        [
          auditOwed({ subject: member.memberId, actor: 'requester', action: 'request.confirmed', requestId: request.id }),
          acknowledgementOwed(deps, opened),
          chainOwed(deps, opened, 'chain:opened'),
          openedEventOwed(opened, now),
        ],
        now,
      );
    }
  }
  // Two clicks at once: the one that lost the write answers with what the winner stored.
  const written = await updateOwing(deps, next);
  if (!written) return publicView(await finish(deps, (await deps.requests.get(request.id)) ?? request, 'report'));
  await finish(deps, written, 'report');
  return publicView(written);
}
