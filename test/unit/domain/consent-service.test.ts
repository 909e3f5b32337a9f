import { beforeEach, describe, expect, it } from 'vitest';
import { captureConsent, consentStatus, publishPolicy } from '../../../shared/domain/consent-service';
import { verifyConsentToken } from '../../../shared/domain/consent-token';
import { ConflictError, InvalidInputError, NotFoundError } from '../../../shared/domain/errors';
import { FixedClock, MemoryConsentStore, MemoryPolicyStore, policy } from '../../helpers/memory-stores';

const key = Buffer.from('s'.repeat(40));
const baseline = policy('2024-01', '2024-01-01T00:00:00Z');
const granted = { necessary: true as const, analytics: true, marketing: true };

let consents: MemoryConsentStore;
let store: MemoryPolicyStore;
let clock: FixedClock;
const deps = () => ({
  consents,
  policies: { all: async () => [baseline, ...(await store.list())] },
  signingKey: async () => key,
  clock,
  tokenLifetimeDays: 180,
});

beforeEach(() => {
  consents = new MemoryConsentStore();
  store = new MemoryPolicyStore();
  clock = new FixedClock(new Date('2026-11-25T03:00:00Z'));
});

describe('captureConsent', () => {
  it('stores a receipt and the current state, and returns a token that verifies with the same choices', async () => {
    const result = await captureConsent(deps(), { visitorId: 'v-0123456789', policyVersion: '2024-01', choices: granted }, { gpc: false });
    expect(consents.receipts.size).toBe(1);
    expect(consents.currents.get('v-0123456789')?.receiptId).toBe(result.receipt.id);
    const check = verifyConsentToken(result.token, key, clock.now());
    expect(check.ok && check.claims).toMatchObject({ sub: 'v-0123456789', a: true, m: true, rid: result.receipt.id });
    expect(result.tokenExpiresAt).toBe('2027-05-24T03:00:00.000Z');
  });

  it('rejects an unknown policy version and stores nothing', async () => {
    await expect(captureConsent(deps(), { visitorId: 'v-0123456789', policyVersion: 'nope', choices: granted }, { gpc: false })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(consents.receipts.size).toBe(0);
  });

  it('replays the first receipt for a retried request with the same idempotency key', async () => {
    const input = { visitorId: 'v-0123456789', policyVersion: '2024-01', choices: granted };
    const first = await captureConsent(deps(), input, { gpc: false, idempotencyKey: 'abc' });
    clock.advance(5000);
    const again = await captureConsent(deps(), input, { gpc: false, idempotencyKey: 'abc' });
    expect(again.replayed).toBe(true);
    expect(again.receipt).toEqual(first.receipt);
    expect(consents.receipts.size).toBe(1);
  });

  it('refuses an idempotency key reused for different choices', async () => {
    await captureConsent(deps(), { visitorId: 'v-0123456789', policyVersion: '2024-01', choices: granted }, { gpc: false, idempotencyKey: 'abc' });
    await expect(
      captureConsent(
        deps(),
        { visitorId: 'v-0123456789', policyVersion: '2024-01', choices: { ...granted, analytics: false } },
        { gpc: false, idempotencyKey: 'abc' },
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(consents.currents.get('v-0123456789')?.choices.analytics).toBe(true);
  });

  it('lets a withdrawal replace the current state while the history keeps both', async () => {
    await captureConsent(deps(), { visitorId: 'v-0123456789', policyVersion: '2024-01', choices: granted }, { gpc: false });
    clock.advance(60_000);
    await captureConsent(deps(), { visitorId: 'v-0123456789', policyVersion: '2024-01', choices: { ...granted, analytics: false } }, { gpc: false });
    expect(consents.receipts.size).toBe(2);
    expect((await consentStatus(deps(), 'v-0123456789')).choices.analytics).toBe(false);
  });
});

describe('consentStatus', () => {
  it('is not found for a visitor who never chose', async () => {
    await expect(consentStatus(deps(), 'never-seen-1')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('says renewal is needed once a version changing a granted category is in force', async () => {
    await captureConsent(deps(), { visitorId: 'v-0123456789', policyVersion: '2024-01', choices: { ...granted, marketing: false } }, { gpc: false });
    await publishPolicy({ store, policies: deps().policies, clock }, { ...policy('2027-01', '2027-01-01T00:00:00Z', ['analytics']) });
    expect((await consentStatus(deps(), 'v-0123456789')).renewalNeeded).toBe(false);
    clock.current = new Date('2027-01-02T00:00:00Z');
    const status = await consentStatus(deps(), 'v-0123456789');
    expect(status).toMatchObject({ renewalNeeded: true, renewCategories: ['analytics'], currentPolicyVersion: '2027-01', policyVersion: '2024-01' });
  });
});

describe('publishPolicy', () => {
  const pdeps = () => ({ store, policies: deps().policies, clock });

  it('stores a future version with the publication time', async () => {
    const { outcome, version } = await publishPolicy(pdeps(), policy('2027-01', '2027-01-01T00:00:00Z', ['marketing']));
    expect(outcome).toBe('created');
    expect(version.publishedAt).toBe(clock.now().toISOString());
    expect(store.versions.map((v) => v.version)).toEqual(['2027-01']);
  });

  it('rejects an effective date in the past', async () => {
    await expect(publishPolicy(pdeps(), policy('2026-01', '2026-01-01T00:00:00Z'))).rejects.toMatchObject({ code: 'effective_date_in_past' });
    expect(store.versions).toEqual([]);
  });

  it('rejects a version that would take effect before the latest one', async () => {
    await publishPolicy(pdeps(), policy('2027-06', '2027-06-01T00:00:00Z'));
    await expect(publishPolicy(pdeps(), policy('2027-01', '2027-01-01T00:00:00Z'))).rejects.toMatchObject({ code: 'effective_date_not_after_latest' });
  });

  it('treats a repeated identical publish as a retry and a different one under the same name as a conflict', async () => {
    await publishPolicy(pdeps(), policy('2027-01', '2027-01-01T00:00:00Z'));
    clock.current = new Date('2027-02-01T00:00:00Z');
    expect((await publishPolicy(pdeps(), policy('2027-01', '2027-01-01T00:00:00Z'))).outcome).toBe('duplicate');
    await expect(publishPolicy(pdeps(), { ...policy('2027-01', '2027-01-01T00:00:00Z'), sha256: 'c'.repeat(64) })).rejects.toBeInstanceOf(ConflictError);
    await expect(publishPolicy(pdeps(), { ...baseline, url: 'https://elsewhere.example.com/' })).rejects.toBeInstanceOf(ConflictError);
  });
});
