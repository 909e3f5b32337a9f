/**
 * Warm CPU per beacon of POST /v1/visits with the AWS SDK running: DynamoDB answers through a stub
 * transport, so the SDK still builds, signs and serialises every request and parses every answer
 * (aws-sdk-client-mock would skip all of that). Beside it, the floor: a minimal handler doing the same
 * consent check (token and current consent read) and one write with the same client. Both run in
 * interleaved rounds in this process, timed by CPU time (process.cpuUsage), not wall time.
 *
 * Both write one item with one PutItem whose attribute map is built by the same plain walk
 * (`attributeMap` in shared/adapters/visit-store.ts, held to the SDK's marshall by a property test):
 * the handler skips the document client's generic marshall (about 35 µs per 10-event beacon), and so
 * does the floor, so the ratio measures what the handler does beyond a minimal write, not a saving
 * the minimal handler could make as well.
 *
 * The handler keeps parsed user agents per warm container, so one repeated User-Agent would time
 * cache hits only. Beacons therefore come from a fixed mix of 20 common user agents of Thai shoppers,
 * and one beacon in 20 from a user agent never seen before (the long tail: a new browser build,
 * an in-app browser), which is parsed in full. The minimal handler reads no user agent.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { Readable } from 'node:stream';
import { systemClock } from '../../shared/adapters/clock';
import { DynamoConsentStore } from '../../shared/adapters/consent-store';
import { noIspLookup } from '../../shared/adapters/isp';
import { attributeMap, DynamoVisitStore } from '../../shared/adapters/visit-store';
import { issueConsentToken, verifyConsentToken } from '../../shared/domain/consent-token';
import { itemSize, packVisitRecord, visitorPartition } from '../../shared/domain/visits';
import { recordVisitsRoute } from '../../shared/routes';
import { monthlyBill, total, visitCostPerMillionPageViews, writeUnitsPerItem } from './cost-model';
import { kitSize } from './kit-size';
import { median } from './load-bench';
import { deployedVisitSettings, LAMBDA_MB_PER_VCPU, SESSION, sessionBeaconEvents, visitProfile } from './visit-cost';

/** DynamoDB's answers, as the service sends them: the visitor's current consent and a put. */
const ANSWERS: Record<string, string> = {
  'DynamoDB_20120810.Query': JSON.stringify({
    Count: 1,
    ScannedCount: 1,
    Items: [{ sk: { S: 'CURRENT' }, choices: { M: { analytics: { BOOL: true } } }, receiptId: { S: 'r-1' } }],
  }),
  'DynamoDB_20120810.PutItem': '{}',
};

/** A transport that answers without a network; everything above it in the SDK runs as in Lambda. */
const stubTransport = {
  async handle(request: HttpRequest) {
    const answer = ANSWERS[String(request.headers['x-amz-target'])];
    if (!answer) throw new Error(`no stub answer for ${request.headers['x-amz-target']}`);
    const response = new HttpResponse({
      statusCode: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(Buffer.byteLength(answer)) },
      body: Readable.from([Buffer.from(answer)]),
    });
    return { response };
  },
};

function stubbedDocumentClient(): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestHandler: stubTransport,
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Common user agents of shoppers in Thailand: phones (Safari, Chrome, in-app LINE and Facebook), then desktops. */
export const COMMON_USER_AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 16_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Line/14.19.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/21G93 [FBAN/FBIOS;FBAV/489.0.0.37.107;FBBV/664302196;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.6;FBSS/3;FBCR/;FBID/phone;FBLC/th_TH;FBOP/80]',
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; CPH2591) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 13; V2250) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; 23108RN04Y) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 13; RMX3710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; SM-A256E Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.39 Mobile Safari/537.36 Line/14.19.1/IAB',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
];
/** One beacon in this many comes from a user agent not seen before. */
const NEW_AGENT_EVERY = 20;

type Invocable = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;
const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

/** The floor: the same consent check (token, then the current consent) and one write, nothing else. */
function minimalHandler(db: DynamoDBDocumentClient, key: Uint8Array): Invocable {
  return async (event) => {
    const body = JSON.parse(event.body ?? '{}') as { visitorId: string; sessionId: string; consentToken: string; events: unknown[] };
    const now = new Date();
    const token = verifyConsentToken(body.consentToken, key, now);
    if (!token.ok || token.claims.sub !== body.visitorId || !token.claims.a) return { statusCode: 202, body: '{"stored":0}' };
    const { Items = [] } = await db.send(
      new QueryCommand({
        TableName: 'Consents',
        KeyConditionExpression: 'pk = :v AND begins_with(sk, :current)',
        ExpressionAttributeValues: { ':v': body.visitorId, ':current': 'CURRENT' },
        ProjectionExpression: 'sk, choices.analytics, receiptId',
      }),
    );
    if (Items.find((i) => i.sk === 'CURRENT')?.choices?.analytics !== true) return { statusCode: 202, body: '{"stored":0}' };
    const item = {
      pk: visitorPartition(body.visitorId),
      sk: now.toISOString(),
      sid: body.sessionId,
      ip: event.requestContext.http.sourceIp,
      ev: body.events,
      expiresAt: Math.floor(now.getTime() / 1000) + 395 * 86_400,
    };
    await db.send(new PutItemCommand({ TableName: 'Visits', Item: attributeMap(item) }));
    return { statusCode: 202, body: JSON.stringify({ stored: body.events.length }) };
  };
}

export interface BeaconCpuFigures {
  events: number;
  /** Median over rounds of CPU microseconds per beacon. */
  handlerCpuUs: number;
  minimalCpuUs: number;
  ratio: number;
  rounds: number;
  perRound: number;
}

/** CPU microseconds per invocation over `n` invocations. */
/**
 * CPU per call of `handler` over `n` events made beforehand: building an event (cloning the sample,
 * serialising its body) is the runtime's work in Lambda, and timed here it would add the same cost to
 * both handlers and pull their ratio toward 1.
 */
async function cpuMicros(handler: Invocable, makeEvent: () => APIGatewayProxyEventV2, n: number): Promise<number> {
  const events = Array.from({ length: n }, makeEvent);
  const start = process.cpuUsage();
  for (const event of events) await handler(event, context);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

/**
 * Warm CPU per beacon of `events` page views, the real handler against the minimal one, in
 * `rounds` interleaved rounds of `perRound` invocations each (after a warm-up of both).
 */
export async function beaconCpu(sample: APIGatewayProxyEventV2, signingKey: Uint8Array, events = 10, rounds = 9, perRound = 300): Promise<BeaconCpuFigures> {
  const db = stubbedDocumentClient();
  // Imported here, not at the top: the handler module reads its environment when loaded (a cold
  // start), and the bench sets that environment after its own imports.
  const { makeHandler } = await import('../../functions/visits/record-visits');
  const real = makeHandler({
    visits: new DynamoVisitStore(db, 'Visits'),
    consents: new DynamoConsentStore(db, 'Consents'),
    signingKey: async () => signingKey,
    clock: systemClock,
    retentionDays: 395,
    isp: noIspLookup,
  }) as unknown as Invocable;
  const minimal = minimalHandler(db, signingKey);
  const token = issueConsentToken(
    { visitorId: 'v-0123456789', receiptId: 'r-1', policyVersion: '2024-01', choices: { necessary: true, analytics: true, marketing: false } },
    Buffer.from(signingKey),
    new Date(),
    30,
  ).token;
  let n = 0;
  const makeEvent = () => {
    const e = structuredClone(sample);
    n++;
    const agent = COMMON_USER_AGENTS[n % COMMON_USER_AGENTS.length]!;
    e.headers['user-agent'] = n % NEW_AGENT_EVERY === 0 ? agent.replace(/\) /, `; build ${n}) `) : agent;
    e.body = JSON.stringify({
      visitorId: 'v-0123456789',
      sessionId: 's-0123456789',
      consentToken: token,
      events: Array.from({ length: events }, (_, i) => ({
        type: 'pageview',
        path: `/products/green-tea-${n}-${i}`,
        referrer: 'https://shop.example.com/products',
        title: 'ชาเขียวมัทฉะ 100 กรัม',
        durationMs: 42_000,
        at: new Date().toISOString(),
      })),
    });
    return e;
  };
  // Both answer 202 and store: a bench of the refusal path would mean nothing.
  for (const h of [real, minimal]) {
    const res = (await h(makeEvent(), context)) as { statusCode: number; body: string };
    if (res.statusCode !== 202 || JSON.parse(res.body).stored !== events) throw new Error(`bench handler did not store: ${res.body}`);
  }
  await cpuMicros(real, makeEvent, perRound);
  await cpuMicros(minimal, makeEvent, perRound);
  const realRounds: number[] = [];
  const minimalRounds: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first, so neither always runs right after a collection of the other's garbage.
    if (r % 2) {
      minimalRounds.push(await cpuMicros(minimal, makeEvent, perRound));
      realRounds.push(await cpuMicros(real, makeEvent, perRound));
    } else {
      realRounds.push(await cpuMicros(real, makeEvent, perRound));
      minimalRounds.push(await cpuMicros(minimal, makeEvent, perRound));
    }
  }
  const handlerCpuUs = median(realRounds);
  const minimalCpuUs = median(minimalRounds);
  // The ratio of each round's pair, measured side by side, then their median: a slower stretch of the
  // machine (another process, a collection) then weighs on both sides of a pair, not on one median.
  const ratio = median(realRounds.map((r, i) => r / minimalRounds[i]!));
  return { events, handlerCpuUs, minimalCpuUs, ratio, rounds, perRound };
}

// ---------------------------------------------------------------------------------------------
// What `npm run bench` prints for visit logging: the warm CPU figure and the cost model.

/** Warm CPU of the beacon handler with the SDK running, at most this many times the minimal handler's. */
export const CPU_RATIO_GOAL = 1.15;
/** USD per million page views the visit-logging path should stay under (issue 13). */
export const COST_GOAL_USD = 1.0;

export async function benchVisits(fn: { bytes: number; loadMs: number } | undefined, sample: APIGatewayProxyEventV2, signingKey: Uint8Array) {
  const cpu = await beaconCpu(sample, signingKey, 10);
  console.log(
    `\nVisit beacons (POST /v1/visits): warm CPU per beacon of ${cpu.events} events, DynamoDB through a stub transport (the SDK signs, serialises and parses), events built before the timer, ${cpu.rounds} interleaved rounds of ${cpu.perRound}, the ratio the median of each round's pair; user agents from a mix of ${COMMON_USER_AGENTS.length} common ones, 1 beacon in ${NEW_AGENT_EVERY} from one never seen (parsed, not cached)`,
  );
  console.table([
    { figure: 'beacon handler', value: `${cpu.handlerCpuUs.toFixed(0)} µs CPU` },
    { figure: 'minimal handler (same consent check, one write)', value: `${cpu.minimalCpuUs.toFixed(0)} µs CPU` },
    { figure: `ratio (goal ≤ ${CPU_RATIO_GOAL})`, value: `${cpu.ratio.toFixed(2)}x ${cpu.ratio <= CPU_RATIO_GOAL ? 'met' : 'not met'}` },
    { figure: 'bundle (minified)', value: fn ? `${(fn.bytes / 1024).toFixed(1)} KB` : 'n/a' },
    { figure: 'cold module load', value: fn ? `${fn.loadMs.toFixed(1)} ms` : 'n/a' },
  ]);

  const deployed = deployedVisitSettings('prod');
  const events = sessionBeaconEvents();
  const body = { visitorId: 'v-0123456789abcdef', sessionId: 's-0123456789abcdef', consentToken: 'x'.repeat(180), events };
  // The record the handler stores for the session's beacon: its size, not a typed number, decides the write units.
  const record = packVisitRecord(
    body,
    { ip: '203.0.113.10', browser: 'Mobile Safari 17', os: 'iOS 17.5', device: 'mobile', asn: 45430, isp: 'AIS (mobile)' },
    new Date(),
    deployed.retentionDays,
  );
  const profile = visitProfile(
    {
      handlerCpuUs: cpu.handlerCpuUs,
      loadMs: fn?.loadMs ?? 0,
      kitServedBytes: kitSize().brotli,
      beaconBodyBytes: Buffer.byteLength(JSON.stringify(body)),
      recordsPerBeacon: 1,
      recordBytes: itemSize(record),
      secretsPerColdStart: recordVisitsRoute.uses.secrets.length,
    },
    deployed,
  );
  console.log(
    '\nAssumptions of the cost model (traffic: assumed; stack: read from the prod settings and checked against the template by test/infra/cost-assumptions.test.ts)',
  );
  console.table([
    { assumption: 'page views per session', value: SESSION.pageViewsPerSession },
    { assumption: 'events per page view (page view with its visible time, searches)', value: SESSION.eventsPerPageView.toFixed(2) },
    { assumption: 'tab hidden before the session ends (each sends what is held, without fetchLater)', value: SESSION.hidesBeforeEnd },
    {
      assumption: 'page views on browsers with fetchLater (a hide sends nothing); assumed: Chromium-based browsers\u2019 share in Thailand',
      value: SESSION.deferredFetchShare,
    },
    { assumption: 'kit sends at (events)', value: SESSION.flushAtEvents },
    { assumption: 'beacons per page view', value: profile.beaconsPerPageView.toFixed(3) },
    {
      assumption: 'kit and policy per session (browser cache misses)',
      value: deployed.kitCarriesPolicy
        ? `${SESSION.kitFetchesPerSession} request (kit with the policy inside)`
        : `${SESSION.kitFetchesPerSession} / ${SESSION.policyFetchesPerSession}`,
    },
    { assumption: 'edge cache hit ratio (kit, policy)', value: profile.edgeHitRatio },
    {
      assumption: 'records per beacon, bytes per record, write units per record',
      value: `${profile.recordsPerBeacon}, ${profile.recordBytes.toFixed(0)} B, ${writeUnitsPerItem(profile.recordBytes)}`,
    },
    { assumption: 'cold starts per beacon (low traffic)', value: profile.coldStartsPerBeacon },
    {
      assumption: 'beacon function',
      value: `${deployed.memoryMb} MB, ${profile.billedMsPerBeacon} ms billed (CPU at ${deployed.memoryMb}/${LAMBDA_MB_PER_VCPU} of a vCPU + 2 DynamoDB round trips), INIT ${profile.initBilledMs} ms`,
    },
    {
      assumption: 'tracing, request log sample, platform log lines',
      value: `${deployed.activeTracing ? 'active' : 'off'}, ${deployed.requestLogSample}, ${deployed.platformLogLines ? 'on' : 'off'}`,
    },
    {
      assumption: 'visits table',
      value: `${deployed.infrequentAccess ? 'Standard-IA' : 'Standard'}, PITR ${deployed.pointInTimeRecovery ? 'on' : 'off'}, ${deployed.retentionDays} days`,
    },
    { assumption: 'kit (unversioned URL, policy inside) / policy cache lifetime', value: `${deployed.kitCacheSeconds} s / ${deployed.policyCacheSeconds} s` },
    { assumption: 'through CloudFront (ISP source)', value: `${deployed.viaCloudFront ? 'yes' : 'no'} (${deployed.ispSource})` },
    { assumption: 'beacons reach', value: deployed.beaconsViaApiGateway ? 'API Gateway' : 'the beacon function\u2019s URL (no API Gateway)' },
  ]);
  const lines = visitCostPerMillionPageViews(profile);
  const sum = total(lines);
  console.log('\nCost per million page views (prices as named constants with their sources in scripts/lib/cost-model.ts)');
  console.table([
    ...lines.map((l) => ({ item: l.item, 'USD per million page views': l.usd.toFixed(4) })),
    { item: `total (goal ≤ ${COST_GOAL_USD.toFixed(2)}: ${sum <= COST_GOAL_USD ? 'met' : 'not met'})`, 'USD per million page views': sum.toFixed(4) },
  ]);
  console.log(
    "\nA month's bill for visit logging: at list prices (the figure above, scaled), and as AWS would bill an account whose always-free allowances (CloudFront: 10 million requests, 1 TB out; Lambda: 1 million requests, 400,000 GB-s) nothing else uses",
  );
  console.table(
    MONTHLY_PAGE_VIEWS.map((pageViews) => {
      const listed = monthlyBill(lines, pageViews, false);
      const free = monthlyBill(lines, pageViews, true);
      return {
        'page views a month': pageViews.toLocaleString('en-US'),
        'USD at list prices': listed.toFixed(2),
        'USD with the always-free allowances': free.toFixed(2),
        'per million page views': `$${((free / pageViews) * 1_000_000).toFixed(2)}`,
      };
    }),
  );
}

/** Shops of a few sizes: the always-free allowances matter below about 20 million page views a month. */
const MONTHLY_PAGE_VIEWS = [1_000_000, 5_000_000, 20_000_000, 50_000_000];
