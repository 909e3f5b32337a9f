/**
 * Unsubscribe (policy 6): by signed link with a confirmation page, by RFC 8058 one-click POST, by
 * e-mail, by staff, and by deadline. It takes effect at once in the suppression list the shop's mail
 * sender checks, and the customer is told once. Link tokens carry only the SHA-256 of the address,
 * so nothing personal is in clear and a token cannot be turned into another address's.
 */
import { createHash } from 'node:crypto';
import { normaliseEmail, type Locale } from './members';
import { unsubscribeConfirmed } from './notices';
import type { Clock, Mailer, SigningKey, SubscriptionStore, UnsubscribeVia } from './ports';
import { signLink, verifyLink } from './signed-link';
import { InvalidInputError } from './errors';

export const subscriberKey = (email: string) => createHash('sha256').update(normaliseEmail(email)).digest('hex');

export interface SubscriptionDeps {
  subscriptions: SubscriptionStore;
  mailer: Mailer;
  signingKey: SigningKey;
  clock: Clock;
  settings: { publicUrl: string; shopName?: string; requestAddress: string };
}

/** What the shop's newsletter sender puts in every mail (RFC 2369 and RFC 8058). */
export async function unsubscribeLink(deps: Pick<SubscriptionDeps, 'subscriptions' | 'signingKey' | 'clock' | 'settings'>, email: string) {
  const key = subscriberKey(email);
  await deps.subscriptions.register(key, normaliseEmail(email), deps.clock.now());
  // No expiry: a link in a newsletter from last year must still work.
  const token = signLink('unsubscribe', { s: key }, await deps.signingKey());
  const url = `${deps.settings.publicUrl}/v1/unsubscribe?token=${token}`;
  return {
    url,
    headers: {
      'List-Unsubscribe': `<${url}>, <mailto:${deps.settings.requestAddress}?subject=unsubscribe>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

/** The subscriber key a link names, or a 4xx when the token is forged, truncated or of another purpose. */
export async function keyFromToken(deps: Pick<SubscriptionDeps, 'signingKey' | 'clock'>, token: string): Promise<string> {
  const check = verifyLink<{ s: string }>('unsubscribe', token, await deps.signingKey(), deps.clock.now());
  if (!check.ok || typeof check.payload.s !== 'string' || !/^[0-9a-f]{64}$/.test(check.payload.s)) {
    throw new InvalidInputError('invalid_link', 'This unsubscribe link is not valid');
  }
  return check.payload.s;
}

/** How long a delivery holds the notice while it sends: longer than any function's timeout. */
export const NOTICE_LEASE_MS = 5 * 60_000;

/**
 * Suppresses the address at once and tells the customer, once. The suppression is written first and
 * never rolled back. The notice is owed until it is sent: a delivery claims it (so of concurrent
 * clicks only one sends), sends, then marks it sent; a failed send gives the claim back and is
 * answered as `noticeFailure`; the next click, mail or staff action for the address, or the hourly
 * sweep (`sendOwedNotices`), sends it. Idempotent: a replayed link, a second click or a duplicate job
 * changes nothing and sends nothing more once the notice is out.
 */
export async function unsubscribe(
  deps: SubscriptionDeps,
  target: { key: string; email?: string },
  via: UnsubscribeVia,
  locale: Locale = 'th',
): Promise<{ suppressed: boolean; noticeFailure?: unknown }> {
  const now = deps.clock.now();
  const known = target.email ? undefined : await deps.subscriptions.get(target.key);
  const email = target.email ? normaliseEmail(target.email) : known?.email;
  // A key we never issued a link for: nothing to suppress or tell, answered like any other.
  if (!email) return { suppressed: false };
  const suppressed = await deps.subscriptions.suppress(target.key, email, via, now);
  const { failure } = await sendNotice(deps, { key: target.key, email, via, locale });
  return failure === undefined ? { suppressed } : { suppressed, noticeFailure: failure };
}

/**
 * Claims, sends and marks sent the unsubscribe notice. `sent` false with no failure: already sent, or
 * another delivery holds it; a `failure` leaves it owed.
 */
async function sendNotice(
  deps: Omit<SubscriptionDeps, 'signingKey'>,
  notice: { key: string; email: string; via: UnsubscribeVia; locale: Locale },
): Promise<{ sent: boolean; failure?: unknown }> {
  const now = deps.clock.now();
  const until = new Date(now.getTime() + NOTICE_LEASE_MS);
  if (!(await deps.subscriptions.claimNotice(notice.key, now, until, notice.locale))) return { sent: false };
  try {
    await deps.mailer.send({ to: notice.email, ...unsubscribeConfirmed({ via: notice.via, shopName: deps.settings.shopName }, notice.locale) });
  } catch (failure) {
    // Still owed; if giving the claim back fails too, the lease runs out and the sweep sends it.
    await deps.subscriptions.releaseNotice(notice.key, until).catch(() => undefined);
    return { sent: false, failure };
  }
  await deps.subscriptions.noticeSent(notice.key, now);
  return { sent: true };
}

/**
 * The sweep's part: unsubscribe notices owed for longer than a delivery's lease (their send failed
 * or the delivery died), read through the sparse byOwedNotice index, each sent once (the claim keeps
 * a click at the same moment from sending it too). Failures stay owed for the next run.
 */
export async function sendOwedNotices(deps: Omit<SubscriptionDeps, 'signingKey'>, batch = 50): Promise<{ sent: number; failed: number }> {
  const owed = await deps.subscriptions.owedNotices(new Date(deps.clock.now().getTime() - NOTICE_LEASE_MS), batch);
  let sent = 0;
  let failed = 0;
  for (const s of owed) {
    if (!s.via) continue;
    const outcome = await sendNotice(deps, { key: s.key, email: s.email, via: s.via, locale: s.noticeLocale ?? 'th' });
    if (outcome.sent) sent++;
    else if (outcome.failure !== undefined) failed++;
  }
  return { sent, failed };
}

export async function subscriptionStatus(deps: { subscriptions: Pick<SubscriptionStore, 'get'> }, email: string) {
  const normalised = normaliseEmail(email);
  const record = await deps.subscriptions.get(subscriberKey(normalised));
  if (!record || record.subscribed) return { email: normalised, subscribed: true };
  return { email: normalised, subscribed: false, unsubscribedAt: record.unsubscribedAt, via: record.via };
}

export async function checkSubscriptions(deps: Pick<SubscriptionDeps, 'subscriptions'>, emails: string[]) {
  const normalised = [...new Set(emails.map(normaliseEmail))];
  const records = await deps.subscriptions.getMany(normalised.map(subscriberKey));
  const suppressedKeys = new Set(records.filter((r) => !r.subscribed).map((r) => r.key));
  const suppressed = normalised.filter((e) => suppressedKeys.has(subscriberKey(e)));
  return { subscribed: normalised.filter((e) => !suppressedKeys.has(subscriberKey(e))), suppressed };
}
