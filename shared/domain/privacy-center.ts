/**
 * The customers' privacy center: a page of the shop (`<div data-shop-privacy-center>`) where a
 * customer sees and acts on what the shop holds under their e-mail address (policy 2.1, 3, 6; PDPA
 * rights of access and objection).
 *
 * Sign-in is by e-mail only: the customer gives an address and the shop page's URL; a link to that
 * page, carrying a signed one-time token in its fragment, goes to the address. The answer is the same
 * whether or not anyone with that address is known (no lookup happens at all before the link is used),
 * and links per address and requests per source are limited per day. Using the link once (a
 * conditional write, so of two concurrent uses one wins) turns it into a short session token; every
 * later call names the address only through that session, so a session sees its own address's data
 * and nothing else. Tokens carry a random id, never the address.
 */
import { randomBytes } from 'node:crypto';
import { InvalidInputError, RateLimitedError } from './errors';
import { normaliseEmail, type Locale } from './members';
import { privacyCenterSignIn } from './notices';
import type { AuditLog, Clock, Mailer, MemberStore, RequestStore, SigningKey, SubscriptionStore } from './ports';
import { publicView } from './request-service';
import { auditSubject } from './requests';
import { signLink, verifyLink } from './signed-link';
import { buildExport } from './request-completion';
import { subscriberKey, subscriptionStatus, unsubscribe, type SubscriptionDeps } from './subscriptions';

/** A sign-in link works this long after it is mailed: long enough to switch to the mailbox. */
export const SIGN_IN_LINK_MINUTES = 15;
/** A session lasts this long after the link is used; the customer signs in again after. */
export const SESSION_MINUTES = 30;
/** The fragment parameter that carries the token on the shop's page (never sent to any server). */
export const SIGN_IN_FRAGMENT = 'shop-privacy-center';

/** One mailed sign-in link and, once used, the session it became. */
export interface CenterSignIn {
  id: string;
  /** Lower-cased address the link was mailed to. */
  email: string;
  locale: Locale;
  createdAt: string;
  linkExpiresAt: string;
  usedAt?: string;
  sessionExpiresAt?: string;
  signedOutAt?: string;
}

export interface CenterSignInStore {
  create(signIn: CenterSignIn): Promise<void>;
  /**
   * Marks the link used, in one conditional write: only if it exists, was never used and has not
   * expired. Returns the record for the one caller that used it, undefined for every other.
   */
  redeem(id: string, now: Date, sessionExpiresAt: Date): Promise<CenterSignIn | undefined>;
  get(id: string): Promise<CenterSignIn | undefined>;
  signOut(id: string, now: Date): Promise<void>;
}

export interface CenterSettings {
  /** Origins whose pages may receive sign-in links: the stage's storefront origins and the API's own. */
  pageOrigins: string[];
  shopName?: string;
  limits: { mailsPerAddressPerDay: number; requestsPerSourcePerDay: number };
}

export interface CenterDeps {
  signIns: CenterSignInStore;
  signingKey: SigningKey;
  clock: Clock;
}

/** The session's owner: whose data every call of this session is about. */
export interface CenterOwner {
  sessionId: string;
  email: string;
  locale: Locale;
}

/**
 * The page a sign-in link may point to: http(s) on an allowed origin, without its fragment. Anything
 * else is refused, or the shop's own mail could carry a valid token to another site.
 */
export function signInPage(pageUrl: string, origins: string[]): URL {
  let url: URL | undefined;
  try {
    url = new URL(pageUrl);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || !origins.includes(url.origin) || url.username || url.password) {
    throw new InvalidInputError('page_not_allowed', 'The page must be on one of the shop\u2019s own origins', [
      { path: 'body.pageUrl', message: 'must be a page of an allowed origin' },
    ]);
  }
  url.hash = '';
  return url;
}

/**
 * Mails a one-time sign-in link, or (over the address's daily share) nothing; the caller answers the
 * same either way. No member or request is looked up: the answer and its timing do not depend on them.
 */
export async function requestSignIn(
  deps: CenterDeps & { requests: Pick<RequestStore, 'takeQuota'>; mailer: Mailer; settings: CenterSettings },
  input: { email: string; pageUrl: string; locale?: Locale },
  source: { ip: string },
): Promise<void> {
  const page = signInPage(input.pageUrl, deps.settings.pageOrigins);
  const now = deps.clock.now();
  if (!(await deps.requests.takeQuota(`center-source:${source.ip}`, deps.settings.limits.requestsPerSourcePerDay, now))) throw new RateLimitedError();
  const email = normaliseEmail(input.email);
  if (!(await deps.requests.takeQuota(`center-mail:${email}`, deps.settings.limits.mailsPerAddressPerDay, now))) return;
  const locale = input.locale ?? 'th';
  const linkExpiresAt = new Date(now.getTime() + SIGN_IN_LINK_MINUTES * 60_000);
  const signIn: CenterSignIn = {
    id: randomBytes(16).toString('base64url'),
    email,
    locale,
    createdAt: now.toISOString(),
    linkExpiresAt: linkExpiresAt.toISOString(),
  };
  await deps.signIns.create(signIn);
  const token = signLink('center-sign-in', { l: signIn.id }, await deps.signingKey(), linkExpiresAt);
  page.hash = `${SIGN_IN_FRAGMENT}=${token}`;
  await deps.mailer.send({
    to: email,
    ...privacyCenterSignIn({ signInUrl: page.href, expiresAt: signIn.linkExpiresAt, shopName: deps.settings.shopName }, locale),
  });
}

const INVALID_LINK = () => new InvalidInputError('invalid_link', 'This sign-in link is not valid, has expired or was already used; ask for a new one');

/** Uses a sign-in link once and returns the session it becomes. Every failure reads the same. */
export async function startSession(deps: CenterDeps, token: string): Promise<{ session: string; expiresAt: string; email: string; locale: Locale }> {
  const key = await deps.signingKey();
  const now = deps.clock.now();
  const check = verifyLink<{ l: unknown }>('center-sign-in', token, key, now);
  if (!check.ok || typeof check.payload.l !== 'string') throw INVALID_LINK();
  const sessionExpiresAt = new Date(now.getTime() + SESSION_MINUTES * 60_000);
  const used = await deps.signIns.redeem(check.payload.l, now, sessionExpiresAt);
  if (!used) throw INVALID_LINK();
  return {
    session: signLink('center-session', { l: used.id }, key, sessionExpiresAt),
    expiresAt: sessionExpiresAt.toISOString(),
    email: used.email,
    locale: used.locale,
  };
}

/** Whose session this is, or undefined for a forged, expired, unused or signed-out one. */
export async function sessionOwner(deps: CenterDeps, session: string): Promise<CenterOwner | undefined> {
  const now = deps.clock.now();
  const check = verifyLink<{ l: unknown }>('center-session', session, await deps.signingKey(), now);
  if (!check.ok || typeof check.payload.l !== 'string') return undefined;
  const record = await deps.signIns.get(check.payload.l);
  if (!record?.usedAt || record.signedOutAt || !record.sessionExpiresAt || Date.parse(record.sessionExpiresAt) <= now.getTime()) return undefined;
  return { sessionId: record.id, email: record.email, locale: record.locale };
}

/** What the center shows: the owner's requests (newest first) and their newsletter subscription. */
export async function centerOverview(deps: { requests: Pick<RequestStore, 'byEmail'>; subscriptions: Pick<SubscriptionStore, 'get'> }, owner: CenterOwner) {
  const [requests, subscription] = await Promise.all([deps.requests.byEmail(owner.email), subscriptionStatus(deps, owner.email)]);
  return {
    email: owner.email,
    requests: requests.map(publicView).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)),
    subscription: { subscribed: subscription.subscribed, ...(subscription.unsubscribedAt ? { unsubscribedAt: subscription.unsubscribedAt } : {}) },
  };
}

/** An audit subject for the owner: their member id, else the hash of their address (as requests without a member use). */
async function ownerSubject(deps: { members: Pick<MemberStore, 'findByEmail'> }, owner: CenterOwner) {
  const member = await deps.members.findByEmail(owner.email);
  return { member, subject: auditSubject({ id: owner.sessionId, email: owner.email, ...(member ? { memberId: member.memberId } : {}) }) };
}

/**
 * The newsletter switch, in force at once. Off: the same unsubscribe as every other channel (in the
 * suppression list, told once). On: the customer, signed in with their address, asks for mail again.
 */
export async function setMarketing(
  deps: SubscriptionDeps & { members: Pick<MemberStore, 'findByEmail'>; audit: AuditLog },
  owner: CenterOwner,
  subscribed: boolean,
) {
  const key = subscriberKey(owner.email);
  if (subscribed) await deps.subscriptions.resubscribe(key, owner.email, deps.clock.now());
  else {
    // The suppression stands even if the notice fails; it stays owed and goes with the next unsubscribe.
    await unsubscribe(deps, { key, email: owner.email }, 'privacy-center', owner.locale);
  }
  const { subject } = await ownerSubject(deps, owner);
  await deps.audit.append({
    subject,
    actor: 'requester',
    action: subscribed ? 'subscription.resubscribed' : 'subscription.suppressed',
    details: { via: 'privacy-center' },
  });
  const now = await subscriptionStatus(deps, owner.email);
  return { subscribed: now.subscribed, ...(now.unsubscribedAt ? { unsubscribedAt: now.unsubscribedAt } : {}) };
}

/**
 * "Download what you hold about me": the access export of a completed access request (same builder,
 * same format), for the signed-in owner at once. Without an account it holds what is kept under the
 * address alone: requests and subscription.
 */
export async function centerExport(deps: Parameters<typeof buildExport>[0] & { members: Pick<MemberStore, 'findByEmail'> }, owner: CenterOwner) {
  const { member, subject } = await ownerSubject(deps, owner);
  if (member) {
    const document = await buildExport(deps, member);
    await deps.audit.append({
      subject,
      actor: 'requester',
      action: 'member.exported',
      details: { via: 'privacy-center', visits: document.visits.length, consents: document.consents.length, orders: document.orders.length },
    });
    return document;
  }
  const { requests, subscription } = await centerOverview({ requests: deps.requests, subscriptions: deps.suppressionList }, owner);
  return { generatedAt: deps.clock.now().toISOString(), format: 'shop-privacy-export/1', member: null, requests, subscription };
}
