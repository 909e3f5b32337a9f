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
import { partnerKeys, secretKey } from './secrets';
import { DynamoVisitStore } from './visit-store';
import { DynamoOrderStore } from './order-store';

export const policyStore = () => new DynamoPolicyStore(documentClient(), tableName('policies'));

/**
 * Policy versions, cached per container: a minute by default (POLICY_CACHE_SECONDS), so a newly
 * effective version reaches every storefront page within that time. Staff routes pass 0.
 */
export const policyCatalogue = (ttlMs = positiveIntOrZero('POLICY_CACHE_SECONDS', 60) * 1000) => cachedPolicies(policyStore(), baselinePolicy(), ttlMs);

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
  members: memberStore(),
  clock: systemClock,
  retentionDays: positiveInt('VISIT_RETENTION_DAYS', 395),
});

export const orderDeps = () => ({ orders: new DynamoOrderStore(documentClient(), tableName('orders')), clock: systemClock });

// ---------------------------------------------------------------------------------------------
// Members, requests, disclosures

import { ConfigError, requireEnv } from '../config';
import type { DeadlineSettings } from '../domain/deadlines';
import { DynamoAuditLog } from './audit-store';
import { DynamoDisclosureStore } from './disclosure-store';
import { S3Exports } from './export-store';
import { SesMailer } from './mail';
import { DynamoMemberStore } from './member-store';
import { DynamoPersonalData } from './personal-data';
import { DynamoRequestStore } from './request-store';
import { DynamoSubscriptionStore } from './subscription-store';
import { DynamoChainStore, SqsScheduler } from './deadline-queue';
import { QUEUES } from '../resources';
import { startChain } from '../domain/deadline-service';
import { subscriberKey, unsubscribe } from '../domain/subscriptions';
import type { DataRequest } from '../domain/requests';

function daysList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  const days = raw.split(',').map((d) => Number(d.trim()));
  if (days.some((d) => !Number.isFinite(d) || d <= 0)) throw new Error(`${name} must be a comma-separated list of positive numbers, got "${raw}"`);
  return days;
}

export const deadlineSettings = (): DeadlineSettings => ({
  requestDueDays: positiveInt('REQUEST_DUE_DAYS', 30),
  unsubscribeDueDays: positiveInt('UNSUBSCRIBE_DUE_DAYS', 7),
  remindDaysBefore: daysList('REMIND_DAYS_BEFORE', [2, 1]),
});

const publicUrl = () => requireEnv('PUBLIC_API_URL').replace(/\/+$/, '');

export const auditLog = () => new DynamoAuditLog(documentClient(), tableName('audit'));
export const mailer = () => new SesMailer(requireEnv('SENDER_ADDRESS'));
/** Partner keys are read only where members are written, and only for a member's referring partner. */
export const memberStore = () => new DynamoMemberStore(documentClient(), tableName('members'), partnerKeys());
export const requestStore = () => new DynamoRequestStore(documentClient(), tableName('requests'));

/** Reading the suppression list needs neither a mailer nor a key. */
export const subscriptionReadDeps = () => ({ subscriptions: new DynamoSubscriptionStore(documentClient(), tableName('subscriptions')) });

/** Issuing links needs the store and the key, not the mailer. */
export const linkDeps = () => ({
  ...subscriptionReadDeps(),
  signingKey: secretKey('tokenKey'),
  clock: systemClock,
  settings: { publicUrl: publicUrl(), shopName: process.env.SHOP_NAME, requestAddress: requireEnv('REQUEST_ADDRESS') },
});

export const subscriptionDeps = () => ({
  subscriptions: new DynamoSubscriptionStore(documentClient(), tableName('subscriptions')),
  mailer: mailer(),
  signingKey: secretKey('tokenKey'),
  clock: systemClock,
  settings: { publicUrl: publicUrl(), shopName: process.env.SHOP_NAME, requestAddress: requireEnv('REQUEST_ADDRESS') },
});

/**
 * Unsubscribes an address on behalf of staff or a job: the hook other capabilities call. Built on
 * first use, so a function that never unsubscribes needs neither the table nor its grant.
 */
export const suppressor = () => {
  let deps: ReturnType<typeof subscriptionDeps> | undefined;
  return (email: string, via: 'staff') => unsubscribe((deps ??= subscriptionDeps()), { key: subscriberKey(email), email }, via);
};

/** What starting and sweeping chains need: no mailer, no suppression list. */
export const chainDeps = () => ({
  requests: requestStore(),
  chains: new DynamoChainStore(documentClient(), tableName('requests')),
  scheduler: new SqsScheduler(requireEnv(QUEUES.deadlines.envVar)),
  clock: systemClock,
  settings: {
    deadlines: deadlineSettings(),
    escalationAddress: process.env.ESCALATION_ADDRESS ?? '',
    maxDelaySeconds: positiveInt('MAX_JOB_DELAY_SECONDS', 900),
    staleChainMinutes: positiveInt('STALE_CHAIN_MINUTES', 45),
  },
});

export const deadlineDeps = () => {
  let subscriptions: ReturnType<typeof subscriptionDeps> | undefined;
  const base = chainDeps();
  return {
    ...base,
    settings: { ...base.settings, escalationAddress: requireEnv('ESCALATION_ADDRESS') },
    audit: auditLog(),
    mailer: mailer(),
    // Only enforcing an unsubscribe touches the suppression list: built on first use.
    get subscriptions() {
      return (subscriptions ??= subscriptionDeps());
    },
  };
};

/** Starts a request's deadline chain: what intake calls once a request needs one. */
export const chainStarter = () => {
  const deps = chainDeps();
  return (request: DataRequest) => startChain(deps, request);
};

export const requestDeps = () => ({
  deadlines: chainStarter(),
  subscriptions: subscriptionDeps(),
  requests: requestStore(),
  members: memberStore(),
  audit: auditLog(),
  mailer: mailer(),
  signingKey: secretKey('tokenKey'),
  clock: systemClock,
  settings: {
    deadlines: deadlineSettings(),
    publicUrl: publicUrl(),
    shopName: process.env.SHOP_NAME,
    linkDays: positiveInt('LINK_DAYS', 7),
    limits: {
      mailsPerAddressPerDay: positiveInt('MAILS_PER_ADDRESS_PER_DAY', 3),
      requestsPerSourcePerDay: positiveInt('REQUESTS_PER_SOURCE_PER_DAY', 20),
    },
  },
});

export const personalData = () =>
  new DynamoPersonalData(documentClient(), { visits: tableName('visits'), consents: tableName('consents'), orders: tableName('orders') });

export const completionDeps = () => ({
  requests: requestStore(),
  members: memberStore(),
  data: personalData(),
  subscriptions: subscriptionReadDeps().subscriptions,
  disclosures: new DynamoDisclosureStore(documentClient(), tableName('disclosures')),
  exports: new S3Exports(requireEnv('EXPORTS_BUCKET')),
  suppress: suppressor(),
  audit: auditLog(),
  mailer: mailer(),
  signingKey: secretKey('tokenKey'),
  clock: systemClock,
  settings: {
    publicUrl: publicUrl(),
    shopName: process.env.SHOP_NAME,
    holdDays: positiveInt('DISPUTE_HOLD_DAYS', 730),
    exportLinkDays: positiveInt('EXPORT_LINK_DAYS', 7),
  },
});

export const memberDeps = () => ({
  members: memberStore(),
  audit: auditLog(),
  clock: systemClock,
  holdDays: positiveInt('DISPUTE_HOLD_DAYS', 730),
});

export const disclosureDeps = () => ({
  disclosures: new DynamoDisclosureStore(documentClient(), tableName('disclosures')),
  members: memberStore(),
  audit: auditLog(),
  clock: systemClock,
});

// ---------------------------------------------------------------------------------------------
// Joint-marketing partners (policy 5)

import type { Partner } from '../domain/disclosure-service';
import { PartnerId, PartnerPrincipalArn } from '../schemas/common';
import * as z from 'zod/mini';

const PartnerList = z.array(z.object({ id: PartnerId, principalArn: PartnerPrincipalArn }));

/** The stage's partners (ids and IAM principals; no keys), from PARTNERS; none when unset. */
export function configuredPartners(): Partner[] {
  const raw = process.env.PARTNERS;
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('PARTNERS must be JSON');
  }
  const result = PartnerList.safeParse(parsed);
  if (!result.success) throw new ConfigError('PARTNERS must be a list of { id, principalArn }');
  return result.data;
}

/** Registering a member checks a referral against the declared partners. */
export const memberWriteDeps = () => ({ ...memberDeps(), partnerIds: configuredPartners().map((p) => p.id) });

/** The check reads members and records the disclosure; it writes no audit entry, so it has no audit table. */
export const partnerCheckDeps = () => ({
  disclosures: new DynamoDisclosureStore(documentClient(), tableName('disclosures')),
  members: memberStore(),
  clock: systemClock,
  partners: configuredPartners(),
});

/**
 * What deactivation and the hold sweep need of a member's data: linked visitor ids, the profiling
 * stop, erasure. No orders table: orders are kept, never read or written there.
 */
export const memberDataWithoutOrders = () => new DynamoPersonalData(documentClient(), { visits: tableName('visits'), consents: tableName('consents') });
