/**
 * The runtime configuration: the environment read once per cold start and checked against one
 * schema. A missing or malformed setting fails the cold start loudly, naming the variable, instead
 * of surfacing later as a 500 on some request.
 *
 * The stage settings (infra/stage-config.ts `commonEnvironment`) produce these variables for every
 * function, in AWS and in the local mode, so they have no runtime default: a default here would be
 * a second copy of cdk.json. Only the tuning knobs that are not stage settings have defaults, and
 * those live in RUNTIME_DEFAULTS. Per-function resources (tables, buckets, queues, secrets, the
 * public URL) are set only on the functions that use them and are read where a capability is wired.
 */
import * as z from 'zod/mini';
import { TABLE_ENV_VARS, type TableKey } from './resources';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Tuning knobs that are not stage settings (the local mode and tests override some of them). */
export const RUNTIME_DEFAULTS = {
  /** How long a container trusts its copy of the policy versions (0: always read). */
  POLICY_CACHE_SECONDS: 60,
  /** Lifetime of confirmation and status links in request mail. */
  LINK_DAYS: 7,
  /** Lifetime of the emailed link to an access-request export. */
  EXPORT_LINK_DAYS: 7,
  /** Longest delay of one deadline-job hop (SQS allows at most 900 s). */
  MAX_JOB_DELAY_SECONDS: 900,
  /** A chain not seen for this long is restarted by the sweep. */
  STALE_CHAIN_MINUTES: 45,
} as const;

/**
 * Whole numbers and the list of days are checked as text by regular expressions and turned into
 * numbers after the check (withDefaults): zod/mini's number schemas, or a pipe through a refinement
 * into a transform, and its defaults would add ~3 KB of zod to every function for what a regular
 * expression says. At most 15 digits, so every value is a safe integer.
 */
const POSITIVE_INT = /^0*[1-9]\d{0,14}$/;
const WHOLE_NUMBER = /^0*\d{1,15}$/;
/** Positive numbers (a digit other than 0 somewhere), comma-separated, spaces allowed around each. */
const DAYS_LIST = /^\s*(?=[\d.]*[1-9])\d+(\.\d+)?\s*(,\s*(?=[\d.]*[1-9])\d+(\.\d+)?\s*)*$/;

/** The settings that are whole numbers: checked as text by the schema, answered as numbers. */
const WHOLE_NUMBER_SETTINGS = [
  'CONSENT_TOKEN_DAYS',
  'VISIT_RETENTION_DAYS',
  'DISPUTE_HOLD_DAYS',
  'MAILS_PER_ADDRESS_PER_DAY',
  'REQUESTS_PER_SOURCE_PER_DAY',
  'REQUEST_DUE_DAYS',
  'UNSUBSCRIBE_DUE_DAYS',
  'UNCONFIRMED_EXPIRY_DAYS',
  'POLICY_CACHE_SECONDS',
  'LINK_DAYS',
  'EXPORT_LINK_DAYS',
  'MAX_JOB_DELAY_SECONDS',
  'STALE_CHAIN_MINUTES',
] as const;
type WholeNumberSetting = (typeof WHOLE_NUMBER_SETTINGS)[number];

/**
 * Every variable the functions' code reads, by its name in the environment. Built on first use, so a
 * bundle that never checks the configuration (the health check) carries no schema.
 */
function runtimeEnvSchema() {
  const positiveInt = z.string().check(z.regex(POSITIVE_INT, 'must be a positive integer'));
  const nonNegativeInt = z.string().check(z.regex(WHOLE_NUMBER, 'must be a whole number'));
  // Unset takes its value from RUNTIME_DEFAULTS (see withDefaults).
  const tuning = (schema: typeof positiveInt) => z.optional(schema);
  const daysList = z.string().check(z.regex(DAYS_LIST, 'must be a comma-separated list of positive numbers'));

  return z.object({
    STAGE: z.string().check(z.minLength(1)),
    /** JSON of the stage's baseline policy version; parsed by policy-config.ts. */
    POLICY_BASELINE: z.string().check(z.minLength(1)),
    CONSENT_TOKEN_DAYS: positiveInt,
    VISIT_RETENTION_DAYS: positiveInt,
    SENDER_ADDRESS: z.email(),
    ISP_SOURCE: z.enum(['none', 'cloudfront', 'maxmind']),
    ASN_DATABASE_PATH: z.optional(z.string().check(z.minLength(1))),
    /** reports.topSearchQueries: whether search text is aggregated at all (answered as a boolean). */
    REPORTS_TOP_SEARCH_QUERIES: z.enum(['true', 'false']),
    /** `true` on a function CloudFront calls at its function URL (a route's edgeOrigin): requests without the edge key get 403. Unset: false. */
    EDGE_KEY_REQUIRED: z.optional(z.enum(['true', 'false'])),
    SHOP_NAME: z.string().check(z.minLength(1)),
    ESCALATION_ADDRESS: z.email(),
    /** Where the DPO's register reminders go (breach deadlines, expiring agreements). */
    DPO_ADDRESS: z.email(),
    REQUEST_ADDRESS: z.email(),
    DISPUTE_HOLD_DAYS: positiveInt,
    MAILS_PER_ADDRESS_PER_DAY: positiveInt,
    REQUESTS_PER_SOURCE_PER_DAY: positiveInt,
    REQUEST_DUE_DAYS: positiveInt,
    UNSUBSCRIBE_DUE_DAYS: positiveInt,
    REMIND_DAYS_BEFORE: daysList,
    UNCONFIRMED_EXPIRY_DAYS: positiveInt,
    INBOUND_MAIL_PREFIX: z.string().check(z.minLength(1)),
    /** JSON list of the stage's joint-marketing partners (ids and IAM principals, no keys); parsed where partners are wired. Unset: none. */
    PARTNERS: z.optional(z.string()),
    /** The stage's storefront origins, space-separated: pages privacy-center sign-in links may point to. */
    ALLOWED_ORIGINS: z.string().check(z.minLength(1)),
    /** JSON list of the systems that confirm back (ids, event types, IAM principals); parsed where fulfilment is wired. Unset: none. */
    CONFIRMING_SYSTEMS: z.optional(z.string()),
    POLICY_CACHE_SECONDS: tuning(nonNegativeInt),
    LINK_DAYS: tuning(positiveInt),
    EXPORT_LINK_DAYS: tuning(positiveInt),
    MAX_JOB_DELAY_SECONDS: tuning(positiveInt),
    STALE_CHAIN_MINUTES: tuning(positiveInt),
  });
}
type CheckedEnv = z.output<ReturnType<typeof runtimeEnvSchema>>;

export type RuntimeConfig = Omit<
  CheckedEnv,
  WholeNumberSetting | 'REMIND_DAYS_BEFORE' | 'PARTNERS' | 'CONFIRMING_SYSTEMS' | 'REPORTS_TOP_SEARCH_QUERIES' | 'EDGE_KEY_REQUIRED'
> &
  Record<WholeNumberSetting, number> & {
    REMIND_DAYS_BEFORE: number[];
    PARTNERS: string;
    CONFIRMING_SYSTEMS: string;
    REPORTS_TOP_SEARCH_QUERIES: boolean;
    EDGE_KEY_REQUIRED: 'true' | 'false';
  };

/** The checked text as the values the code uses: defaults for unset tuning knobs, numbers for numbers. */
function withDefaults(env: CheckedEnv): RuntimeConfig {
  const numbers = Object.fromEntries(
    // A stage setting is always set (the schema requires it); a tuning knob may fall back to its default.
    WHOLE_NUMBER_SETTINGS.map((name) => [name, Number(env[name] ?? RUNTIME_DEFAULTS[name as keyof typeof RUNTIME_DEFAULTS])]),
  ) as Record<WholeNumberSetting, number>;
  return {
    ...env,
    ...numbers,
    REMIND_DAYS_BEFORE: env.REMIND_DAYS_BEFORE.split(',').map((days) => Number(days.trim())),
    PARTNERS: env.PARTNERS ?? '[]',
    CONFIRMING_SYSTEMS: env.CONFIRMING_SYSTEMS ?? '[]',
    REPORTS_TOP_SEARCH_QUERIES: env.REPORTS_TOP_SEARCH_QUERIES === 'true',
    EDGE_KEY_REQUIRED: env.EDGE_KEY_REQUIRED ?? 'false',
  };
}

/** Checks an environment; every problem is named by its variable, so one failed cold start tells all. */
export function parseRuntimeConfig(env: Record<string, string | undefined>): RuntimeConfig {
  // An empty variable counts as unset, as it does for a shell.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = runtimeEnvSchema().safeParse(given);
  if (parsed.success) return withDefaults(parsed.data);
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    return given[name] === undefined ? `${name} is not set` : `${name} ${issue.message} (got "${given[name]}")`;
  });
  throw new ConfigError(`The function's environment is invalid: ${problems.join('; ')}`);
}

let loaded: RuntimeConfig | undefined;

/** The configuration of this container, checked on first use (at cold start, as handlers wire at module scope). */
export function runtimeConfig(): RuntimeConfig {
  loaded ??= parseRuntimeConfig(process.env);
  return loaded;
}

/** A per-function variable (a resource name, the public URL) that the wiring of a capability needs. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new ConfigError(`Environment variable ${name} is not set`);
  return value;
}

export const tableName = (key: TableKey) => requireEnv(TABLE_ENV_VARS[key]);

/** The stage name alone, for the health check: its bundle stays free of the schema. */
export const stage = () => requireEnv('STAGE');
