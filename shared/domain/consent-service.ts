/**
 * Consent use cases: the steps between a validated request and the stores. Plain TypeScript over
 * ports, so every decision here is tested without AWS.
 */
import type { Choices } from './categories';
import { consentReceipt, recordConsent, type ConsentRecord, type ConsentRequest } from './consent';
import { issueConsentToken } from './consent-token';
import { ConflictError, InvalidInputError, NotFoundError } from './errors';
import { categoriesToRenew, consentablePolicy, currentPolicy, samePolicy, type PolicyVersion } from './policy';
import type { Clock, ConsentStore, PolicyStore, SigningKey } from './ports';

export interface ConsentDeps {
  consents: ConsentStore;
  policies: { all(): Promise<PolicyVersion[]> };
  signingKey: SigningKey;
  clock: Clock;
  tokenLifetimeDays: number;
}

const sameChoices = (a: Choices, b: Choices) => a.analytics === b.analytics && a.marketing === b.marketing;

export async function captureConsent(deps: ConsentDeps, input: ConsentRequest, signals: { gpc: boolean; idempotencyKey?: string }) {
  const now = deps.clock.now();
  const policy = consentablePolicy(await deps.policies.all(), input.policyVersion, now);
  let record = recordConsent(input, { policy, now, ...signals });
  const outcome = await deps.consents.save(record);
  if (outcome === 'duplicate') {
    // Same idempotency key: answer with the receipt first recorded, unless the body changed.
    const first = await deps.consents.receipt(record.visitorId, record.receiptId);
    if (!first || !sameChoices(first.choices, record.choices) || first.policyVersion !== record.policyVersion) {
      throw new ConflictError('idempotency_key_reused', 'This Idempotency-Key was already used for a different consent');
    }
    record = first;
  }
  const { token, claims } = issueConsentToken(record, await deps.signingKey(), now, deps.tokenLifetimeDays);
  return {
    replayed: outcome === 'duplicate',
    receipt: consentReceipt(record),
    token,
    tokenExpiresAt: new Date(claims.exp * 1000).toISOString(),
  };
}

export async function consentStatus(deps: Pick<ConsentDeps, 'consents' | 'policies' | 'clock'>, visitorId: string) {
  const record: ConsentRecord | undefined = await deps.consents.current(visitorId);
  if (!record) throw new NotFoundError('Consent for this visitor');
  const now = deps.clock.now();
  const versions = await deps.policies.all();
  const renew = categoriesToRenew(record, versions, now);
  return {
    visitorId: record.visitorId,
    policyVersion: record.policyVersion,
    currentPolicyVersion: currentPolicy(versions, now).version,
    choices: record.choices,
    recordedAt: record.recordedAt,
    receiptId: record.receiptId,
    gpc: record.gpc,
    renewalNeeded: renew.length > 0,
    renewCategories: renew,
  };
}

/** Clock skew allowed when staff publish a version "effective now". */
const PAST_TOLERANCE_MS = 5 * 60_000;

export async function publishPolicy(
  deps: { store: PolicyStore; policies: { all(): Promise<PolicyVersion[]> }; clock: Clock },
  input: Omit<PolicyVersion, 'publishedAt'>,
) {
  const now = deps.clock.now();
  const existing = await deps.policies.all();
  const same = existing.find((v) => v.version === input.version);
  if (same) {
    if (samePolicy(same, input)) return { outcome: 'duplicate' as const, version: same };
    throw new ConflictError('policy_version_exists', `Policy version "${input.version}" already exists with different content`);
  }
  // A version cannot take effect in the past: consents already given under the old one would
  // silently turn out to have been given under terms nobody showed.
  if (Date.parse(input.effectiveAt) < now.getTime() - PAST_TOLERANCE_MS) {
    throw new InvalidInputError('effective_date_in_past', 'effectiveAt must not be in the past', [
      { path: 'effectiveAt', message: `must be at or after ${now.toISOString()}` },
    ]);
  }
  const latest = existing.reduce((max, v) => Math.max(max, Date.parse(v.effectiveAt)), 0);
  if (Date.parse(input.effectiveAt) <= latest) {
    throw new InvalidInputError('effective_date_not_after_latest', 'effectiveAt must be after the latest version\u2019s', [
      { path: 'effectiveAt', message: `must be after ${new Date(latest).toISOString()}` },
    ]);
  }
  const version: PolicyVersion = { ...input, publishedAt: now.toISOString() };
  const outcome = await deps.store.publish(version);
  return { outcome, version };
}
