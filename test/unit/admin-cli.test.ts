import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildRequest,
  COMMANDS,
  describeApiError,
  isLoopback,
  parseCommand,
  presentAnswer,
  regionFor,
  signedRequest,
  type ParseIo,
  type ParseResult,
} from '../../scripts/lib/admin-cli';
import { ROUTES } from '../../shared/routes';
import { CompleteRequestInput, DisclosureInput, Locale, RequestQueueQuery } from '../../shared/schemas/requests';

const NOW = new Date('2025-03-04T05:06:07.000Z');
const POLICY_TEXT = new TextEncoder().encode('นโยบายความเป็นส่วนตัว\n');
const io: ParseIo = {
  now: () => NOW,
  readFile: (path) => {
    if (path === 'policy.txt') return POLICY_TEXT;
    throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
  },
};
const parse = (line: string) => parseCommand(line.split(' ').filter(Boolean), io);
const argv = (...args: string[]) => parseCommand(args, io);

const callOf = (result: ParseResult) => {
  if (result.kind !== 'call') throw new Error(`expected a call, got ${JSON.stringify(result)}`);
  return result.call;
};
const usageErrorOf = (result: ParseResult) => {
  if (result.kind !== 'usage-error') throw new Error(`expected a usage error, got ${JSON.stringify(result)}`);
  return result.message;
};

describe('admin CLI: commands to API calls', () => {
  it.each<[string, ParseResult]>([
    ['requests list', { kind: 'call', command: 'requests list', json: false, auth: 'staff', call: { method: 'GET', path: '/v1/admin/requests', query: {} } }],
    [
      'requests show R-ABCDEFGH23',
      { kind: 'call', command: 'requests show', json: false, auth: 'staff', call: { method: 'GET', path: '/v1/admin/requests/R-ABCDEFGH23', query: {} } },
    ],
    ['policies list', { kind: 'call', command: 'policies list', json: false, auth: 'staff', call: { method: 'GET', path: '/v1/admin/policies', query: {} } }],
    [
      'audit verify member-1',
      { kind: 'call', command: 'audit verify', json: false, auth: 'dpo', call: { method: 'GET', path: '/v1/admin/audit/member-1', query: {} } },
    ],
    [
      'audit show requests',
      { kind: 'call', command: 'audit show', json: false, auth: 'dpo', call: { method: 'GET', path: '/v1/admin/audit/requests', query: {} } },
    ],
  ])('parses `%s` into its route with no query or body', (line, expected) => {
    expect(parse(line)).toEqual(expected);
  });

  it('takes --as staff|dpo (the local demo person to sign in as) and refuses anything else', () => {
    expect(parse('audit verify member-1 --as staff')).toMatchObject({ kind: 'call', auth: 'dpo', as: 'staff' });
    expect(usageErrorOf(parse('requests list --as admin'))).toContain('--as must be staff or dpo');
  });

  it('puts the request-queue filters in the query', () => {
    expect(callOf(parse('requests list --status awaiting_confirmation --limit 25 --next abc'))).toEqual({
      method: 'GET',
      path: '/v1/admin/requests',
      query: { status: 'awaiting_confirmation', limit: '25', next: 'abc' },
    });
  });

  it('completes a request with only the outcome and note when no change is given', () => {
    expect(callOf(argv('requests', 'complete', 'R-ABCDEFGH23', '--outcome', 'rejected', '--note', 'not a member'))).toEqual({
      method: 'POST',
      path: '/v1/admin/requests/R-ABCDEFGH23/complete',
      query: {},
      body: { outcome: 'rejected', note: 'not a member' },
    });
  });

  it('completes a request with the changes given as --name, --email and --locale', () => {
    const call = callOf(argv('requests', 'complete', 'R-ABCDEFGH23', '--outcome', 'done', '--name', 'สมชาย ใจดี', '--email', 'a@example.com', '--locale', 'th'));
    expect(call.body).toEqual({ outcome: 'done', changes: { name: 'สมชาย ใจดี', email: 'a@example.com', locale: 'th' } });
  });

  it('records a disclosure with every field, categories split on commas', () => {
    const call = callOf(
      argv(
        'disclosures',
        'add',
        '--recipient',
        'Kerry Express',
        '--basis',
        'customer_transaction',
        '--categories',
        'name, address,phone',
        '--member',
        'member-1',
        '--reference',
        'ORDER-9',
        '--at',
        '2025-01-02T03:04:05+07:00',
        '--note',
        'delivery',
      ),
    );
    expect(call).toEqual({
      method: 'POST',
      path: '/v1/admin/disclosures',
      query: {},
      body: {
        memberId: 'member-1',
        recipient: 'Kerry Express',
        legalBasis: 'customer_transaction',
        reference: 'ORDER-9',
        categories: ['name', 'address', 'phone'],
        disclosedAt: '2025-01-02T03:04:05+07:00',
        note: 'delivery',
      },
    });
  });

  it('dates a disclosure now when --at is not given', () => {
    const call = callOf(argv('disclosures', 'add', '--recipient', 'Police', '--basis', 'required_by_law', '--categories', 'email'));
    expect(call.body).toEqual({ recipient: 'Police', legalBasis: 'required_by_law', categories: ['email'], disclosedAt: NOW.toISOString() });
  });

  it('lists disclosures of one member with paging', () => {
    expect(callOf(parse('disclosures list --member member-1 --limit 5 --next xyz'))).toEqual({
      method: 'GET',
      path: '/v1/admin/disclosures',
      query: { memberId: 'member-1', limit: '5', next: 'xyz' },
    });
  });

  it('lists visits by visitor or by member', () => {
    expect(callOf(parse('visits list --visitor visitor-12345 --limit 10'))).toEqual({
      method: 'GET',
      path: '/v1/admin/visits',
      query: { visitorId: 'visitor-12345', limit: '10' },
    });
    expect(callOf(parse('visits list --member member-1 --next c1')).query).toEqual({ memberId: 'member-1', next: 'c1' });
  });

  it('publishes a policy with the SHA-256 of the file\u2019s bytes', () => {
    const call = callOf(
      argv(
        'policies',
        'publish',
        '--version',
        '2025-06',
        '--effective-at',
        '2025-06-01T00:00:00+07:00',
        '--policy-url',
        'https://shop.example/privacy',
        '--file',
        'policy.txt',
        '--changes',
        'analytics,marketing',
        '--summary',
        'new partner',
      ),
    );
    expect(call).toEqual({
      method: 'POST',
      path: '/v1/admin/policies',
      query: {},
      body: {
        version: '2025-06',
        effectiveAt: '2025-06-01T00:00:00+07:00',
        url: 'https://shop.example/privacy',
        sha256: createHash('sha256').update(POLICY_TEXT).digest('hex'),
        changes: ['analytics', 'marketing'],
        summary: 'new partner',
      },
    });
  });

  it('publishes a policy that changes no category with --changes none', () => {
    const call = callOf(
      argv(
        'policies',
        'publish',
        '--version',
        'v2',
        '--effective-at',
        '2025-06-01T00:00:00Z',
        '--policy-url',
        'https://shop.example/p',
        '--file',
        'policy.txt',
        '--changes',
        'none',
      ),
    );
    expect((call.body as { changes: string[] }).changes).toEqual([]);
  });

  it('percent-encodes path parameters as one segment', () => {
    expect(callOf(parse('audit show member:a@b/c')).path).toBe('/v1/admin/audit/member%3Aa%40b%2Fc');
  });

  it('takes the target, region and --json wherever they sit on the line', () => {
    expect(parse('--json --url https://api.example requests list --region ap-southeast-1')).toMatchObject({
      kind: 'call',
      command: 'requests list',
      url: 'https://api.example',
      region: 'ap-southeast-1',
      json: true,
    });
  });

  it('calls only people (staff or dpo) admin routes of the route table, with their method and path', () => {
    const byId = new Map(ROUTES.map((r) => [r.id, r]));
    for (const c of COMMANDS) {
      const route = byId.get(c.route);
      expect(route, c.name).toMatchObject({ auth: expect.stringMatching(/^(staff|dpo)$/), path: expect.stringMatching(/^\/v1\/admin\//) });
      expect((parse(`${c.name} ${(c.args ?? []).map(() => 'x').join(' ')}`) as { auth?: string }).auth ?? route?.auth).toBe(route?.auth);
    }
    // Routes for machines (e.g. the newsletter sender's unsubscribe links) have no staff command.
    expect(new Set(COMMANDS.map((c) => c.route))).toEqual(
      new Set([
        'listRequests',
        'getRequest',
        'completeRequest',
        'recordDisclosure',
        'listDisclosures',
        'getAudit',
        'listVisits',
        'listPolicies',
        'publishPolicy',
      ]),
    );
  });
});

describe('admin CLI: help and usage errors', () => {
  it.each([[[]], [['help']], [['--help']]])('answers help for %j, listing every command', (args) => {
    const result = argv(...args);
    expect(result.kind).toBe('help');
    for (const c of COMMANDS) expect((result as { text: string }).text).toContain(c.name);
  });

  it('answers a command\u2019s own usage for `<command> --help`', () => {
    expect(parse('visits list --help')).toEqual({ kind: 'help', text: expect.stringContaining('visits list (--visitor VISITOR_ID | --member MEMBER_ID)') });
  });

  it('names an unknown command, and the known ones of its group', () => {
    expect(usageErrorOf(parse('frobnicate'))).toBe('unknown command "frobnicate"');
    expect(usageErrorOf(parse('requests delete X'))).toMatch(
      /unknown command "requests delete"; requests has: requests list, requests show, requests complete/,
    );
  });

  it.each([
    ['requests list --status pending', '--status must be one of open, awaiting_confirmation, done, rejected'],
    ['requests list --limit 0', '--limit must be a whole number from 1 to 100'],
    ['requests list --limit ten', '--limit must be a whole number from 1 to 100'],
    ['requests list --colour red', "Unknown option '--colour'"],
    ['requests list --status', "'--status <value>' argument missing"],
    ['requests show', 'missing ID'],
    ['requests show A B', 'unexpected argument "B"'],
    ['requests complete R-ABCDEFGH23', '--outcome is required'],
    ['requests complete R-ABCDEFGH23 --outcome maybe', '--outcome must be one of done, rejected'],
    ['requests complete R-ABCDEFGH23 --outcome done --locale de', '--locale must be one of th, en'],
    ['disclosures add --basis required_by_law --categories email', '--recipient is required'],
    ['disclosures add --recipient X --basis because --categories email', '--basis must be one of customer_authorised'],
    ['disclosures add --recipient X --basis required_by_law --categories ,', '--categories must list at least one category'],
    ['disclosures add --recipient X --basis required_by_law --categories email --at yesterday', '--at must be an ISO-8601 date-time'],
    ['disclosures add --recipient X --basis required_by_law --categories email --at 2025-01-02', '--at must be an ISO-8601 date-time'],
    ['visits list', 'give exactly one of --visitor or --member'],
    ['visits list --visitor visitor-1 --member m', 'give exactly one of --visitor or --member'],
    ['policies publish --version v --effective-at 2025-06-01T00:00:00Z --policy-url https://x.example/p --file policy.txt', '--changes is required'],
    [
      'policies publish --version v --effective-at 2025-06-01T00:00:00Z --policy-url https://x.example/p --file policy.txt --changes cookies',
      '--changes has unknown category cookies',
    ],
    [
      'policies publish --version v --effective-at 2025-06-01T00:00:00Z --policy-url ftp://x/p --file policy.txt --changes none',
      '--policy-url must be an http(s) URL',
    ],
    [
      'policies publish --version v --effective-at 2025-06-01T00:00:00Z --policy-url https://x.example/p --file missing.txt --changes none',
      '--file cannot be read (ENOENT)',
    ],
    ['policies list --url not-a-url', '--url must be an http(s) URL'],
  ])('rejects `%s` naming the problem: %s', (line, message) => {
    const error = usageErrorOf(parse(line));
    expect(error).toContain(message);
    expect(error).toMatch(new RegExp(`^${line.split(' ').slice(0, 2).join(' ')}: `));
  });

  it('accepts exactly the choices the API\u2019s schemas accept for status, outcome, locale and legal basis', () => {
    const choices = (line: string) => /one of (.*)$/.exec(usageErrorOf(parse(line)))![1]!.split(', ');
    expect(choices('requests list --status x')).toEqual(RequestQueueQuery.shape.status._zod.def.innerType.options);
    expect(choices('requests complete R-ABCDEFGH23 --outcome x')).toEqual(CompleteRequestInput.shape.outcome.options);
    expect(choices('requests complete R-ABCDEFGH23 --outcome done --locale x')).toEqual(Locale.options);
    expect(choices('disclosures add --recipient X --basis x --categories email')).toEqual(DisclosureInput.shape.legalBasis.options);
  });

  it('shows the command\u2019s usage line with its error', () => {
    const result = parse('requests complete R-ABCDEFGH23');
    expect(result).toMatchObject({ kind: 'usage-error', usage: expect.stringContaining('requests complete ID --outcome done|rejected') });
  });
});

describe('admin CLI: output', () => {
  const answer = (ok: boolean) => ({
    subject: 'member-1',
    verification: ok ? { ok: true, entries: 2, head: 'h2' } : { ok: false, entries: 2, firstBrokenSeq: 2, reason: 'hash_mismatch' },
    entries: [{ seq: 1 }, { seq: 2 }],
  });

  it('prints answers as they came for ordinary commands', () => {
    expect(presentAnswer('policies list', { current: 'v1', items: [] })).toEqual({ output: { current: 'v1', items: [] } });
  });

  it('prints the verification then the entry count for `audit verify`, the entries too for `audit show`', () => {
    const verify = presentAnswer('audit verify', answer(true));
    expect(verify).toEqual({ output: { subject: 'member-1', verification: { ok: true, entries: 2, head: 'h2' }, entries: 2 } });
    expect(Object.keys(verify.output as object)).toEqual(['subject', 'verification', 'entries']);
    expect(presentAnswer('audit show', answer(true)).output).toEqual(answer(true));
  });

  it('reports a broken audit chain with its first broken seq and reason as a failure', () => {
    expect(presentAnswer('audit verify', answer(false)).failure).toBe('audit chain of member-1 is broken at seq 2: hash_mismatch');
    expect(presentAnswer('audit show', answer(false)).failure).toContain('seq 2');
  });

  it('describes an API error in one line, then one line per issue', () => {
    const body = {
      error: {
        code: 'validation_failed',
        message: 'The request body is invalid',
        issues: [{ path: 'body.changes.email', message: 'must be an e-mail address' }],
      },
    };
    expect(describeApiError(400, body)).toBe('HTTP 400 validation_failed: The request body is invalid\n  - body.changes.email: must be an e-mail address');
    expect(describeApiError(404, { error: { code: 'not_found', message: 'No such request' } })).toBe('HTTP 404 not_found: No such request');
    expect(describeApiError(502, 'Bad Gateway')).toBe('HTTP 502: Bad Gateway');
    expect(describeApiError(403, { message: 'Forbidden' })).toBe('HTTP 403');
  });
});

describe('admin CLI: target', () => {
  it.each(['http://127.0.0.1:3000', 'http://localhost:3000/', 'http://[::1]:3000', 'http://127.0.0.2', 'http://LOCALHOST'])('treats %s as loopback', (url) => {
    expect(isLoopback(url)).toBe(true);
  });

  it.each(['https://abc123.execute-api.ap-southeast-1.amazonaws.com', 'https://api.shop.example', 'http://10.0.0.1:3000', 'http://127.0.0.1.example.com'])(
    'treats %s as remote',
    (url) => {
      expect(isLoopback(url)).toBe(false);
    },
  );

  it('reads the region from an execute-api host', () => {
    expect(regionFor('https://abc123.execute-api.ap-southeast-1.amazonaws.com')).toBe('ap-southeast-1');
    expect(regionFor('https://abc123.execute-api.us-gov-west-1.amazonaws.com/prod')).toBe('us-gov-west-1');
  });

  it('prefers --region, then the host, then AWS_REGION', () => {
    expect(regionFor('https://abc123.execute-api.ap-southeast-1.amazonaws.com', 'eu-west-1', 'us-east-1')).toBe('eu-west-1');
    expect(regionFor('https://abc123.execute-api.ap-southeast-1.amazonaws.com', undefined, 'us-east-1')).toBe('ap-southeast-1');
    expect(regionFor('https://api.shop.example', undefined, 'us-east-1')).toBe('us-east-1');
  });

  it('fails with a clear message when no region can be found', () => {
    expect(() => regionFor('https://api.shop.example')).toThrow('Cannot tell the AWS region of api.shop.example: pass --region REGION or set AWS_REGION.');
  });

  it('builds the URL under the target\u2019s base path with a sorted, RFC 3986-encoded query and a JSON body', () => {
    expect(buildRequest('https://api.shop.example/privacy/', { method: 'GET', path: '/v1/admin/requests', query: { status: 'open', next: 'a b+c' } })).toEqual({
      method: 'GET',
      url: 'https://api.shop.example/privacy/v1/admin/requests?next=a%20b%2Bc&status=open',
      headers: { accept: 'application/json' },
    });
    expect(buildRequest('http://127.0.0.1:3000', { method: 'POST', path: '/v1/admin/disclosures', query: {}, body: { a: 1 } })).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:3000/v1/admin/disclosures',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: '{"a":1}',
    });
  });
});

describe('admin CLI: SigV4 signing', () => {
  const credentials = { accessKeyId: 'AKID', secretAccessKey: 'secret' };
  const date = new Date('2025-03-04T05:06:07Z');
  const base = 'https://abc123.execute-api.ap-southeast-1.amazonaws.com';
  const post = buildRequest(base, { method: 'POST', path: '/v1/admin/requests/R-ABCDEFGH23/complete', query: {}, body: { outcome: 'done' } });
  const get = buildRequest(base, { method: 'GET', path: '/v1/admin/requests', query: { status: 'open', limit: '5' } });

  it('adds an AWS4-HMAC-SHA256 authorization for execute-api in the region, signing host and content-type', async () => {
    const signed = await signedRequest(post, { region: 'ap-southeast-1', credentials, date });
    expect(signed.headers['x-amz-date']).toBe('20250304T050607Z');
    expect(signed.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/20250304\/ap-southeast-1\/execute-api\/aws4_request, SignedHeaders=[^,]*, Signature=[0-9a-f]{64}$/,
    );
    const signedHeaders = /SignedHeaders=([^,]*)/.exec(signed.headers.authorization!)![1]!.split(';');
    expect(signedHeaders).toEqual(expect.arrayContaining(['host', 'content-type', 'x-amz-date']));
    expect(signed.headers.host).toBe('abc123.execute-api.ap-southeast-1.amazonaws.com');
    expect(signed).toMatchObject({ method: 'POST', url: post.url, body: post.body });
  });

  it('gives the same signature for the same request, time and credentials', async () => {
    const first = await signedRequest(post, { region: 'ap-southeast-1', credentials, date });
    const second = await signedRequest(post, { region: 'ap-southeast-1', credentials, date });
    expect(second.headers.authorization).toBe(first.headers.authorization);
  });

  it('gives a different signature when the body, the query or the time changes', async () => {
    const sig = async (request: typeof post, at = date) =>
      (await signedRequest(request, { region: 'ap-southeast-1', credentials, date: at })).headers.authorization;
    const reference = await sig(post);
    expect(await sig({ ...post, body: '{"outcome":"rejected"}' })).not.toBe(reference);
    expect(await sig(get)).not.toBe(await sig({ ...get, url: get.url.replace('limit=5', 'limit=6') }));
    expect(await sig(post, new Date('2025-03-04T05:06:08Z'))).not.toBe(reference);
  });

  it('sends a session token with temporary credentials and accepts a credential provider', async () => {
    const signed = await signedRequest(get, { region: 'ap-southeast-1', credentials: async () => ({ ...credentials, sessionToken: 'TOKEN' }), date });
    expect(signed.headers['x-amz-security-token']).toBe('TOKEN');
    expect(signed.headers.authorization).toContain('Credential=AKID/20250304/ap-southeast-1/execute-api/aws4_request');
  });
});
