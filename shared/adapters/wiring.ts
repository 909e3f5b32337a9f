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
  clock: systemClock,
  retentionDays: positiveInt('VISIT_RETENTION_DAYS', 395),
});

export const orderDeps = () => ({ orders: new DynamoOrderStore(documentClient(), tableName('orders')), clock: systemClock });

// ---------------------------------------------------------------------------------------------
// Members, requests, disclosures

import { requireEnv } from '../config';
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
import { log } from '../log';

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
/** The partner key is read only where members are written or checked. */
export const memberStore = () => new DynamoMemberStore(documentClient(), tableName('members'), secretKey('partnerKey'));
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

/**
 * What finishing owed effects needs (the sweep): any of them may be a mail, an audit entry, a chain
 * start or a suppression. The suppression list is built on first use.
 */
export const owedEffectDeps = () => {
  let subscriptions: ReturnType<typeof subscriptionDeps> | undefined;
  const chains = chainDeps();
  return {
    requests: chains.requests,
    audit: auditLog(),
    mailer: mailer(),
    clock: systemClock,
    startChain: (request: DataRequest) => startChain(chains, request),
    get subscriptions() {
      if (!subscriptions) subscriptions = subscriptionDeps();
      return subscriptions;
    },
    settings: { deadlines: deadlineSettings(), unconfirmedExpiryDays: positiveInt('UNCONFIRMED_EXPIRY_DAYS', 7) },
  };
};

/** Logs effects that failed and stay owed (ids and error names only): the sweep finishes them. */
const reportUnsettled = (requestId: string, failures: { effect: string; error: unknown }[]) =>
  log.error('effects left owed', { requestId, failures: failures.map((f) => ({ effect: f.effect, error: (f.error as Error)?.name })) });

export const requestDeps = () => ({
  onUnsettled: reportUnsettled,
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
  onUnsettled: reportUnsettled,
  requests: requestStore(),
  members: memberStore(),
  data: personalData(),
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
