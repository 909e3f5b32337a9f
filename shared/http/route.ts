/**
 * The middleware chain every HTTP handler shares, in one place:
 *   header normalisation -> request log -> security headers -> error mapping -> staff access -> the route's guard, if any -> input parsing.
 * Input parsing reads the body (JSON, or text/plain where a route allows it, for sendBeacon), checks
 * size, encoding (UTF-8, no unpaired surrogates anywhere in body, path or query) and content type, and
 * validates body, path and query with zod. Failures become 4xx
 * answers with a machine-readable body; the handler only ever sees valid input.
 *
 * CORS is not here: API Gateway answers it from the stage settings (the local server emulates the
 * same settings), so there is one CORS configuration, not two.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { Issue } from '../domain/errors';
import { actorName, mayUse, parseGroupsClaim, type StaffMember } from '../domain/staff-access';
import { log } from '../log';
import type { RouteAuth } from '../routes';
import { errorAnswer, HttpError } from './errors';

type Schema<T> = z.ZodMiniType<T>;

export interface InputSpec<B, P, Q> {
  body?: Schema<B>;
  path?: Schema<P>;
  query?: Schema<Q>;
  /** Largest body accepted, in bytes (after base64 decoding). */
  maxBodyBytes?: number;
  /** Also accept `text/plain` bodies holding JSON (navigator.sendBeacon sends those). */
  acceptTextPlain?: boolean;
  /** Also accept form posts (urlencoded or multipart), read as an object of strings. */
  acceptForm?: boolean;
  /**
   * The route's `auth` from the route table. For `staff` and `dpo` the caller's group is checked
   * before anything else runs (401 without verified claims, 403 for the wrong group).
   */
  auth?: RouteAuth;
  /**
   * Checked before the input is read: throws an HttpError to refuse the request (e.g. a function
   * behind CloudFront refusing requests that did not come through it, whatever their body).
   */
  guard?: (event: APIGatewayProxyEventV2) => void | Promise<void>;
  /**
   * A hand-written check of a hot route's body that returns what `body` would, or undefined when it
   * cannot vouch for the value (then `body` decides and words the 400). It must never accept what
   * `body` refuses: each has a test holding the two to the same answers.
   */
  fastBody?: (value: unknown) => B | undefined;
  /**
   * Answer a 500 just before Lambda's own timeout (middy's early timeout: a timer and a race on every
   * request). On by default; a route whose callers never read the answer (sendBeacon) turns it off
   * and leaves the timeout to Lambda, which ends and logs the invocation all the same.
   */
  answerBeforeTimeout?: boolean;
}

export type Input<B, P, Q> = { body: B; path: P; query: Q };
export type ParsedEvent<B = undefined, P = undefined, Q = undefined> = APIGatewayProxyEventV2 & { input: Input<B, P, Q> };

const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

/** Turns zod issues into `{ path, message }` pairs a client can show next to a field. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): Issue[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const custom = issue.message && issue.message !== 'Invalid input' ? issue.message : undefined;
    switch (issue.code) {
      case 'invalid_type':
        return { path, message: custom ?? `expected ${issue.expected}` };
      case 'unrecognized_keys':
        return { path, message: `unknown field(s): ${issue.keys.join(', ')}` };
      case 'invalid_value':
        return { path, message: custom ?? `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` };
      case 'too_small':
        return { path, message: custom ?? `must have at least ${issue.minimum} ${issue.origin === 'array' ? 'items' : 'characters'}` };
      case 'too_big':
        return { path, message: custom ?? `must have at most ${issue.maximum} ${issue.origin === 'array' ? 'items' : 'characters'}` };
      case 'invalid_format':
        return { path, message: custom ?? `must be a valid ${issue.format}` };
      case 'invalid_union': {
        const { discriminator, options } = issue as unknown as { discriminator?: string; options?: unknown[] };
        if (discriminator && options) {
          const at = issue.path.at(-1) === discriminator ? path : path ? `${path}.${discriminator}` : discriminator;
          return { path: at, message: `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}` };
        }
        return { path, message: custom ?? 'does not match any allowed shape' };
      }
      default:
        return { path, message: custom ?? 'is invalid' };
    }
  });
}

function validate<T>(schema: Schema<T>, value: unknown, where: 'body' | 'path' | 'query'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = describeIssues(result.error.issues).map((i) => ({ ...i, path: i.path ? `${where}.${i.path}` : where }));
  throw new HttpError(400, 'validation_failed', `The request ${where} is invalid`, issues);
}

function validBody<B>(spec: InputSpec<B, unknown, unknown>, value: unknown): B {
  const fast = spec.fastBody?.(value);
  return fast !== undefined ? fast : validate(spec.body!, value, 'body');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

async function readBody(event: APIGatewayProxyEventV2, spec: InputSpec<unknown, unknown, unknown>): Promise<unknown> {
  if (event.body === undefined || event.body === null || event.body === '') {
    throw new HttpError(400, 'missing_body', 'A request body is required');
  }
  const rawType = event.headers['content-type'] ?? '';
  const contentType = rawType.split(';')[0]!.trim().toLowerCase();
  const isJson = contentType === 'application/json' || contentType.endsWith('+json');
  const isForm = spec.acceptForm === true && (contentType === 'application/x-www-form-urlencoded' || contentType === 'multipart/form-data');
  if (!isJson && !isForm && !(spec.acceptTextPlain && contentType === 'text/plain')) {
    const accepted = [
      'application/json',
      ...(spec.acceptTextPlain ? ['text/plain'] : []),
      ...(spec.acceptForm ? ['application/x-www-form-urlencoded', 'multipart/form-data'] : []),
    ].join(' or ');
    throw new HttpError(415, 'unsupported_media_type', `Content-Type must be ${accepted}`);
  }
  // A text body is already a string: it is measured and read as one, not copied into a Buffer and
  // decoded back (the beacon's hot path). Only base64 bodies are bytes that may not be UTF-8.
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : undefined;
  const size = bytes ? bytes.length : Buffer.byteLength(event.body, 'utf8');
  const max = spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (size > max) throw new HttpError(413, 'payload_too_large', `The body must be at most ${max} bytes`);
  if (contentType === 'multipart/form-data') {
    // RFC 8058 one-click posts may come as multipart; the platform's own parser reads them.
    try {
      const form = await new Response(bytes ?? Buffer.from(event.body, 'utf8'), { headers: { 'content-type': rawType } }).formData();
      return requireWellFormed(Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string')), 'body');
    } catch {
      throw new HttpError(400, 'invalid_form', 'The multipart form body cannot be read');
    }
  }
  let text: string;
  if (bytes) {
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new HttpError(400, 'invalid_encoding', 'The body must be UTF-8');
    }
  } else {
    text = asDecodedUtf8(event.body);
  }
  if (isForm) return requireWellFormed(Object.fromEntries(new URLSearchParams(text)), 'body');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid JSON');
  }
  // Strict UTF-8 decoding never yields a lone surrogate: only a JSON escape of one can, so a body
  // without such an escape needs no walk (the beacon route, the hot path, rarely has one).
  return SURROGATE_ESCAPE.test(text) ? requireWellFormed(value, 'body') : value;
}

/**
 * The string a UTF-8 round trip of a text body gives, as reading it as bytes did: unpaired
 * surrogates become U+FFFD (what the encoder writes for them) and a leading byte-order mark goes
 * (the decoder drops it).
 */
function asDecodedUtf8(body: string): string {
  const text = (body as WellFormedCheck).isWellFormed() ? body : body.replace(LONE_SURROGATES, '\uFFFD');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const LONE_SURROGATES = /[\uD800-\uDFFF]/gu;
/** ES2024's native check (Node 20 has it; the project's TypeScript lib is ES2023). */
type WellFormedCheck = string & { isWellFormed(): boolean };

/** A `\uD800`-`\uDFFF` escape somewhere in JSON text (or a look-alike after an escaped backslash: walked too). */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** In `u` mode a surrogate class matches only unpaired halves: a well-formed pair is one code point. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Where in a parsed value a string (or key) holds a lone UTF-16 surrogate, or undefined. A walk with
 * its own stack, not recursion: valid JSON nested thousands deep must get its 4xx from validation,
 * not a RangeError from the call stack.
 */
function loneSurrogateAt(root: unknown, rootPath: string): string | undefined {
  const pending: [unknown, string][] = [[root, rootPath]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return path;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const children = Object.entries(value).map(([key, child]) => [key, child, path ? `${path}.${key}` : key] as const);
    const badKey = children.find(([key]) => LONE_SURROGATE.test(key));
    if (badKey) return badKey[2];
    // Reversed onto the stack, so the first child is looked at first.
    for (const [, child, at] of children.reverse()) pending.push([child, at]);
  }
  return undefined;
}

/**
 * One rule for every route: a lone surrogate (JSON allows `"\udfff"`) is not text. It cannot be
 * encoded as UTF-8 for a store, a mail or a log, so it is refused here with a clear 400 rather than
 * failing somewhere deeper with a 500.
 */
function requireWellFormed<T>(value: T, where: 'body' | 'path' | 'query'): T {
  const at = loneSurrogateAt(value, where);
  if (at)
    throw new HttpError(400, 'invalid_encoding', 'Text must be well-formed Unicode (no unpaired UTF-16 surrogates)', [
      { path: at, message: 'holds an unpaired surrogate' },
    ]);
  return value;
}

const parseInput = <B, P, Q>(spec: InputSpec<B, P, Q>): MiddlewareObj<ParsedEvent<B, P, Q>> => ({
  name: 'parseInput',
  before: async ({ event }) => {
    const path = requireWellFormed(event.pathParameters ?? {}, 'path');
    const query = requireWellFormed(event.queryStringParameters ?? {}, 'query');
    event.input = {
      body: (spec.body ? validBody(spec, await readBody(event, spec)) : undefined) as B,
      path: (spec.path ? validate(spec.path, path, 'path') : undefined) as P,
      query: (spec.query ? validate(spec.query, query, 'query') : undefined) as Q,
    };
  },
});

const SECURITY_HEADERS: Record<string, string> = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

const securityHeaders = (): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> => {
  const apply = (request: { response: APIGatewayProxyResultV2 | null }) => {
    const response = request.response;
    if (!response || typeof response !== 'object') return;
    // Personal data must not sit in shared caches unless a route says otherwise.
    response.headers = { 'cache-control': 'no-store', ...SECURITY_HEADERS, ...response.headers };
  };
  return { name: 'securityHeaders', after: apply, onError: apply };
};

/** Maps any error to the shared error body; runs first among onError hooks, being attached last. */
const httpErrors = (): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> => ({
  name: 'httpErrors',
  onError: (request) => {
    const { status, body } = errorAnswer(request.error);
    if (status >= 500) {
      // Name and stack frames only: messages of SDK errors can echo keys (visitor ids, emails) back.
      const frames = request.error?.stack
        ?.split('\n')
        .filter((line) => line.trimStart().startsWith('at '))
        .join('\n');
      log.error('unhandled', { route: request.event.routeKey, error: request.error?.name, stack: frames });
    }
    request.response = { statusCode: status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
  },
});

/**
 * One line per request, without personal data: route, status, duration, request id. On a hot path
 * (REQUEST_LOG_SAMPLE, set from the route's `runtime`) only that share of successful requests is
 * logged; a 4xx or 5xx always is.
 */
const requestLog = (): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> => {
  // Keyed by event: the local server may run several invocations of one handler at once.
  const started = new WeakMap<object, number>();
  const sample = Number(process.env.REQUEST_LOG_SAMPLE ?? 1);
  const share = Number.isFinite(sample) ? sample : 1;
  const write = (request: { event: APIGatewayProxyEventV2; response: APIGatewayProxyResultV2 | null }) => {
    const status = typeof request.response === 'object' && request.response ? request.response.statusCode : undefined;
    if (status !== undefined && status < 400 && !(Math.random() < share)) return;
    const ms = Date.now() - (started.get(request.event) ?? Date.now());
    log.info('request', { route: request.event.routeKey, status, ms, requestId: request.event.requestContext?.requestId });
  };
  return {
    name: 'requestLog',
    before: ({ event }) => {
      started.set(event, Date.now());
    },
    after: write,
    onError: write,
  };
};

type JwtClaims = Record<string, unknown>;

/** The claims API Gateway's JWT authoriser verified (locally: the local server), or undefined. */
function jwtClaims(event: APIGatewayProxyEventV2): JwtClaims | undefined {
  const ctx = event.requestContext as unknown as { authorizer?: { jwt?: { claims?: JwtClaims } } } | undefined;
  const claims = ctx?.authorizer?.jwt?.claims;
  return claims && typeof claims === 'object' ? claims : undefined;
}

const SIGN_IN_FIRST = 'Sign in first: this route needs a staff ID token (Authorization: Bearer <token>)';

function memberFromClaims(claims: JwtClaims): StaffMember | undefined {
  // The JWT authoriser also lets the pool's access tokens through (they name the client too); only
  // ID tokens are accepted, as the local server does, so both modes answer alike.
  if (claims.token_use !== undefined && claims.token_use !== 'id') return undefined;
  const username = claims['cognito:username'];
  if (typeof username !== 'string' || username === '') return undefined;
  const email = typeof claims.email === 'string' && claims.email !== '' ? claims.email : undefined;
  return { username, ...(email ? { email } : {}), groups: parseGroupsClaim(claims['cognito:groups']) };
}

/**
 * The group check of people routes. API Gateway's JWT authoriser has already verified the token's
 * signature, expiry, issuer and client; which group may do what is decided here, from the route table.
 */
const staffAccess = (auth: RouteAuth | undefined): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> => ({
  name: 'staffAccess',
  before: ({ event }) => {
    const claims = jwtClaims(event);
    if (auth !== 'staff' && auth !== 'dpo') {
      // Fail closed: a person's token reached a handler that never said which group may use it.
      if (claims) throw new HttpError(403, 'forbidden', 'This route does not say which staff group may use it');
      return;
    }
    const member = claims && memberFromClaims(claims);
    if (!member) throw new HttpError(401, 'unauthorized', SIGN_IN_FIRST);
    if (!mayUse(auth, member.groups)) {
      throw new HttpError(
        403,
        'forbidden',
        auth === 'dpo'
          ? 'Only the data protection officer may do this (group dpo, signed in with an authenticator code)'
          : 'Only shop staff may do this (group staff or dpo)',
      );
    }
  },
});

/**
 * Header names in lower case, as handlers read them. HTTP APIs (payload 2.0) already send them so:
 * such an event is left as it is; any other (tests, tools) gets a lower-cased copy.
 */
const lowerCaseHeaders = (): MiddlewareObj<APIGatewayProxyEventV2> => ({
  name: 'lowerCaseHeaders',
  before: ({ event }) => {
    const headers = event.headers;
    if (!headers || Object.keys(headers).every((name) => name === name.toLowerCase())) return;
    const lowered: typeof headers = {};
    for (const [name, value] of Object.entries(headers)) lowered[name.toLowerCase()] = value;
    event.headers = lowered;
  },
});

/** Start of every HTTP handler: `route({ body: Schema }).handler(async (event) => ...)`. */
export const route = <B = undefined, P = undefined, Q = undefined>(spec: InputSpec<B, P, Q> = {}) => {
  const chain = middy<ParsedEvent<B, P, Q>, APIGatewayProxyResultV2>(spec.answerBeforeTimeout === false ? { timeoutEarlyInMillis: 0 } : {})
    .use(lowerCaseHeaders() as MiddlewareObj<ParsedEvent<B, P, Q>>)
    .use(requestLog() as MiddlewareObj<ParsedEvent<B, P, Q>>)
    .use(securityHeaders() as MiddlewareObj<ParsedEvent<B, P, Q>>)
    .use(httpErrors() as MiddlewareObj<ParsedEvent<B, P, Q>>)
    .use(staffAccess(spec.auth) as MiddlewareObj<ParsedEvent<B, P, Q>>);
  const { guard } = spec;
  // Only where a route has one: the other routes' chains stay as short as they were.
  if (guard) chain.use({ name: 'guard', before: ({ event }) => guard(event) } as MiddlewareObj<ParsedEvent<B, P, Q>>);
  return chain.use(parseInput(spec));
};

/** The signed-in person calling a `staff` or `dpo` route (the middleware has checked the group). */
export function staffOf(event: APIGatewayProxyEventV2): StaffMember {
  const claims = jwtClaims(event);
  const member = claims && memberFromClaims(claims);
  if (!member) throw new HttpError(401, 'unauthorized', SIGN_IN_FIRST);
  return member;
}

/** How request history and the audit trail name the person calling a people route. */
export const staffActor = (event: APIGatewayProxyEventV2): string => actorName(staffOf(event));

/** Who called an IAM-authorised route (in AWS, the caller's ARN; locally, LOCAL_CALLER_ARN or a partner's). */
export function callerOf(event: APIGatewayProxyEventV2): string {
  const ctx = event.requestContext as unknown as { authorizer?: { iam?: { userArn?: string } } };
  return ctx.authorizer?.iam?.userArn ?? 'unknown';
}
