/**
 * The staff command-line tool's pure parts: the command table, argument parsing into an API call,
 * target detection (loopback or a deployed stage, and its region) and SigV4 signing.
 * `scripts/admin.ts` wires them to the network and the terminal.
 *
 * Each command names its route by id; method and path template come from the route table, so a
 * command cannot drift from the API it calls.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CATEGORIES } from '../../shared/domain/categories';
import { LOCALES } from '../../shared/domain/members';
import { LEGAL_BASES } from '../../shared/domain/ports';
import { REQUEST_OUTCOMES, REQUEST_STATUSES } from '../../shared/domain/requests';
import type { StaffGroup } from '../../shared/domain/staff-access';
import { ROUTES, type RouteAuth, type RouteDef } from '../../shared/routes';

// ---------------------------------------------------------------------------------------------
// Options

type Values = Record<string, string | undefined>;

interface OptionSpec {
  /** Shown in the synopsis: `--status STATUS`. */
  meta: string;
  required?: boolean;
  /** Checks the raw value; returns what is wrong, phrased to follow `--name `. */
  check?: (value: string) => string | undefined;
}

/** An option whose values are one of the shared domain's lists, shown as `a|b|c`. */
const oneOf = (allowed: readonly string[]) => ({
  meta: allowed.join('|'),
  check: (v: string) => (allowed.includes(v) ? undefined : `must be one of ${allowed.join(', ')}`),
});
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const isoDateTime = (v: string) =>
  ISO_DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)) ? undefined : 'must be an ISO-8601 date-time with offset, e.g. 2025-06-01T09:00:00+07:00';
const limit = (v: string) => (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 100 ? undefined : 'must be a whole number from 1 to 100');
const nonEmpty = (v: string) => (v.trim() ? undefined : 'must not be empty');
const httpUrl = (v: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol) ? undefined : 'must be an http(s) URL';
  } catch {
    return 'must be an http(s) URL';
  }
};
const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
/** `--changes none` (or an empty value) publishes a version that changes no category. */
const categoryList = (v: string) => {
  if (v.trim() === 'none') return undefined;
  const bad = list(v).filter((c) => !(CATEGORIES as readonly string[]).includes(c));
  return bad.length ? `has unknown categor${bad.length > 1 ? 'ies' : 'y'} ${bad.join(', ')}; use ${CATEGORIES.join(', ')} or none` : undefined;
};

const PAGING = {
  limit: { meta: 'N', check: limit },
  next: { meta: 'CURSOR', check: nonEmpty },
} satisfies Record<string, OptionSpec>;

/** Options every command takes. */
const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  region: { type: 'string' },
  as: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

// ---------------------------------------------------------------------------------------------
// The command table

/** What a command sends, before the target's base URL is known. */
export interface ApiCall {
  method: RouteDef['method'];
  /** Path with parameters filled in and percent-encoded, e.g. /v1/admin/requests/R-ABCDEFGH23. */
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

/** Side inputs a few commands need; injectable so parsing stays deterministic in tests. */
export interface ParseIo {
  now: () => Date;
  readFile: (path: string) => Uint8Array;
}

interface Built {
  params?: Record<string, string>;
  query?: Record<string, string | undefined>;
  body?: Record<string, unknown>;
}

/** Either the answer to print, or the answer plus a failure that makes the command exit 1. */
export interface Presented {
  output: unknown;
  failure?: string;
}

export interface CommandSpec {
  name: string;
  /** Route id in shared/routes.ts. */
  route: string;
  summary: string;
  /** Positional arguments after the command words, e.g. ['ID']. */
  args?: string[];
  options?: Record<string, OptionSpec>;
  /** Options of which exactly one must be given. */
  exactlyOne?: string[];
  build: (input: { args: string[]; values: Values; io: ParseIo }) => Built;
  present?: (answer: unknown) => Presented;
}

const defined = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };

interface AuditAnswer {
  subject?: string;
  verification?: { ok?: boolean; firstBrokenSeq?: number; reason?: string };
  entries?: unknown[];
}
const auditFailure = (a: AuditAnswer) =>
  a.verification?.ok === false
    ? `audit chain of ${a.subject ?? '?'} is broken at seq ${a.verification.firstBrokenSeq ?? '?'}: ${a.verification.reason ?? 'unknown reason'}`
    : undefined;
const presentAudit =
  (withEntries: boolean) =>
  (answer: unknown): Presented => {
    const a = (answer ?? {}) as AuditAnswer;
    const failure = auditFailure(a);
    const output = withEntries
      ? { subject: a.subject, verification: a.verification, entries: a.entries }
      : { subject: a.subject, verification: a.verification, entries: Array.isArray(a.entries) ? a.entries.length : 0 };
    return failure ? { output, failure } : { output };
  };

export const COMMANDS: CommandSpec[] = [
  {
    name: 'requests list',
    route: 'listRequests',
    summary: 'the request queue by status (default open), soonest due first',
    options: { status: oneOf(REQUEST_STATUSES), ...PAGING },
    build: ({ values }) => ({ query: { status: values.status, limit: values.limit, next: values.next } }),
  },
  {
    name: 'requests show',
    route: 'getRequest',
    summary: 'one request with its history',
    args: ['ID'],
    build: ({ args }) => ({ params: { id: args[0]! } }),
  },
  {
    name: 'requests complete',
    route: 'completeRequest',
    summary: 'record the outcome, carry it out and notify the requester',
    args: ['ID'],
    options: {
      outcome: { ...oneOf(REQUEST_OUTCOMES), required: true },
      note: { meta: 'TEXT' },
      name: { meta: 'NAME', check: nonEmpty },
      email: { meta: 'EMAIL', check: nonEmpty },
      locale: oneOf(LOCALES),
    },
    build: ({ args, values }) => {
      const changes = defined({ name: values.name, email: values.email, locale: values.locale });
      return {
        params: { id: args[0]! },
        body: defined({ outcome: values.outcome, note: values.note, changes: Object.keys(changes).length ? changes : undefined }),
      };
    },
  },
  {
    name: 'disclosures add',
    route: 'recordDisclosure',
    summary: 'record a disclosure in the register',
    options: {
      recipient: { meta: 'NAME', required: true, check: nonEmpty },
      basis: { ...oneOf(LEGAL_BASES), required: true },
      categories: { meta: 'a,b', required: true, check: (v) => (list(v).length ? undefined : 'must list at least one category') },
      member: { meta: 'MEMBER_ID', check: nonEmpty },
      reference: { meta: 'REF' },
      at: { meta: 'ISO (default now)', check: isoDateTime },
      note: { meta: 'TEXT' },
    },
    build: ({ values, io }) => ({
      body: defined({
        memberId: values.member,
        recipient: values.recipient,
        legalBasis: values.basis,
        reference: values.reference,
        categories: list(values.categories!),
        disclosedAt: values.at ?? io.now().toISOString(),
        note: values.note,
      }),
    }),
  },
  {
    name: 'disclosures list',
    route: 'listDisclosures',
    summary: 'the disclosure register, newest first, or one member\u2019s disclosures',
    options: { member: { meta: 'MEMBER_ID', check: nonEmpty }, ...PAGING },
    build: ({ values }) => ({ query: { memberId: values.member, limit: values.limit, next: values.next } }),
  },
  {
    name: 'audit verify',
    route: 'getAudit',
    summary: 'check a subject\u2019s audit hash chain (exit 1 when broken) and count its entries',
    args: ['SUBJECT'],
    build: ({ args }) => ({ params: { subject: args[0]! } }),
    present: presentAudit(false),
  },
  {
    name: 'audit show',
    route: 'getAudit',
    summary: 'the verification and every audit entry of a subject',
    args: ['SUBJECT'],
    build: ({ args }) => ({ params: { subject: args[0]! } }),
    present: presentAudit(true),
  },
  {
    name: 'visits list',
    route: 'listVisits',
    summary: 'a visitor\u2019s or member\u2019s visits, newest first',
    options: { visitor: { meta: 'VISITOR_ID', check: nonEmpty }, member: { meta: 'MEMBER_ID', check: nonEmpty }, ...PAGING },
    exactlyOne: ['visitor', 'member'],
    build: ({ values }) => ({ query: { visitorId: values.visitor, memberId: values.member, limit: values.limit, next: values.next } }),
  },
  {
    name: 'policies list',
    route: 'listPolicies',
    summary: 'every policy version and the one in force',
    build: () => ({}),
  },
  {
    name: 'policies publish',
    route: 'publishPolicy',
    summary: 'publish a policy version; its SHA-256 is computed from --file',
    options: {
      version: { meta: 'V', required: true, check: nonEmpty },
      'effective-at': { meta: 'ISO', required: true, check: isoDateTime },
      // Not `--url`: that is the API every command talks to.
      'policy-url': { meta: 'URL', required: true, check: httpUrl },
      file: { meta: 'PATH_TO_POLICY_TEXT', required: true, check: nonEmpty },
      changes: { meta: 'analytics,marketing|none', required: true, check: categoryList },
      summary: { meta: 'S' },
    },
    build: ({ values, io }) => ({
      body: defined({
        version: values.version,
        effectiveAt: values['effective-at'],
        url: values['policy-url'],
        sha256: createHash('sha256').update(io.readFile(values.file!)).digest('hex'),
        changes: values.changes!.trim() === 'none' ? [] : list(values.changes!),
        summary: values.summary,
      }),
    }),
  },
];

// ---------------------------------------------------------------------------------------------
// Usage

const synopsis = (c: CommandSpec) => {
  const args = (c.args ?? []).join(' ');
  const entries = Object.entries(c.options ?? {});
  const alternatives = c.exactlyOne?.length
    ? [
        `(${entries
          .filter(([name]) => c.exactlyOne!.includes(name))
          .map(([name, o]) => `--${name} ${o.meta}`)
          .join(' | ')})`,
      ]
    : [];
  const opts = entries.filter(([name]) => !c.exactlyOne?.includes(name)).map(([name, o]) => (o.required ? `--${name} ${o.meta}` : `[--${name} ${o.meta}]`));
  return [c.name, args, ...alternatives, ...opts].filter(Boolean).join(' ');
};

export function commandUsage(c: CommandSpec): string {
  return `usage: npm run admin -- ${synopsis(c)}\n  ${c.summary}`;
}

export function usage(): string {
  return [
    'usage: npm run admin -- <command> [options]',
    '',
    'Staff tool over the admin API. Prints the JSON answer (pretty; --json for one line).',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${synopsis(c)}\n      ${c.summary}`),
    '  help',
    '      this text',
    '',
    'target (every command):',
    '  --url URL        the API (default: env PRIVACY_API_URL, else the running `npm start`; env PORT picks one of several)',
    '  --region REGION  the API\u2019s region (default: from an *.execute-api.<region>.amazonaws.com host, else env AWS_REGION)',
    '  --as staff|dpo   locally: sign in as that demo person (default: the one the command needs)',
    '  --json           compact one-line JSON',
    '',
    'Every command signs in to the staff user pool first and sends its ID token:',
    '  STAFF_USERNAME, STAFF_PASSWORD (asked for when unset), then the authenticator code when Cognito asks',
    '  (typed, or STAFF_TOTP_CODE); PRIVACY_STAFF_CLIENT_ID is the stack output StaffUserPoolClientId.',
    '  Against the running `npm start` without STAFF_USERNAME: its demo people, passwords and TOTP included.',
    'Machine (IAM) routes get AWS SigV4 with your default credentials (AWS_PROFILE, environment, SSO).',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Parsing

export type ParseResult =
  | { kind: 'help'; text: string }
  | { kind: 'usage-error'; message: string; usage: string }
  | {
      kind: 'call';
      command: string;
      call: ApiCall;
      /** The API's base URL given with --url, if any. */
      url?: string;
      region?: string;
      json: boolean;
      /** Who may call the command's route: people routes get a signed-in person's ID token, `iam` routes SigV4. */
      auth: RouteAuth;
      /** `--as staff|dpo`: locally, sign in as that demo person instead of the one the route needs. */
      as?: StaffGroup;
    };

const DEFAULT_IO: ParseIo = { now: () => new Date(), readFile: (path) => readFileSync(path) };

type ParseArgsOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

function argsConfig(commands: CommandSpec[]): NonNullable<ParseArgsOptions> {
  const options: NonNullable<ParseArgsOptions> = { ...GLOBAL_OPTIONS };
  for (const c of commands) for (const name of Object.keys(c.options ?? {})) options[name] = { type: 'string' };
  return options;
}

const routeById = new Map(ROUTES.map((r) => [r.id, r]));

/** Fills `{name}` placeholders of a route template, percent-encoding each value as one segment. */
export function fillPath(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(value);
  });
}

/** Parses `argv` (after `npm run admin --`) into the API call to make, help, or a usage error. */
export function parseCommand(argv: string[], io: ParseIo = DEFAULT_IO): ParseResult {
  const fail = (message: string, text = usage()): ParseResult => ({ kind: 'usage-error', message, usage: text });

  // First pass, lenient: find the command words wherever options sit.
  let positionals: string[];
  let help = false;
  try {
    const loose = parseArgs({ args: argv, options: argsConfig(COMMANDS), allowPositionals: true, strict: false });
    positionals = loose.positionals;
    help = loose.values.help === true;
  } catch (error) {
    return fail((error as Error).message);
  }
  if (positionals.length === 0 || positionals[0] === 'help') return { kind: 'help', text: usage() };

  const spec = COMMANDS.find((c) => c.name === positionals.slice(0, 2).join(' '));
  if (!spec) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${positionals[0]} `)).map((c) => c.name);
    const known = group.length ? `; ${positionals[0]} has: ${group.join(', ')}` : '';
    return fail(`unknown command "${positionals.slice(0, 2).join(' ')}"${known}`);
  }
  const text = commandUsage(spec);
  if (help) return { kind: 'help', text };

  // Second pass, strict: only this command's options.
  const options: NonNullable<ParseArgsOptions> = { ...GLOBAL_OPTIONS };
  for (const name of Object.keys(spec.options ?? {})) options[name] = { type: 'string' };
  let values: Values;
  let rest: string[];
  let json: boolean;
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    values = Object.fromEntries(Object.entries(parsed.values).filter(([, v]) => typeof v === 'string')) as Values;
    json = parsed.values.json === true;
    rest = parsed.positionals.slice(2);
  } catch (error) {
    return fail(`${spec.name}: ${(error as Error).message.split('. To specify')[0]}`, text);
  }

  const expected = spec.args ?? [];
  if (rest.length < expected.length) return fail(`${spec.name}: missing ${expected.slice(rest.length).join(' ')}`, text);
  if (rest.length > expected.length) return fail(`${spec.name}: unexpected argument "${rest[expected.length]}"`, text);
  for (const [i, name] of expected.entries()) if (!rest[i]!.trim()) return fail(`${spec.name}: ${name} must not be empty`, text);

  if (values.as !== undefined && values.as !== 'staff' && values.as !== 'dpo') return fail(`${spec.name}: --as must be staff or dpo`, text);
  const urlProblem = values.url !== undefined ? httpUrl(values.url) : undefined;
  if (urlProblem) return fail(`${spec.name}: --url ${urlProblem}`, text);
  for (const [name, o] of Object.entries(spec.options ?? {})) {
    const value = values[name];
    if (value === undefined) {
      if (o.required) return fail(`${spec.name}: --${name} is required`, text);
      continue;
    }
    const problem = o.check?.(value);
    if (problem) return fail(`${spec.name}: --${name} ${problem}`, text);
  }
  if (spec.exactlyOne && spec.exactlyOne.filter((name) => values[name] !== undefined).length !== 1) {
    return fail(`${spec.name}: give exactly one of ${spec.exactlyOne.map((n) => `--${n}`).join(' or ')}`, text);
  }

  let built: Built;
  try {
    built = spec.build({ args: rest, values, io });
  } catch (error) {
    // Only reading --file can fail here.
    const e = error as NodeJS.ErrnoException;
    return fail(`${spec.name}: --file cannot be read (${e.code ?? e.message})`, text);
  }
  const route = routeById.get(spec.route);
  if (!route) throw new Error(`command ${spec.name} names unknown route ${spec.route}`);
  const query = Object.fromEntries(Object.entries(built.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
  const url = values.url;
  return {
    kind: 'call',
    command: spec.name,
    call: { method: route.method, path: fillPath(route.path, built.params), query, ...(built.body !== undefined ? { body: built.body } : {}) },
    ...(url !== undefined ? { url } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
    json,
    auth: route.auth,
    ...(values.as !== undefined ? { as: values.as as StaffGroup } : {}),
  };
}

/** What to print for a command's successful answer (most commands: the answer as it came). */
export function presentAnswer(command: string, answer: unknown): Presented {
  const spec = COMMANDS.find((c) => c.name === command);
  return spec?.present ? spec.present(answer) : { output: answer };
}

// ---------------------------------------------------------------------------------------------
// Target

/** True for hosts on this machine (localhost, 127.0.0.0/8, ::1): the local server, which checks no signatures. */
export function isLoopback(url: string | URL): boolean {
  const host = (typeof url === 'string' ? new URL(url) : url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;

/**
 * The region to sign for: `explicit` (--region), else the region in an
 * `<api>.execute-api.<region>.amazonaws.com` host, else `fallback` (env AWS_REGION; needed for custom
 * domains). The host wins over the environment because a signature for the wrong region is refused.
 */
export function regionFor(url: string | URL, explicit?: string, fallback?: string): string {
  if (explicit) return explicit;
  const host = (typeof url === 'string' ? new URL(url) : url).hostname.toLowerCase();
  const fromHost = EXECUTE_API_HOST.exec(host)?.[1];
  if (fromHost) return fromHost;
  if (fallback) return fallback;
  throw new Error(`Cannot tell the AWS region of ${host}: pass --region REGION or set AWS_REGION.`);
}

// ---------------------------------------------------------------------------------------------
// Requests

export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** RFC 3986 encoding, as SigV4 canonicalises query strings. */
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The unsigned HTTP request for `call` against the API at `base` (which may carry a base path). */
export function buildRequest(base: string, call: ApiCall): OutgoingRequest {
  const target = new URL(base);
  const prefix = target.pathname.replace(/\/+$/, '');
  const search = Object.entries(call.query)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .join('&');
  const url = `${target.origin}${prefix}${call.path}${search ? `?${search}` : ''}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (call.body === undefined) return { method: call.method, url, headers };
  return { method: call.method, url, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(call.body) };
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
export type CredentialSource = Credentials | (() => Promise<Credentials>);

/**
 * `request` signed with SigV4 for API Gateway (`execute-api`): the body's hash, `host` and (with a
 * body) `content-type` are signed. The result still has a `host` header; fetch sets the same value
 * from the URL itself and refuses to take it from the caller.
 */
export async function signedRequest(
  request: OutgoingRequest,
  options: { region: string; credentials: CredentialSource; date?: Date },
): Promise<OutgoingRequest> {
  const url = new URL(request.url);
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prior = query[k];
    query[k] = prior === undefined ? v : [...(Array.isArray(prior) ? prior : [prior]), v];
  }
  const unsigned = new HttpRequest({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query,
    headers: { ...request.headers, host: url.host },
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  const signer = new SignatureV4({ service: 'execute-api', region: options.region, credentials: options.credentials, sha256: Sha256 });
  const signed = await signer.sign(unsigned, {
    ...(options.date ? { signingDate: options.date } : {}),
    signableHeaders: new Set(['host', 'content-type']),
  });
  return { ...request, headers: { ...(signed.headers as Record<string, string>) } };
}

// ---------------------------------------------------------------------------------------------
// Errors

interface ApiErrorBody {
  error?: { code?: string; message?: string; issues?: { path?: string; message?: string }[] };
}

/** An API error answer as lines for stderr: `HTTP 400 validation_failed: message`, then one per issue. */
export function describeApiError(status: number, body: unknown): string {
  const error = (body as ApiErrorBody | undefined)?.error;
  if (!error) return `HTTP ${status}${typeof body === 'string' && body ? `: ${body.slice(0, 500)}` : ''}`;
  const head = `HTTP ${status} ${error.code ?? 'error'}: ${error.message ?? ''}`.trimEnd();
  const issues = (error.issues ?? []).map((i) => `  - ${i.path ? `${i.path}: ` : ''}${i.message ?? ''}`);
  return [head, ...issues].join('\n');
}
