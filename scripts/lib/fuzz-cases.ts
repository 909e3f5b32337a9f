/**
 * Request generators for `npm run fuzz`: for each public route of the route table, a fast-check
 * arbitrary that mixes valid requests with hostile ones (bad JSON, wrong types, huge and tiny sizes,
 * lone surrogates and invalid UTF-8, wrong content types, odd paths, percent-escapes, queries and
 * headers). Routes without a valid-request builder below still get every generic case, so a public
 * route added to the table is fuzzed from the start. All data is made up (example.com addresses).
 */
import fc from 'fast-check';
import { REQUEST_TYPES } from '../../shared/domain/request-types';
import type { RouteDef } from '../../shared/routes';

export interface FuzzRequest {
  /** The generator that made it, e.g. `bad-json` or `odd-path`: the "kind" a 5xx is reported under. */
  kind: string;
  method: string;
  /** Sent as is (latin1 bytes on the wire), so it may hold raw non-ASCII bytes and broken escapes. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/**
 * API Gateway refuses a request line plus headers over 10 KB before any function runs, so longer URLs
 * would test only the local HTTP server: generated paths and queries stay below this.
 */
const MAX_URL_CHARS = 9_000;
const capUrl = (url: string) => (url.length > MAX_URL_CHARS ? url.slice(0, MAX_URL_CHARS) : url);

/** One above the local server's (and API Gateway's) 10 MB payload limit. */
export const OVERSIZED_BYTES = 10 * 1024 * 1024 + 1;
const OVERSIZED = Buffer.alloc(OVERSIZED_BYTES, 0x61);

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

// --- strings -------------------------------------------------------------------------------------

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const idOf = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: min, maxLength: max });
const visitorId = idOf(8, 40);
const base64url = (min: number, max: number) => idOf(min, max);

/** Strings that have broken parsers, loggers and databases elsewhere. */
const NASTY = [
  '\ud800',
  '\udfff',
  'a\ud83d',
  '\ude00b',
  '\u0000',
  '\u202eevil',
  '\ufeff',
  'ทดสอบภาษาไทย ๑๒๓',
  '😀👩‍👩‍👧',
  '\r\nX-Injected: 1',
  '</script><script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style probe, meant literally
  '${jndi:ldap://example.com/a}',
  '%00%ff',
  '\\u0000',
  '"',
  ' ',
  '',
];
export const oddText = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff'), fc.string({ maxLength: 10 })).map(([a, s, b]) => a + s + b),
  fc.integer({ min: 1_000, max: 70_000 }).map((n) => 'x'.repeat(n)),
);

/** Percent-escapes and path tricks for path parameters and segments. */
const ODD_SEGMENTS = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%00',
  '%2F',
  '%252F',
  '..',
  '.',
  '%2e%2e',
  '%u0041',
  '%F0%9F%98',
  '%ED%A0%80',
  '\u00ff\u00fe',
  '\u00e0\u00b8\u0081',
];
const oddSegment = fc.oneof(
  fc.constantFrom(...ODD_SEGMENTS),
  fc.tuple(visitorId, fc.constantFrom(...ODD_SEGMENTS)).map(([a, b]) => a + b),
  fc.integer({ min: 129, max: 8_000 }).map((n) => 'v'.repeat(n)),
  fc.string({ unit: fc.constantFrom(..."%AZaz09-_.~!$&'()*+,;=:@"), minLength: 1, maxLength: 30 }),
);

// --- bodies --------------------------------------------------------------------------------------

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
const form = (fields: Record<string, string>) => Buffer.from(new URLSearchParams(fields).toString(), 'utf8');

/** Replaces one field of an object (at any depth) by a value of the wrong type, or drops it. */
function mutateField(value: unknown): fc.Arbitrary<unknown> {
  if (!value || typeof value !== 'object') return fc.anything();
  const keys = Object.keys(value);
  if (!keys.length) return fc.anything();
  return fc.tuple(fc.constantFrom(...keys), fc.oneof(fc.anything(), fc.constant(undefined), fc.constant(null), oddText)).chain(([key, replacement]) => {
    const inner = (value as Record<string, unknown>)[key];
    const deeper = inner && typeof inner === 'object' ? mutateField(inner) : fc.constant(replacement);
    return fc.boolean().chain((goDeeper) =>
      (goDeeper ? deeper : fc.constant(replacement)).map((v) => {
        const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...value };
        if (v === undefined) delete copy[key];
        else copy[key] = v;
        return copy;
      }),
    );
  });
}

/** Puts odd text into one string field (at any depth). */
function oddStringField(value: unknown): fc.Arbitrary<unknown> {
  if (typeof value === 'string') return oddText;
  if (!value || typeof value !== 'object') return fc.constant(value);
  const keys = Object.keys(value);
  if (!keys.length) return fc.constant(value);
  return fc.constantFrom(...keys).chain((key) =>
    oddStringField((value as Record<string, unknown>)[key]).map((v) => {
      const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...value };
      copy[key] = v;
      return copy;
    }),
  );
}

/** JSON text that does not parse, or parses into something no schema wants. */
const badJson = fc.oneof(
  fc.constantFrom(
    '{oops',
    '{"a":',
    '[',
    '{"a":1,}',
    "{'a':1}",
    'undefined',
    'NaN',
    '{"a":1}{"b":2}',
    '\u0000',
    '{"__proto__":{"polluted":true}}',
    'null',
    '"text"',
    '[]',
    '-0',
    '1e999',
  ),
  fc.json().map((text) => text.slice(0, Math.max(1, text.length - 1))),
  fc.string({ maxLength: 80 }),
  fc.integer({ min: 1_000, max: 100_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 1_000, max: 50_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
);

/** Bytes that are not valid UTF-8 (or valid only in other encodings), placed inside a JSON string. */
const INVALID_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf0, 0x9f, 0x98],
  [0x80],
].map((b) => Buffer.from(b));
function withInvalidUtf8(valid: Buffer): fc.Arbitrary<Buffer> {
  return fc.tuple(fc.constantFrom(...INVALID_UTF8), fc.nat()).map(([bad, at]) => {
    // Inside the first string value when there is one, so the JSON is otherwise well-formed.
    const quote = valid.indexOf(0x22, valid.indexOf(0x3a));
    const where = quote >= 0 ? quote + 1 : at % (valid.length + 1);
    return Buffer.concat([valid.subarray(0, where), bad, valid.subarray(where)]);
  });
}

const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

// --- valid requests per route --------------------------------------------------------------------

interface Valid {
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A JSON body (sent as application/json unless `form` is set). */
  body?: unknown;
  form?: Record<string, string>;
}

const email = fc.tuple(idOf(1, 20), fc.constantFrom('example.com', 'example.org', 'shop.example.com')).map(([local, domain]) => `${local}@${domain}`);
const forgedToken = (purpose: string) =>
  fc
    .tuple(
      fc.record({ p: fc.constantFrom(purpose, 'request', 'unsubscribe', 'export'), d: fc.anything(), exp: fc.option(fc.integer(), { nil: undefined }) }),
      base64url(43, 43),
    )
    .map(([claims, sig]) => `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`);
const anyToken = (purpose: string) => fc.oneof(forgedToken(purpose), base64url(1, 200), fc.constantFrom('a.b', '.', `${'A'.repeat(2049)}.${'B'.repeat(43)}`));
const isoTime = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());

const visitEvent = fc.oneof(
  fc.record({ type: fc.constant('pageview'), path: fc.constantFrom('/', '/products/1', '/search?q=x#y'), title: fc.string({ maxLength: 30 }), at: isoTime }),
  fc.record({ type: fc.constant('search'), searchKind: fc.constantFrom('product', 'brand'), query: fc.string({ maxLength: 30 }) }),
  fc.record({ type: fc.constant('leave'), path: fc.constant('/'), durationMs: fc.integer({ min: 0, max: 86_400_000 }) }),
  fc.record({ type: fc.constant('order'), orderId: idOf(1, 20), total: fc.integer({ min: 0, max: 100_000 }) }),
);

const VALID: Record<string, fc.Arbitrary<Valid>> = {
  captureConsent: fc
    .record({
      visitorId,
      choices: fc.record({ necessary: fc.constant(true), analytics: fc.boolean(), marketing: fc.boolean() }),
      collectionMethod: fc.constantFrom('banner', 'settings', 'api'),
      gpc: fc.boolean(),
    })
    .map(({ gpc, ...body }) => ({
      path: '/v1/consents',
      body: { ...body, policyVersion: '2024-01' },
      ...(gpc ? { headers: { 'sec-gpc': '1' } } : {}),
    })),
  getConsent: visitorId.map((id) => ({ path: `/v1/consents/${id}` })),
  recordVisits: fc
    .record({
      visitorId,
      sessionId: idOf(1, 30),
      consentToken: fc.option(forgedToken('consent'), { nil: undefined }),
      events: fc.array(visitEvent, { minLength: 1, maxLength: 50 }),
    })
    .map((body) => ({ path: '/v1/visits', body })),
  submitRequest: fc
    .record({
      email,
      type: fc.constantFrom(...REQUEST_TYPES),
      details: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
      locale: fc.constantFrom('th', 'en'),
    })
    .chain((body) =>
      fc
        .boolean()
        .map((asForm) =>
          asForm
            ? { path: '/v1/requests', form: Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as Record<string, string> }
            : { path: '/v1/requests', body },
        ),
    ),
  requestStatus: anyToken('request').map((token) => ({ path: '/v1/requests/verify', query: { token }, headers: { accept: 'text/html' } })),
  confirmRequest: anyToken('request').chain((token) =>
    fc.boolean().map((asForm) => ({ path: '/v1/requests/verify', ...(asForm ? { form: { token } } : { body: { token } }) })),
  ),
  downloadExport: anyToken('export').map((token) => ({ path: '/v1/exports/download', query: { token } })),
  unsubscribePage: anyToken('unsubscribe').map((token) => ({ path: '/v1/unsubscribe', query: { token } })),
  oneClickUnsubscribe: anyToken('unsubscribe').map((token) => ({ path: '/v1/unsubscribe', query: { token }, form: { 'List-Unsubscribe': 'One-Click' } })),
};

/** A valid-looking request for any route: known ones from the table above, others from their path template. */
function validFor(route: RouteDef): fc.Arbitrary<Valid> {
  const known = VALID[route.id];
  if (known) return known;
  const params = route.path.match(/\{\w+\}/g) ?? [];
  return fc.array(visitorId, { minLength: params.length, maxLength: params.length }).map((values) => ({
    path: params.reduce((p, param, i) => p.replace(param, values[i] ?? 'x'), route.path),
    ...(route.method === 'GET' ? {} : { body: {} }),
  }));
}

const withQuery = (path: string, query?: Record<string, string>) => capUrl(query && Object.keys(query).length ? `${path}?${new URLSearchParams(query)}` : path);

function render(kind: string, method: string, v: Valid, override: Partial<FuzzRequest> = {}): FuzzRequest {
  const body = v.form ? form(v.form) : v.body !== undefined ? json(v.body) : undefined;
  const contentType = v.form ? FORM_TYPE : body ? JSON_TYPE : undefined;
  return {
    kind,
    method,
    path: withQuery(v.path, v.query),
    headers: { ...(contentType ? { 'content-type': contentType } : {}), ...v.headers },
    ...(body ? { body } : {}),
    ...override,
  };
}

// --- the mix -------------------------------------------------------------------------------------

/** Every kind of request the fuzzer sends to one route, weighted (out of ~100). */
export function requestsFor(route: RouteDef): fc.Arbitrary<FuzzRequest> {
  const valid = validFor(route);
  const { method } = route;
  const payload = (v: Valid) => (v.form ? form(v.form) : json(v.body ?? {}));
  const kinds: { weight: number; arbitrary: fc.Arbitrary<FuzzRequest> }[] = [
    { weight: 12, arbitrary: valid.map((v) => render('valid', method, v)) },
    {
      weight: 12,
      arbitrary: valid.chain((v) =>
        v.body !== undefined
          ? oddStringField(v.body).map((body) => render('odd-text', method, { ...v, body }))
          : v.form
            ? oddStringField(v.form).map((f) => render('odd-text', method, { ...v, form: f as Record<string, string> }))
            : v.query
              ? oddStringField(v.query).map((query) => render('odd-text', method, { ...v, query: query as Record<string, string> }))
              : oddText.map((t) => render('odd-text', method, { ...v, query: { q: t } })),
      ),
    },
    {
      weight: 10,
      arbitrary: valid.chain((v) =>
        fc
          .oneof(
            mutateField(v.body ?? v.form ?? {}),
            fc.anything(),
            fc.json().map((t) => JSON.parse(t) as unknown),
          )
          .map((body) => render('wrong-types', method, { ...v, form: undefined, body: body === undefined ? null : body } as Valid)),
      ),
    },
    {
      weight: 10,
      arbitrary: fc
        .tuple(valid, badJson)
        .map(([v, text]) => render('bad-json', method, v, { body: Buffer.from(text, 'utf8'), headers: { 'content-type': v.form ? FORM_TYPE : JSON_TYPE } })),
    },
    {
      weight: 8,
      arbitrary: fc.tuple(valid, fc.boolean()).chain(([v, asUtf16]) =>
        (asUtf16 ? fc.constant(utf16(JSON.stringify(v.body ?? v.form ?? {}))) : withInvalidUtf8(payload(v))).map((body) =>
          render(asUtf16 ? 'utf-16' : 'invalid-utf8', method, v, {
            body,
            headers: { 'content-type': asUtf16 ? `${JSON_TYPE}; charset=utf-16` : v.form ? FORM_TYPE : JSON_TYPE },
          }),
        ),
      ),
    },
    {
      weight: 10,
      arbitrary: fc
        .tuple(
          valid,
          fc.constantFrom(
            undefined,
            '',
            'text/plain',
            'text/xml',
            'application/xml',
            'multipart/form-data',
            'multipart/form-data; boundary=x',
            FORM_TYPE,
            JSON_TYPE,
            'application/json; charset=latin1',
            'application/json; charset=utf-16',
            'application/octet-stream',
            'APPLICATION/JSON',
            'application/vnd.api+json',
            'application/json;;;',
            '*/*',
            'text/html; charset=tis-620',
          ),
        )
        .map(([v, type]) => {
          const r = render('content-type', method, v);
          const headers = { ...r.headers };
          delete headers['content-type'];
          return { ...r, body: r.body ?? json({}), headers: type === undefined ? headers : { ...headers, 'content-type': type } };
        }),
    },
    {
      weight: 8,
      arbitrary: fc.tuple(valid, fc.constantFrom('empty', 'space', 'zero', 'braces', 'long-field', 'megabyte', 'many-fields')).map(([v, size]) => {
        const bodies: Record<string, () => Buffer> = {
          empty: () => Buffer.alloc(0),
          space: () => Buffer.from(' '),
          zero: () => Buffer.from('0'),
          braces: () => Buffer.from('{}'),
          'long-field': () => json({ ...(v.body && typeof v.body === 'object' ? v.body : {}), extra: 'x'.repeat(300_000) }),
          megabyte: () => Buffer.alloc(1024 * 1024, 0x20),
          'many-fields': () => json(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`f${i}`, i]))),
        };
        return render(`size-${size}`, method, v, { body: bodies[size]!(), headers: { 'content-type': v.form ? FORM_TYPE : JSON_TYPE } });
      }),
    },
    {
      weight: 10,
      arbitrary: fc
        .tuple(valid, oddSegment, fc.constantFrom('param', 'append', 'slash', 'double-slash', 'case', 'raw-bytes', 'long'))
        .map(([v, seg, where]) => {
          const [pathOnly = '', query] = withQuery(v.path, v.query).split('?');
          const segments = pathOnly.split('/');
          const paths: Record<string, () => string> = {
            // Replaces the last segment: the path parameter where the route has one.
            param: () => [...segments.slice(0, -1), seg].join('/'),
            append: () => `${pathOnly}/${seg}`,
            slash: () => `${pathOnly}/`,
            'double-slash': () => pathOnly.replace('/v1/', '//v1//'),
            case: () => pathOnly.toUpperCase(),
            'raw-bytes': () => `${pathOnly}\u00ff\u00c3\u0028`,
            long: () => `${pathOnly}/${'a'.repeat(8_000)}`,
          };
          return render('odd-path', method, v, { path: capUrl(paths[where]!() + (query ? `?${query}` : '')) });
        }),
    },
    {
      weight: 6,
      arbitrary: fc
        .tuple(
          valid,
          fc.constantFrom(
            'token=%ZZ',
            'token=%',
            'token=',
            'token',
            'token=a&token=b',
            'token[]=a',
            '%ff=%fe',
            'token=%ED%A0%80',
            `token=${'A'.repeat(5000)}`,
            'a=1&'.repeat(2000),
            '?',
            '&&&',
            'token=%00',
          ),
        )
        .map(([v, query]) => render('odd-query', method, { ...v, query: undefined }, { path: `${v.path}?${query}` })),
    },
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          valid,
          fc.record({
            'sec-gpc': fc.constantFrom('1', '0', 'yes', '', '1,1'),
            'idempotency-key': fc.oneof(idOf(1, 40), fc.constant('k'.repeat(5000)), fc.constant('\u00ff\u00fe')),
            origin: fc.constantFrom('https://evil.example.com', 'null', 'http://localhost:3000', 'http://127.0.0.1:3000'),
            'user-agent': fc.oneof(
              fc.constant(''),
              fc.constant('Mozilla/5.0 '.repeat(500)),
              fc.string({ unit: fc.constantFrom(...'abc/();. \u00e9'), maxLength: 200 }),
            ),
            accept: fc.constantFrom('text/html', 'application/json', '*/*', 'image/png', ''),
            'accept-language': fc.constantFrom('th', 'en', 'xx', '*;q=0'),
          }),
        )
        .map(([v, headers]) => {
          const r = render('odd-headers', method, v);
          return { ...r, headers: { ...r.headers, ...headers } };
        }),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, fc.constantFrom('HEAD', 'OPTIONS', 'PATCH', 'DELETE', method === 'GET' ? 'POST' : 'GET'))
        .map(([v, other]) =>
          render(
            'other-method',
            other,
            v,
            other === 'OPTIONS' ? { headers: { origin: 'http://127.0.0.1:3000', 'access-control-request-method': method } } : {},
          ),
        ),
    },
    // About one in two thousand: a body over the 10 MB limit (413 expected), kept rare because it is slow.
    {
      weight: 0.05 as number,
      arbitrary: valid.map((v) => render('size-over-limit', method, v, { body: OVERSIZED, headers: { 'content-type': JSON_TYPE } })),
    },
  ];
  // fast-check weights are integers: scale so the rare case keeps its share.
  return fc.oneof(...kinds.map((k) => ({ weight: Math.round(k.weight * 20), arbitrary: k.arbitrary })));
}
