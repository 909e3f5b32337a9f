/**
 * Request intake use cases: web form, inbound mail, confirmation by signed link. Identity is
 * verified before anything changes: a DMARC-authenticated mail from the member's address, or a click
 * on a link sent to the address on file. Repeats fold into the open request; confirmation mails are
 * rate-limited per address and submissions per source, so neither channel can flood an inbox.
 */
import type { DeadlineSettings } from './deadlines';
import { classifyRequest } from './email-classification';
import { normaliseEmail, type Locale } from './members';
import { confirmationNeeded, noAccountFound, requestAcknowledgement } from './notices';
import type { AuditLog, Clock, Mailer, MemberStore, RequestStore, SigningKey } from './ports';
import type { RequestType } from './request-types';
import { assessVerdicts, isClosed, newRequest, newRequestId, withEvent, type DataRequest, type Verdicts } from './requests';
import { signLink, verifyLink } from './signed-link';
import { subscriberKey, unsubscribe, type SubscriptionDeps } from './subscriptions';
import { InvalidInputError, NotFoundError, RateLimitedError } from './errors';

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
}

const auditSubject = (r: Pick<DataRequest, 'memberId'>) => r.memberId ?? 'requests';

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

/** Sends the confirmation link unless this address had its share of such mail today. */
async function sendConfirmation(deps: RequestDeps, request: DataRequest, to: string): Promise<boolean> {
  const now = deps.clock.now();
  if (!(await deps.requests.takeQuota(`mail:${to}`, deps.settings.limits.mailsPerAddressPerDay, now))) return false;
  const { url, expiresAt } = await requestLink(deps, request.id);
  const notice = confirmationNeeded(
    { requestId: request.id, type: request.type, confirmUrl: url, expiresAt: expiresAt.toISOString(), shopName: deps.settings.shopName },
    request.locale,
  );
  await deps.mailer.send({ to, ...notice });
  return true;
}

async function acknowledge(deps: RequestDeps, request: DataRequest) {
  const notice = requestAcknowledgement({ requestId: request.id, type: request.type, dueAt: request.dueAt, shopName: deps.settings.shopName }, request.locale);
  await deps.mailer.send({ to: request.email, ...notice });
}

/** An open or waiting request of the same type from the same address: repeats fold into it. */
async function openSibling(deps: RequestDeps, email: string, type: RequestType) {
  return (await deps.requests.byEmail(email)).find((r) => r.type === type && !isClosed(r));
}

export async function submitWebRequest(
  deps: RequestDeps,
  input: { email: string; type: RequestType; details?: string; locale?: Locale },
  source: { ip: string },
): Promise<{ requestId: string; status: DataRequest['status'] }> {
  const now = deps.clock.now();
  if (!(await deps.requests.takeQuota(`source:${source.ip}`, deps.settings.limits.requestsPerSourcePerDay, now))) throw new RateLimitedError();
  const email = normaliseEmail(input.email);
  const sibling = await openSibling(deps, email, input.type);
  if (sibling) {
    if (sibling.status === 'awaiting_confirmation') await sendConfirmation(deps, sibling, email);
    return { requestId: sibling.id, status: sibling.status };
  }
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
  await deps.requests.create(request);
  await deps.audit.append({
    subject: auditSubject(request),
    actor: 'requester',
    action: 'request.received',
    requestId: request.id,
    details: { channel: 'web', type: request.type },
  });
  // An unsubscribe is enforced by its deadline even if nobody ever clicks the link (policy 6).
  await deps.deadlines?.(request);
  // The answer is the same whether or not a mail went out or an account exists: nothing to probe.
  await sendConfirmation(deps, request, email);
  return { requestId: request.id, status: request.status };
}

export interface InboundMail {
  sesMessageId: string;
  verdicts: Verdicts;
  /** Undefined when the raw mail could not be read or parsed. */
  parsed?: { from?: { address: string }; subject: string; text: string };
}

export type IntakeOutcome = {
  outcome: 'opened' | 'awaiting_confirmation' | 'rejected' | 'duplicate';
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
  const existing = await deps.requests.get(id);
  if (existing) return { outcome: 'duplicate', requestId: existing.id, type: existing.type, dueAt: existing.dueAt };

  const verdict = assessVerdicts(mail.verdicts);
  const from = mail.parsed?.from?.address ? normaliseEmail(mail.parsed.from.address) : '';
  const type = mail.parsed ? classifyRequest({ subject: mail.parsed.subject, text: mail.parsed.text }).type : 'other';
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
  };

  const reject = async (reason: string, reply: boolean) => {
    const request = newRequest({ ...base, status: 'rejected', note: reason }, now, deps.settings.deadlines, 'system:inbound-mail');
    if ((await deps.requests.create(request)) === 'duplicate') return { outcome: 'duplicate' as const, requestId: id };
    await deps.audit.append({ subject: 'requests', actor: 'system:inbound-mail', action: 'request.rejected', requestId: id, details: { reason } });
    // Never answer spam, viruses or unauthenticated senders: that would be backscatter.
    if (reply && from) await deps.mailer.send({ to: from, ...noAccountFound({ requestId: id, shopName: deps.settings.shopName }, 'th') });
    return { outcome: 'rejected' as const, requestId: id, type, reason };
  };

  if (verdict === 'spam' || verdict === 'virus') return reject(verdict, false);
  if (!mail.parsed || !from) return reject('unreadable', false);
  const member = await deps.members.findByEmail(from);
  if (type === 'stop_marketing' && deps.subscriptions) return unsubscribeByMail(deps, { ...base, email: from }, member, verdict === 'authenticated', now);
  if (!member) return reject('no_account', verdict === 'authenticated');

  const sibling = await openSibling(deps, member.email, type);
  if (sibling) {
    // An authenticated repeat of a request still waiting for its link proves the sender: it opens.
    const confirms = sibling.status === 'awaiting_confirmation' && verdict === 'authenticated';
    const updated = withEvent(sibling, confirms ? { status: 'open', verifiedAt: now.toISOString() } : {}, {
      at: now.toISOString(),
      event: confirms ? 'confirmed:authenticated_mail' : 'repeated',
      by: 'requester',
      note: `mail ${mail.sesMessageId}`,
    });
    await deps.requests.update(updated);
    if (confirms) {
      await deps.audit.append({
        subject: member.memberId,
        actor: 'requester',
        action: 'request.confirmed',
        requestId: sibling.id,
        details: { by: 'authenticated mail' },
      });
      await acknowledge(deps, updated);
      await deps.deadlines?.(updated);
    }
    return { outcome: outcomeOf(updated), requestId: sibling.id, type, dueAt: sibling.dueAt, folded: true };
  }

  const status = verdict === 'authenticated' ? 'open' : 'awaiting_confirmation';
  const request = newRequest(
    { ...base, email: member.email, memberId: member.memberId, locale: member.locale, status },
    now,
    deps.settings.deadlines,
    'requester',
  );
  if ((await deps.requests.create(request)) === 'duplicate') return { outcome: 'duplicate', requestId: id };
  await deps.audit.append({
    subject: member.memberId,
    actor: 'requester',
    action: 'request.received',
    requestId: id,
    details: { channel: 'email', type, authenticated: status === 'open' },
  });
  // Confirmation goes to the address on file, never to a reply-to the sender chose.
  if (status === 'open') {
    await acknowledge(deps, request);
    await deps.deadlines?.(request);
  } else {
    await sendConfirmation(deps, request, member.email);
  }
  return { outcome: outcomeOf(request), requestId: id, type, dueAt: request.dueAt };
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
  const subs = deps.subscriptions!;
  const email = base.email;
  const locale = member?.locale ?? base.locale;
  const apply = async (request: DataRequest) => {
    await unsubscribe(subs, { key: subscriberKey(email), email }, 'email', locale);
    const closed = withEvent(
      request,
      { status: 'done', outcome: 'done', verifiedAt: now.toISOString(), closedAt: now.toISOString(), note: 'applied on receipt of an authenticated mail' },
      { at: now.toISOString(), event: 'unsubscribed', by: 'requester' },
    );
    await deps.requests.update(closed);
    await deps.audit.append({
      subject: auditSubject(closed),
      actor: 'requester',
      action: 'subscription.suppressed',
      requestId: closed.id,
      details: { via: 'email' },
    });
    return closed;
  };
  const sibling = await openSibling(deps, email, 'stop_marketing');
  if (sibling) {
    const done = authenticated ? await apply(sibling) : sibling;
    return {
      outcome: done.status === 'awaiting_confirmation' ? 'awaiting_confirmation' : 'opened',
      requestId: sibling.id,
      type: 'stop_marketing',
      dueAt: sibling.dueAt,
      folded: true,
    };
  }
  const request = newRequest(
    { ...base, ...(member ? { memberId: member.memberId } : {}), locale, status: 'awaiting_confirmation' },
    now,
    deps.settings.deadlines,
    'requester',
  );
  if ((await deps.requests.create(request)) === 'duplicate') return { outcome: 'duplicate', requestId: request.id };
  await deps.audit.append({
    subject: auditSubject(request),
    actor: 'requester',
    action: 'request.received',
    requestId: request.id,
    details: { channel: 'email', type: 'stop_marketing', authenticated },
  });
  if (authenticated) {
    const closed = await apply(request);
    return { outcome: 'opened', requestId: closed.id, type: 'stop_marketing', dueAt: closed.dueAt };
  }
  await sendConfirmation(deps, request, email);
  await deps.deadlines?.(request);
  return { outcome: 'awaiting_confirmation', requestId: request.id, type: 'stop_marketing', dueAt: request.dueAt };
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
  if (request.status !== 'awaiting_confirmation') return publicView(request); // a second click changes nothing
  const now = deps.clock.now();
  if (request.type === 'stop_marketing' && deps.subscriptions) {
    const via = request.channel === 'email' ? 'email' : 'link';
    await unsubscribe(deps.subscriptions, { key: subscriberKey(request.email), email: request.email }, via, request.locale);
    const closed = withEvent(
      request,
      { status: 'done', outcome: 'done', verifiedAt: now.toISOString(), closedAt: now.toISOString(), note: 'unsubscribed on confirmation' },
      { at: now.toISOString(), event: 'confirmed:unsubscribed', by: 'requester' },
    );
    await deps.requests.update(closed);
    await deps.audit.append({ subject: auditSubject(closed), actor: 'requester', action: 'subscription.suppressed', requestId: closed.id, details: { via } });
    return publicView(closed);
  }
  const member = await deps.members.findByEmail(request.email);
  if (!member) {
    const closed = withEvent(
      request,
      { status: 'rejected', outcome: 'rejected', note: 'no_account', verifiedAt: now.toISOString(), closedAt: now.toISOString() },
      { at: now.toISOString(), event: 'confirmed:no_account', by: 'requester' },
    );
    await deps.requests.update(closed);
    await deps.audit.append({ subject: 'requests', actor: 'requester', action: 'request.rejected', requestId: request.id, details: { reason: 'no_account' } });
    await deps.mailer.send({ to: request.email, ...noAccountFound({ requestId: request.id, shopName: deps.settings.shopName }, request.locale) });
    return publicView(closed);
  }
  const opened = withEvent(
    request,
    { status: 'open', memberId: member.memberId, verifiedAt: now.toISOString() },
    { at: now.toISOString(), event: 'confirmed', by: 'requester' },
  );
  await deps.requests.update(opened);
  await deps.audit.append({ subject: member.memberId, actor: 'requester', action: 'request.confirmed', requestId: request.id });
  await acknowledge(deps, opened);
  await deps.deadlines?.(opened);
  return publicView(opened);
}
