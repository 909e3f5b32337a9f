/**
 * Stage settings, read from cdk.json's context (`stages.<name>`), checked, and turned into the
 * environment every function gets. The CDK stack and the local mode both use this module, so a
 * setting means the same thing in AWS and on a laptop. No CDK import here: the local mode loads it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod/mini';
import type { PolicyVersion } from '../shared/domain/policy';
import { BUCKETS } from '../shared/resources';
import { PartnerId, PartnerPrincipalArn } from '../shared/schemas/common';
import { EVENT_TYPES, type EventType } from '../shared/domain/events-out';
import type { ConfirmingSystem } from '../shared/domain/fulfilment';

const EventTypeName = z.enum(Object.keys(EVENT_TYPES) as [EventType, ...EventType[]]);

/**
 * A system of the shop that receives events out (issue 14). `sqs`: the stack makes the system a queue
 * (its URL is a stack output) that the system's role reads; `lambda`: a function of this account is
 * invoked with each event; `https`: an EventBridge API destination posts each event to the shop's
 * endpoint with an auth header whose value is a Secrets Manager secret. Every kind retries and then
 * parks the event on the consumer's dead-letter queue, whose alarm notifies the alarm topic.
 */
export const EventConsumer = z.strictObject({
  id: PartnerId,
  /** The event types it receives. */
  events: z.array(EventTypeName).check(z.minLength(1)),
  target: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('sqs'), readerRoleArn: z.optional(PartnerPrincipalArn) }),
    z.strictObject({
      kind: z.literal('lambda'),
      functionArn: z
        .string()
        .check(z.regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/, 'must be a Lambda function ARN')),
    }),
    z.strictObject({
      kind: z.literal('https'),
      endpoint: z.url({ protocol: /^https$/ }),
      /** The secret whose value is sent in `header` (e.g. "Bearer ..." or an API key). */
      secretArn: z.string().check(z.regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/, 'must be a Secrets Manager secret ARN')),
      header: z._default(z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/)), 'Authorization'),
      /** Invocations per second at most (EventBridge's default is 300). */
      ratePerSecond: z.optional(z.number().check(z.int(), z.positive(), z.lte(300))),
    }),
  ]),
  /** Delivery attempts after the first before the event goes to the dead-letter queue (EventBridge allows 0-185). */
  retries: z._default(z.number().check(z.int(), z.gte(0), z.lte(185)), 8),
  /** How long EventBridge keeps trying, in hours (1-24). */
  maxEventAgeHours: z._default(z.number().check(z.int(), z.gte(1), z.lte(24)), 24),
  /**
   * The IAM role (or user) the system confirms back as (fulfilment): when set, a request whose action
   * event it receives stays open until it confirms, or a DPO overrides.
   */
  confirmRoleArn: z.optional(PartnerPrincipalArn),
});
export type EventConsumer = z.infer<typeof EventConsumer>;

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The published policy text the baseline version's hash is computed from. */
export const POLICY_TEXT_FILE = join(REPO_ROOT, 'policy', 'privacy-policy.th.txt');

const StageSettings = z.strictObject({
  /** Browser origins allowed to call the public routes (CORS). */
  allowedOrigins: z.array(z.url()).check(z.minLength(1)),
  /** The shop's sender address for mail the system sends. */
  senderAddress: z.email(),
  logRetentionDays: z.number().check(z.int(), z.positive()),
  consentTokenDays: z.number().check(z.int(), z.positive(), z.lte(395)),
  visitRetentionDays: z.number().check(z.int(), z.positive()),
  policy: z.strictObject({
    version: z.string(),
    effectiveAt: z.iso.datetime({ offset: true }),
    url: z.url(),
    /** What the baseline version announces on the site (policy 7), per language. */
    summary: z.optional(z.strictObject({ th: z.optional(z.string().check(z.minLength(1))), en: z.optional(z.string().check(z.minLength(1))) })),
  }),
  /** Where the internet provider of a visit comes from (policy 1.2(5)); absent means not recorded. */
  isp: z.optional(
    z.discriminatedUnion('source', [
      z.strictObject({ source: z.literal('none') }),
      // Only when the API is reachable through CloudFront alone: otherwise clients could forge the header.
      z.strictObject({ source: z.literal('cloudfront') }),
      // A MaxMind-format ASN database file (path relative to the repo), shipped inside the function.
      z.strictObject({ source: z.literal('maxmind'), database: z.string().check(z.minLength(1)) }),
    ]),
  ),
  /**
   * Reports (policy 1.2). `topSearchQueries`: aggregate what visitors typed into search (normalised;
   * shown only when at least 5 distinct visitors searched it); off by default, the shop turns it on.
   */
  reports: z.optional(z.strictObject({ topSearchQueries: z._default(z.boolean(), false) })),
  /** Shown in mail to customers. */
  shopName: z.string().check(z.minLength(1)),
  /** The mailbox address whose mail the SES receipt rule hands to the request intake (policy 2.1). */
  requestAddress: z.email(),
  /** Where overdue requests are escalated and staff reminders go. */
  escalationAddress: z.email(),
  /** The data protection officer's mailbox: breach deadlines and expiring agreements; defaults to escalationAddress. */
  dpoAddress: z.optional(z.email()),
  /** How long a deactivated account's records are kept for disputes before anonymisation (policy 2.2). */
  disputeHoldDays: z.number().check(z.int(), z.positive()),
  /** Abuse limits of the public form and the mailbox. */
  limits: z.strictObject({
    mailsPerAddressPerDay: z.number().check(z.int(), z.positive()),
    requestsPerSourcePerDay: z.number().check(z.int(), z.positive()),
  }),
  deadlines: z.strictObject({
    requestDueDays: z.number().check(z.int(), z.positive()),
    unsubscribeDueDays: z.number().check(z.int(), z.positive(), z.lte(7)),
    remindDaysBefore: z.array(z.number().check(z.positive())),
  }),
  /** Requests nobody confirms within this many days are closed as `expired` (opt-outs keep their 7-day deadline). */
  unconfirmedExpiryDays: z._default(z.number().check(z.int(), z.positive()), 7),
  /** Base URL for links in mail when the API has a custom domain; defaults to the API's own URL. */
  publicBaseUrl: z.optional(z.url()),
  throttle: z.strictObject({ defaultRate: z.number().check(z.positive()), defaultBurst: z.number().check(z.int(), z.positive()) }),
  /**
   * Joint-marketing partners (policy 5): each calls the membership check as its own IAM role, which
   * decides who is asking, and gets its own key (a Secrets Manager secret per partner).
   */
  partners: z.optional(
    z
      .array(z.strictObject({ id: PartnerId, principalArn: PartnerPrincipalArn }))
      .check(z.refine((list) => new Set(list.map((p) => p.id)).size === list.length, 'partner ids must be unique')),
  ),
  /** Systems of the shop that receive events out; see EventConsumer. */
  eventConsumers: z.optional(
    z.array(EventConsumer).check(z.refine((list) => new Set(list.map((c) => c.id)).size === list.length, 'event consumer ids must be unique')),
  ),
  /**
   * Who the alarms notify: e-mail addresses, `https://` endpoints (e.g. a chat webhook) or E.164
   * phone numbers for SMS. At least one, or an alarm would fire into silence.
   */
  alarmSubscribers: z
    .array(z.union([z.email(), z.url({ protocol: /^https$/ }), z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, 'an E.164 phone number, e.g. +66812345678'))]))
    .check(z.minLength(1)),
});
export type StageSettings = z.infer<typeof StageSettings> & { name: string };

/** Every setting a stage may have, as cdk.json names it (the README's configuration table lists each). */
export const STAGE_SETTING_NAMES = Object.keys(StageSettings.shape);

export function parseStageSettings(name: string, raw: unknown): StageSettings {
  const parsed = StageSettings.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (${i.code})`).join('; ');
    throw new Error(`Stage "${name}" settings in cdk.json are invalid: ${where}`);
  }
  return { name, ...parsed.data };
}

/** Reads cdk.json directly (the local mode has no CDK app to ask). */
export function stageFromCdkJson(name: string, file = join(REPO_ROOT, 'cdk.json')): StageSettings {
  const context = JSON.parse(readFileSync(file, 'utf8')).context as { stages: Record<string, unknown> };
  if (!(name in context.stages)) throw new Error(`Unknown stage "${name}"; cdk.json defines: ${Object.keys(context.stages).join(', ')}`);
  return parseStageSettings(name, context.stages[name]);
}

export function baselinePolicyVersion(settings: StageSettings, text = readFileSync(POLICY_TEXT_FILE)): PolicyVersion {
  return {
    ...settings.policy,
    sha256: createHash('sha256').update(text).digest('hex'),
    changes: [],
  };
}

/** Key prefix under which the SES receipt rule stores raw mail. */
export const INBOUND_MAIL_PREFIX = BUCKETS.inboundMail.keyPrefix;

/** Where a function finds the ASN database the stack copies into its bundle. */
export const ASN_DATABASE_IN_BUNDLE = '/var/task/asn.mmdb';

/**
 * Environment shared by every function of the stage (tables and secrets are added per function). The
 * functions check it at cold start against the runtime schema (shared/config.ts), which has no
 * defaults for these: the stage settings are their one source.
 */
export function commonEnvironment(settings: StageSettings): Record<string, string> {
  return {
    STAGE: settings.name,
    POLICY_BASELINE: JSON.stringify(baselinePolicyVersion(settings)),
    CONSENT_TOKEN_DAYS: String(settings.consentTokenDays),
    VISIT_RETENTION_DAYS: String(settings.visitRetentionDays),
    SENDER_ADDRESS: settings.senderAddress,
    ISP_SOURCE: settings.isp?.source ?? 'none',
    REPORTS_TOP_SEARCH_QUERIES: String(settings.reports?.topSearchQueries ?? false),
    SHOP_NAME: settings.shopName,
    ESCALATION_ADDRESS: settings.escalationAddress,
    DPO_ADDRESS: settings.dpoAddress ?? settings.escalationAddress,
    REQUEST_ADDRESS: settings.requestAddress,
    DISPUTE_HOLD_DAYS: String(settings.disputeHoldDays),
    MAILS_PER_ADDRESS_PER_DAY: String(settings.limits.mailsPerAddressPerDay),
    REQUESTS_PER_SOURCE_PER_DAY: String(settings.limits.requestsPerSourcePerDay),
    REQUEST_DUE_DAYS: String(settings.deadlines.requestDueDays),
    UNSUBSCRIBE_DUE_DAYS: String(settings.deadlines.unsubscribeDueDays),
    REMIND_DAYS_BEFORE: settings.deadlines.remindDaysBefore.join(','),
    UNCONFIRMED_EXPIRY_DAYS: String(settings.unconfirmedExpiryDays),
    INBOUND_MAIL_PREFIX: INBOUND_MAIL_PREFIX,
    // Ids and role ARNs only (no keys): who may ask the membership check, and whose referrals exist.
    PARTNERS: JSON.stringify(settings.partners ?? []),
    // The storefront's origins: where privacy-center sign-in links may point (CORS uses the same list).
    ALLOWED_ORIGINS: settings.allowedOrigins.join(' '),
    // Ids, event types and role ARNs of the systems that confirm back (fulfilment); no secrets.
    CONFIRMING_SYSTEMS: JSON.stringify(confirmingSystems(settings)),
    ...(settings.isp?.source === 'maxmind' ? { ASN_DATABASE_PATH: ASN_DATABASE_IN_BUNDLE } : {}),
  };
}

/** The event consumers that confirm back, as the domain sees them (fulfilment.ts). */
export function confirmingSystems(settings: Pick<StageSettings, 'eventConsumers'>): ConfirmingSystem[] {
  return (settings.eventConsumers ?? []).flatMap((c) => (c.confirmRoleArn ? [{ id: c.id, events: c.events, principalArn: c.confirmRoleArn }] : []));
}

/** CORS as API Gateway applies it; the local server emulates exactly this. */
export function corsSettings(settings: StageSettings) {
  return {
    allowOrigins: settings.allowedOrigins,
    allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'] as const,
    allowHeaders: ['content-type', 'idempotency-key', 'sec-gpc', 'authorization'],
    exposeHeaders: ['idempotent-replayed'],
    maxAgeSeconds: 600,
  };
}
