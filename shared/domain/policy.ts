/**
 * Policy versions (policy clause 7): which version is in force, and which earlier consents must be
 * renewed because a later version changed what a category means.
 */
import type { Category, Choices } from './categories';
import { CATEGORIES } from './categories';
import { InvalidInputError } from './errors';

export interface PolicyVersion {
  version: string;
  /** ISO-8601; the version governs from this instant on. */
  effectiveAt: string;
  url: string;
  /** SHA-256 (hex) of the published text, so a receipt proves which words the visitor saw. */
  sha256: string;
  /** Categories whose terms this version changes; consents given to them earlier need renewal. */
  changes: Category[];
  publishedAt?: string;
  /**
   * What changed, as announced on the site (policy 7): per language, or one text for both (older
   * versions were published with a single string).
   */
  summary?: string | PolicySummary;
}

export interface PolicySummary {
  th?: string;
  en?: string;
}

/** A version's change summary in both languages (each falls back to the other); undefined when it has none. */
export function summaryOf(version: Pick<PolicyVersion, 'summary'>): { th: string; en: string } | undefined {
  const s = version.summary;
  if (!s) return undefined;
  if (typeof s === 'string') return s.trim() ? { th: s, en: s } : undefined;
  const th = s.th?.trim() || s.en?.trim();
  const en = s.en?.trim() || s.th?.trim();
  return th && en ? { th, en } : undefined;
}

const byEffectiveDate = (a: PolicyVersion, b: PolicyVersion) => Date.parse(a.effectiveAt) - Date.parse(b.effectiveAt) || a.version.localeCompare(b.version);

/** The version in force at `now`: the latest whose effective date has come. */
export function currentPolicy(versions: PolicyVersion[], now: Date): PolicyVersion {
  const inForce = versions.filter((v) => Date.parse(v.effectiveAt) <= now.getTime()).sort(byEffectiveDate);
  const current = inForce.at(-1);
  if (!current) throw new Error('No policy version is in force; the stage baseline is missing');
  return current;
}

/** What storefronts learn of the version in force: `GET /v1/policy` answers it and `GET /v1/kit.js` carries it. */
export interface PolicyInForce {
  version: string;
  effectiveAt: string;
  url: string;
  sha256: string;
  changes: Category[];
  /** The change summary in both languages, so the storefront announces the change in the visitor's (policy 7). */
  summary?: { th: string; en: string };
}

/** The public facts of the version in force at `now`, in the one shape both storefront answers use. */
export function policyInForce(versions: PolicyVersion[], now: Date): PolicyInForce {
  const current = currentPolicy(versions, now);
  const { version, effectiveAt, url, sha256, changes } = current;
  const summary = summaryOf(current);
  return { version, effectiveAt, url, sha256, changes, ...(summary ? { summary } : {}) };
}

/** A version a visitor may consent under: it exists and is already in force (possibly superseded). */
export function consentablePolicy(versions: PolicyVersion[], version: string, now: Date): PolicyVersion {
  const found = versions.find((v) => v.version === version);
  if (!found) {
    throw new InvalidInputError('unknown_policy_version', `Policy version "${version}" does not exist`, [
      { path: 'policyVersion', message: 'no such policy version' },
    ]);
  }
  if (Date.parse(found.effectiveAt) > now.getTime()) {
    throw new InvalidInputError('policy_not_in_force', `Policy version "${version}" is not in force yet`, [
      { path: 'policyVersion', message: `in force from ${found.effectiveAt}` },
    ]);
  }
  return found;
}

/**
 * Categories the visitor must be asked about again: those changed by any version that came into
 * force after the one they consented under, limited to categories they had granted. A refusal stays
 * valid whatever the new terms say, so it is not asked again.
 */
export function categoriesToRenew(consent: { policyVersion: string; choices: Choices }, versions: PolicyVersion[], now: Date): Category[] {
  const given = versions.find((v) => v.version === consent.policyVersion);
  // A consent naming a version we no longer know cannot prove what it covered: ask again for all granted.
  const since = given ? Date.parse(given.effectiveAt) : Number.NEGATIVE_INFINITY;
  const changed = new Set<Category>(given ? [] : CATEGORIES.filter((c) => consent.choices[c]));
  for (const v of versions) {
    const at = Date.parse(v.effectiveAt);
    if (v.version !== consent.policyVersion && at > since && at <= now.getTime()) {
      for (const category of v.changes) changed.add(category);
    }
  }
  return CATEGORIES.filter((c) => changed.has(c) && consent.choices[c]);
}

/** Versions sorted oldest first; later code relies on this order for listings. */
export const sortVersions = (versions: PolicyVersion[]) => [...versions].sort(byEffectiveDate);

/** Two descriptions of a version say the same thing (a retried publish, not a conflicting one). */
export const samePolicy = (a: Omit<PolicyVersion, 'publishedAt'>, b: Omit<PolicyVersion, 'publishedAt'>) =>
  a.version === b.version &&
  Date.parse(a.effectiveAt) === Date.parse(b.effectiveAt) &&
  a.url === b.url &&
  a.sha256 === b.sha256 &&
  [...a.changes].sort().join() === [...b.changes].sort().join();
