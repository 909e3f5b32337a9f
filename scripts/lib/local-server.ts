/**
 * The local HTTP server: serves the route table by invoking the real handlers in-process with
 * API Gateway (HTTP API, payload v2) events, and answers CORS exactly as the stage settings tell
 * API Gateway to. People routes (`staff`, `dpo`) need a valid ID token of the emulator's staff pool,
 * checked as the stack's JWT authoriser checks it; IAM-authorised (machine) routes are served without
 * signature checks, which is why the server listens on loopback only.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { confirmingSystems, corsSettings, REPO_ROOT, type StageSettings } from '../../infra/stage-config';
import { ROUTES, routeKey, type RouteDef } from '../../shared/routes';
import { localStaffAuth, staffTokenVerifier, type StaffAuthConfig, type TokenCheck } from './local-staff-auth';

/** API Gateway's own payload limit for HTTP APIs. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** Who an IAM (machine) route sees as its caller locally, where nobody signs calls. */
export const LOCAL_CALLER_ARN = 'arn:aws:iam::000000000000:user/local-machine-caller';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2 | string>;

interface CompiledRoute {
  route: RouteDef;
  pattern: RegExp;
}

export function compileRoutes(routes: RouteDef[]): CompiledRoute[] {
  return routes.map((route) => ({
    route,
    pattern: new RegExp(`^${route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`),
  }));
}

const TEXT_TYPES = /^(application\/(json|x-www-form-urlencoded|[\w.+-]+\+json)|text\/)/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** As API Gateway does: text bodies arrive as strings, anything else (or invalid UTF-8) as base64. */
function encodeBody(bytes: Buffer, contentType: string | undefined): { body?: string; isBase64Encoded: boolean } {
  if (bytes.length === 0) return { isBase64Encoded: false };
  if (contentType && TEXT_TYPES.test(contentType)) {
    try {
      return { body: utf8.decode(bytes), isBase64Encoded: false };
    } catch {
      // fall through: binary
    }
  }
  return { body: bytes.toString('base64'), isBase64Encoded: true };
}

/**
 * Locally nobody signs calls, so a test or a person acts as a joint-marketing partner with the header
 * `x-local-partner: <partner id>`: the caller becomes that partner's IAM principal from the stage
 * settings, as API Gateway's IAM authoriser would report it. Without it an IAM route sees LOCAL_CALLER_ARN.
 */
export const LOCAL_PARTNER_HEADER = 'x-local-partner';
/** Likewise `x-local-system: <event consumer id>` acts as that system's confirming role (fulfilment). */
export const LOCAL_SYSTEM_HEADER = 'x-local-system';

export function toApiGatewayEvent(
  req: { method: string; url: URL; headers: IncomingMessage['headers']; body: Buffer; sourceIp: string },
  route: RouteDef,
  pathParameters: Record<string, string>,
  partners: StageSettings['partners'] = [],
  /** For people routes: the verified token's claims, as the JWT authoriser passes them on. */
  jwtClaims?: Record<string, string>,
  systems: { id: string; principalArn: string }[] = [],
): APIGatewayProxyEventV2 {
  const asPartner = partners.find((p) => p.id === req.headers[LOCAL_PARTNER_HEADER]);
  const asSystem = systems.find((s) => s.id === req.headers[LOCAL_SYSTEM_HEADER]);
  const callerArn = asPartner?.principalArn ?? asSystem?.principalArn ?? LOCAL_CALLER_ARN;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of req.url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const now = new Date();
  const requestId = randomUUID();
  const cookies = req.headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .filter(Boolean);
  return {
    version: '2.0',
    routeKey: routeKey(route),
    rawPath: req.url.pathname,
    rawQueryString: req.url.search.slice(1),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: { method: req.method, path: req.url.pathname, protocol: 'HTTP/1.1', sourceIp: req.sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId,
      routeKey: routeKey(route),
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(route.auth === 'iam'
        ? { authorizer: { iam: { userArn: callerArn, accountId: '000000000000', callerId: 'local', principalOrgId: null, userId: 'local' } } }
        : {}),
      // An ID token carries no OAuth scopes; API Gateway then passes `scopes: null`.
      ...((route.auth === 'staff' || route.auth === 'dpo') && jwtClaims ? { authorizer: { jwt: { claims: jwtClaims, scopes: null } } } : {}),
    } as APIGatewayProxyEventV2['requestContext'],
    ...encodeBody(req.body, headers['content-type']),
  } as APIGatewayProxyEventV2;
}

function lambdaContext(route: RouteDef, requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: route.id,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${route.id}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/local/${route.id}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 10_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_PAYLOAD_BYTES ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: string) {
  res.writeHead(status, headers);
  res.end(body);
}

const errorBody = (code: string, message: string) => JSON.stringify({ error: { code, message } });

/** Path parameters percent-decoded, or undefined when an escape is malformed or not UTF-8. */
export function decodePathParameters(groups: Record<string, string>): Record<string, string> | undefined {
  try {
    return Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, decodeURIComponent(v)]));
  } catch {
    return undefined;
  }
}

export interface LocalServerOptions {
  settings: StageSettings;
  port: number;
  routes?: RouteDef[];
  /** Extra non-API handlers (e.g. static pages) tried before the route table. */
  extra?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> | boolean;
  /** The staff pool people routes' tokens must come from; default: the pool of this process's local mode. */
  staffAuth?: StaffAuthConfig;
}

/**
 * API Gateway's JWT authoriser answers a missing, malformed, expired or foreign token itself, before
 * any function runs: 401 with this body and a `www-authenticate` header.
 */
const UNAUTHORIZED_BODY = JSON.stringify({ message: 'Unauthorized' });
const wwwAuthenticate = (reason: string) =>
  reason === 'no bearer token' ? 'Bearer' : `Bearer error="invalid_token" error_description="${reason.replace(/["\\]/g, '')}"`;

export async function startLocalServer(options: LocalServerOptions): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const compiled = compileRoutes(options.routes ?? ROUTES);
  const cors = corsSettings(options.settings);
  const handlers = new Map<string, Promise<Handler>>();
  // One verifier per pool (it caches the pool's JWKS); the pool is looked up per request, since a
  // reset emulator (the fuzz does that) comes back with a new one.
  const verifiers = new Map<string, (authorization: string | undefined) => Promise<TokenCheck>>();
  const checkStaffToken = (authorization: string | undefined): Promise<TokenCheck> => {
    const config = options.staffAuth ?? localStaffAuth();
    if (!config) return Promise.resolve({ ok: false, reason: 'no staff user pool in this local mode' });
    if (!verifiers.has(config.userPoolId)) verifiers.set(config.userPoolId, staffTokenVerifier(config));
    return verifiers.get(config.userPoolId)!(authorization);
  };
  const handlerFor = (route: RouteDef) => {
    if (!handlers.has(route.handler)) {
      const file = pathToFileURL(join(REPO_ROOT, 'functions', `${route.handler}.ts`)).href;
      handlers.set(
        route.handler,
        import(file).then((m: { handler: Handler }) => m.handler),
      );
    }
    return handlers.get(route.handler)!;
  };

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
      const origin = req.headers.origin;
      const corsHeaders: Record<string, string> =
        origin && cors.allowOrigins.includes(origin)
          ? { 'access-control-allow-origin': origin, 'access-control-expose-headers': cors.exposeHeaders.join(','), vary: 'origin' }
          : {};
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
        return send(res, 204, {
          ...corsHeaders,
          ...(corsHeaders['access-control-allow-origin']
            ? {
                'access-control-allow-methods': cors.allowMethods.join(','),
                'access-control-allow-headers': cors.allowHeaders.join(','),
                'access-control-max-age': String(cors.maxAgeSeconds),
              }
            : {}),
        });
      }
      if (options.extra && (await options.extra(req, res, url))) return;
      const matches = compiled.map((c) => ({ c, m: c.pattern.exec(url.pathname) })).filter((x) => x.m);
      const hit = matches.find((x) => x.c.route.method === req.method);
      if (!hit) {
        return matches.length
          ? send(
              res,
              405,
              { 'content-type': 'application/json', ...corsHeaders },
              errorBody('method_not_allowed', `${req.method} is not allowed on ${url.pathname}`),
            )
          : send(res, 404, { 'content-type': 'application/json', ...corsHeaders }, errorBody('not_found', `No route for ${req.method} ${url.pathname}`));
      }
      const body = await readBody(req);
      if (body === 'too_large') {
        return send(res, 413, { 'content-type': 'application/json', ...corsHeaders }, errorBody('payload_too_large', 'Request bodies are limited to 10 MB'));
      }
      const pathParameters = decodePathParameters(hit.m!.groups ?? {});
      if (!pathParameters) {
        // API Gateway refuses a path whose percent-escapes are not UTF-8 with a 400 before any function runs.
        return send(
          res,
          400,
          { 'content-type': 'application/json', ...corsHeaders },
          errorBody('invalid_encoding', 'The path holds a malformed percent-escape'),
        );
      }
      let jwtClaims: Record<string, string> | undefined;
      if (hit.c.route.auth === 'staff' || hit.c.route.auth === 'dpo') {
        const check = await checkStaffToken(req.headers.authorization);
        if (!check.ok) {
          return send(res, 401, { 'content-type': 'application/json', 'www-authenticate': wwwAuthenticate(check.reason), ...corsHeaders }, UNAUTHORIZED_BODY);
        }
        jwtClaims = check.claims;
      }
      const event = toApiGatewayEvent(
        { method: req.method!, url, headers: req.headers, body, sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1' },
        hit.c.route,
        pathParameters,
        options.settings.partners,
        jwtClaims,
        confirmingSystems(options.settings),
      );
      const handler = await handlerFor(hit.c.route);
      const result = await handler(event, lambdaContext(hit.c.route, event.requestContext.requestId));
      const structured = typeof result === 'string' ? { statusCode: 200, body: result } : result;
      const headers = Object.fromEntries(Object.entries(structured.headers ?? {}).map(([k, v]) => [k, String(v)]));
      const payload = structured.isBase64Encoded && structured.body ? Buffer.from(structured.body, 'base64') : structured.body;
      res.writeHead(structured.statusCode ?? 200, { ...headers, ...corsHeaders });
      res.end(payload);
    } catch (error) {
      // API Gateway answers a crashed integration with 500 too; the stack trace stays in the log.
      console.error(error);
      if (!res.headersSent) send(res, 500, { 'content-type': 'application/json' }, errorBody('internal', 'Internal error'));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
