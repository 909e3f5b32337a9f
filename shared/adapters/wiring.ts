/**
 * Production wiring: builds the ports from the environment once per cold start. Each handler takes
 * only what it uses, so a function's bundle and IAM policy stay small.
 */
import { positiveInt, positiveIntOrZero, tableName } from '../config';
import { baselinePolicy } from '../policy-config';
import { systemClock } from '../domain/ports';
import { DynamoConsentStore } from './consent-store';
import { documentClient } from './dynamodb';
import { cachedPolicies, DynamoPolicyStore } from './policy-store';
import { secretKey } from './secrets';
import { DynamoVisitStore } from './visit-store';
import { DynamoOrderStore } from './order-store';

export const policyStore = () => new DynamoPolicyStore(documentClient(), tableName('policies'));

/**
 * Policy versions, cached per container: a minute by default (POLICY_CACHE_SECONDS), so a newly
 * effective version reaches every storefront page within that time. Staff routes pass 0.
 */
export const policyCatalogue = (ttlMs = positiveIntOrZero('POLICY_CACHE_SECONDS', 60) * 1000) =>
  cachedPolicies(policyStore(), baselinePolicy(), ttlMs);

/** What reading a visitor's consent needs: no signing key, so no Secrets Manager client. */
export const consentReadDeps = () => ({
  consents: new DynamoConsentStore(documentClient(), tableName('consents')),
  policies: policyCatalogue(),
  clock: systemClock,
});

export const consentDeps = () => ({
  ...consentReadDeps(),
  signingKey: secretKey('tokenKey'),
  tokenLifetimeDays: positiveInt('CONSENT_TOKEN_DAYS', 180),
});

export const visitDeps = () => ({
  visits: new DynamoVisitStore(documentClient(), tableName('visits')),
  consents: new DynamoConsentStore(documentClient(), tableName('consents')),
  signingKey: secretKey('tokenKey'),
  clock: systemClock,
  retentionDays: positiveInt('VISIT_RETENTION_DAYS', 395),
});

export const visitQueryDeps = () => ({ visits: new DynamoVisitStore(documentClient(), tableName('visits')) });

export const visitLinkDeps = () => ({
  ...visitQueryDeps(),
  clock: systemClock,
  retentionDays: positiveInt('VISIT_RETENTION_DAYS', 395),
});

export const orderDeps = () => ({ orders: new DynamoOrderStore(documentClient(), tableName('orders')), clock: systemClock });
