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
import { TABLE_ENV_VARS, type TableKey } from './resources';
import { EMAIL_PATTERN } from './schemas/common';

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
 * Every setting is text checked by a regular expression or a list of allowed values; whole numbers
 * are turned into numbers once checked. A zod schema of the same rules put ~17 KB of zod into every
 * function, also into workers that check no other input with zod. At most 15 digits, so every
 * whole number is a safe integer.
 */
const POSITIVE_INT = /^0*[1-9]\d{0,14}$/;
const WHOLE_NUMBER = /^0*\d{1,15}$/;
/** Positive numbers (a digit other than 0 somewhere), comma-separated, spaces allowed around each. */
const DAYS_LIST = /^\s*(?=[\d.]*[1-9])\d+(\.\d+)?\s*(,\s*(?=[\d.]*[1-9])\d+(\.\d+)?\s*)*$/;

/**
 * One setting's rule: any text (no pattern, no values), text matching a pattern (`asNumber`: answered
 * as a number), or one of a list of values; `optional` may be unset.
 */
interface SettingRule {
  pattern?: RegExp;
  /** What the value must be, when it does not match `pattern`. */
  message?: string;
  asNumber?: true;
  values?: readonly string[];
  optional?: true;
}

const text = {} as const;
const oneOf = <const V extends readonly string[]>(...values: V) => ({ values }) as const;
const optional = <R extends SettingRule>(rule: R) => ({ ...rule, optional: true }) as const;

/**
 * Every variable the functions' code reads, by its name in the environment, with its rule. Built on
 * first use, so a bundle that never checks the configuration (the health check) carries none of it.
 */
function settingRules() {
  const positiveInt = { pattern: POSITIVE_INT, message: 'must be a positive integer', asNumber: true } as const;
  const nonNegativeInt = { pattern: WHOLE_NUMBER, message: 'must be a whole number', asNumber: true } as const;
  const email = { pattern: EMAIL_PATTERN, message: 'must be an email address' } as const;
  // Unset takes its value from RUNTIME_DEFAULTS.
  const tuning = optional;
  return {
    STAGE: text,
    /** JSON of the stage's baseline policy version; parsed by policy-config.ts. */
    POLICY_BASELINE: text,
    CONSENT_TOKEN_DAYS: positiveInt,
    VISIT_RETENTION_DAYS: positiveInt,
    SENDER_ADDRESS: email,
    ISP_SOURCE: oneOf('none', 'cloudfront', 'maxmind'),
    ASN_DATABASE_PATH: optional(text),
    /** reports.topSearchQueries: whether search text is aggregated at all (answered as a boolean). */
    REPORTS_TOP_SEARCH_QUERIES: oneOf('true', 'false'),
    /** `true` on a function CloudFront calls at its function URL (a route's edgeOrigin): requests without the edge key get 403. Unset: false. */
    EDGE_KEY_REQUIRED: optional(oneOf('true', 'false')),
    SHOP_NAME: text,
    ESCALATION_ADDRESS: email,
    /** Where the DPO's register reminders go (breach deadlines, expiring agreements). */
    DPO_ADDRESS: email,
    REQUEST_ADDRESS: email,
    DISPUTE_HOLD_DAYS: positiveInt,
    MAILS_PER_ADDRESS_PER_DAY: positiveInt,
    REQUESTS_PER_SOURCE_PER_DAY: positiveInt,
    REQUEST_DUE_DAYS: positiveInt,
    UNSUBSCRIBE_DUE_DAYS: positiveInt,
    REMIND_DAYS_BEFORE: { pattern: DAYS_LIST, message: 'must be a comma-separated list of positive numbers' },
    UNCONFIRMED_EXPIRY_DAYS: positiveInt,
    INBOUND_MAIL_PREFIX: text,
    /** JSON list of the stage's joint-marketing partners (ids and IAM principals, no keys); parsed where partners are wired. Unset: none. */
    PARTNERS: optional(text),
    /** The stage's storefront origins, space-separated: pages privacy-center sign-in links may point to. */
    ALLOWED_ORIGINS: text,
    /** JSON list of the systems that confirm back (ids, event types, IAM principals); parsed where fulfilment is wired. Unset: none. */
    CONFIRMING_SYSTEMS: optional(text),
    POLICY_CACHE_SECONDS: tuning(nonNegativeInt),
    LINK_DAYS: tuning(positiveInt),
    EXPORT_LINK_DAYS: tuning(positiveInt),
    MAX_JOB_DELAY_SECONDS: tuning(positiveInt),
    STALE_CHAIN_MINUTES: tuning(positiveInt),
  } satisfies Record<string, SettingRule>;
}
type Rules = ReturnType<typeof settingRules>;
/** What a rule lets through: a number, one of its values or any text; undefined when it may be unset. */
type Checked<R> =
  | (R extends { asNumber: true } ? number : R extends { values: readonly (infer V)[] } ? V : string)
  | (R extends { optional: true } ? undefined : never);
type CheckedEnv = { [K in keyof Rules]: Checked<Rules[K]> };
type TuningKnob = keyof typeof RUNTIME_DEFAULTS;

export type RuntimeConfig = Omit<
  CheckedEnv,
  TuningKnob | 'REMIND_DAYS_BEFORE' | 'PARTNERS' | 'CONFIRMING_SYSTEMS' | 'REPORTS_TOP_SEARCH_QUERIES' | 'EDGE_KEY_REQUIRED'
> &
  Record<TuningKnob, number> & {
    REMIND_DAYS_BEFORE: number[];
    PARTNERS: string;
    CONFIRMING_SYSTEMS: string;
    REPORTS_TOP_SEARCH_QUERIES: boolean;
    EDGE_KEY_REQUIRED: 'true' | 'false';
  };

/** The checked settings as the values the code uses: defaults for unset tuning knobs and lists. */
function withDefaults(env: CheckedEnv): RuntimeConfig {
  // A stage setting is always set (the rules require it); an unset tuning knob is absent from `env`
  // (never undefined), so its default stays.
  return {
    ...RUNTIME_DEFAULTS,
    ...env,
    REMIND_DAYS_BEFORE: env.REMIND_DAYS_BEFORE.split(',').map((days) => Number(days.trim())),
    PARTNERS: env.PARTNERS ?? '[]',
    CONFIRMING_SYSTEMS: env.CONFIRMING_SYSTEMS ?? '[]',
    REPORTS_TOP_SEARCH_QUERIES: env.REPORTS_TOP_SEARCH_QUERIES === 'true',
    EDGE_KEY_REQUIRED: env.EDGE_KEY_REQUIRED ?? 'false',
  } as RuntimeConfig;
}

/** What is wrong with a set value under its rule, or undefined when it passes. */
function problemWith(rule: SettingRule, value: string): string | undefined {
  if (rule.values && !rule.values.includes(value)) return `must be one of ${rule.values.join(', ')}`;
  if (rule.pattern && !rule.pattern.test(value)) return rule.message;
  return undefined;
}

/** Checks an environment; every problem is named by its variable, so one failed cold start tells all. */
export function parseRuntimeConfig(env: Record<string, string | undefined>): RuntimeConfig {
  const checked: Record<string, string | number> = {};
  const problems: string[] = [];
  for (const [name, rule] of Object.entries(settingRules()) as [string, SettingRule][]) {
    const value = env[name];
    // An empty variable counts as unset, as it does for a shell.
    if (value === undefined || value === '') {
      if (!rule.optional) problems.push(`${name} is not set`);
      continue;
    }
    const problem = problemWith(rule, value);
    if (problem) problems.push(`${name} ${problem} (got "${value}")`);
    else checked[name] = rule.asNumber ? Number(value) : value;
  }
  if (problems.length) throw new ConfigError(`The function's environment is invalid: ${problems.join('; ')}`);
  return withDefaults(checked as CheckedEnv);
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
