/**
 * Members (policy 2.2): registered and updated by the storefront backend; a cancelled account is
 * deactivated, not deleted. It stops receiving marketing and cannot be profiled, while its records
 * stay, with the reason and the end of the dispute hold. When the hold ends a job anonymises what is
 * no longer needed.
 */
import { createHmac } from 'node:crypto';

/** The languages mail and pages are written in. */
export const LOCALES = ['th', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type MemberStatus = 'active' | 'deactivated' | 'anonymised';

export interface Member {
  memberId: string;
  email: string;
  name?: string;
  locale: Locale;
  marketingOptIn: boolean;
  status: MemberStatus;
  createdAt: string;
  updatedAt: string;
  deactivatedAt?: string;
  deactivationReason?: string;
  /** The joint-marketing partner the member joined through (policy 5), recorded at sign-up. */
  referredBy?: string;
  /** End of the dispute hold (ISO); set while deactivated and not yet anonymised. */
  holdUntil?: string;
  anonymisedAt?: string;
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * The keyed hash a marketing partner sends to ask whether a referred customer became a member
 * (policy 5): HMAC-SHA256 of the normalised address under that partner's own key, hex.
 */
export const partnerHash = (email: string, key: Uint8Array) => createHmac('sha256', key).update(normaliseEmail(email)).digest('hex');

export function upsertMember(
  existing: Member | undefined,
  input: { memberId: string; email: string; name?: string; locale: Locale; marketingOptIn: boolean; referredBy?: string },
  now: Date,
): { member: Member; changed: string[] } {
  const at = now.toISOString();
  const email = normaliseEmail(input.email);
  if (!existing) {
    const member: Member = {
      memberId: input.memberId,
      email,
      ...(input.name ? { name: input.name } : {}),
      ...(input.referredBy ? { referredBy: input.referredBy } : {}),
      locale: input.locale,
      marketingOptIn: input.marketingOptIn,
      status: 'active',
      createdAt: at,
      updatedAt: at,
    };
    return { member, changed: ['created'] };
  }
  // A deactivated account is not revived by a profile sync: marketing stays off (policy 2.2).
  const marketingOptIn = existing.status === 'active' ? input.marketingOptIn : false;
  const next: Member = { ...existing, email, locale: input.locale, marketingOptIn, updatedAt: at };
  if (input.name !== undefined) next.name = input.name;
  // The referral is a fact of the sign-up: a later sync may supply it once, never change it.
  if (input.referredBy !== undefined && existing.referredBy === undefined) next.referredBy = input.referredBy;
  const changed = (['email', 'name', 'locale', 'marketingOptIn', 'referredBy'] as const).filter((k) => existing[k] !== next[k]);
  return { member: changed.length ? next : existing, changed };
}

export function deactivate(member: Member, reason: string, now: Date, holdDays: number): Member {
  if (member.status !== 'active') return member;
  return {
    ...member,
    status: 'deactivated',
    marketingOptIn: false,
    deactivatedAt: now.toISOString(),
    deactivationReason: reason,
    holdUntil: new Date(now.getTime() + holdDays * 86_400_000).toISOString(),
    updatedAt: now.toISOString(),
  };
}

/** What stays after the hold: the id (orders refer to it) and the dates; contact details go. */
export function anonymise(member: Member, now: Date): Member {
  const { name: _name, holdUntil: _hold, ...rest } = member;
  return { ...rest, email: `anonymised+${member.memberId}@invalid`, status: 'anonymised', anonymisedAt: now.toISOString(), updatedAt: now.toISOString() };
}
