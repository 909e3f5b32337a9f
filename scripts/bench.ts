/**
 * `npm run bench`: per function, the deployed bundle's size, its module load time in a fresh Node
 * process, and the handler's warm time per invocation with mocked AWS clients; beside each, the same
 * figures for a *floor* bundle that only constructs the SDK clients the function uses. Figures are
 * printed, never asserted: goals are for people to read (each handler within 50 KB and 1.3x load time
 * of its floor).
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLING } from '../infra/bundling';
import { DEFAULT_MEMORY_MB } from '../infra/constructs/privacy-function';
import { REPO_ROOT, stageFromCdkJson } from '../infra/stage-config';
import { issueConsentToken } from '../shared/domain/consent-token';
import { itemSize, packVisitRecords, type BeaconInput } from '../shared/domain/visits';
import { kitSize } from './lib/kit-size';
import { consoleFigures, printConsoleFigures } from './lib/console-bench';
import { deadlineChainCost, total, visitCostPerMillionPageViews } from './lib/cost-model';
import { simulation } from '../test/helpers/deadline-sim';
import { processJob, startChain } from '../shared/domain/deadline-service';
import { DEFAULT_DEADLINES } from '../shared/domain/deadlines';
import { newRequest, withEvent } from '../shared/domain/requests';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ROUTES, type FunctionUses } from '../shared/routes';
import { WORKERS } from '../shared/workers';
import { loadEvent } from '../test/helpers/events';
import '../test/helpers/env';

const OUT = join(REPO_ROOT, '.bench');
const LOAD_RUNS = Number(process.env.BENCH_LOAD_RUNS ?? 7);
const WARM_RUNS = Number(process.env.BENCH_WARM_RUNS ?? 2000);
const KB = 1024;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function bundle(entry: string, outfile: string): Promise<number> {
  await build({
    ...BUNDLING,
    external: [...BUNDLING.external],
    // The Node running the bench loads the bundle: syntax newer than it must be lowered.
    target: `node${process.versions.node.split('.')[0]}`,
    // The size and load time of the code alone (deployed bundles keep their map in a separate file).
    sourcemap: false,
    entryPoints: [entry],
    outfile,
    logLevel: 'silent',
  });
  return statSync(outfile).size;
}

/** Median time to `require` the bundle, each run in a new Node process (a cold start's module phase). */
function loadTimeMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const env = { ...process.env, AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1', NODE_NO_WARNINGS: '1' };
  return median(Array.from({ length: LOAD_RUNS }, () => Number(execFileSync(process.execPath, ['-e', script], { env }).toString())));
}

/** The floor: a bundle that constructs exactly the SDK clients the function uses, and nothing else. */
function floorSource(uses: FunctionUses): string {
  const lines: string[] = [];
  const client = (pkg: string, name: string, expr = `new ${name}({})`) =>
    lines.push(`import { ${name} } from '${pkg}';`, `export const c${lines.length} = ${expr};`);
  if (Object.keys(uses.tables ?? {}).length) {
    lines.push("import { DynamoDBClient } from '@aws-sdk/client-dynamodb';");
    client('@aws-sdk/lib-dynamodb', 'DynamoDBDocumentClient', 'DynamoDBDocumentClient.from(new DynamoDBClient({}))');
  }
  if (uses.secrets?.length || uses.partnerKeys) client('@aws-sdk/client-secrets-manager', 'SecretsManagerClient');
  if (Object.keys(uses.buckets ?? {}).length) client('@aws-sdk/client-s3', 'S3Client');
  if (uses.sendsMail) client('@aws-sdk/client-sesv2', 'SESv2Client');
  if (Object.keys(uses.queues ?? {}).length) client('@aws-sdk/client-sqs', 'SQSClient');
  lines.push('export const handler = async () => ({ statusCode: 200, body: "{}" });');
  return lines.join('\n');
}

/** Sample event per route (from events/), so the warm figure exercises the real path. */
const SAMPLE_EVENT: Record<string, string> = {
  getHealth: 'get-policy',
  getPolicy: 'get-policy',
  captureConsent: 'capture-consent',
  getConsent: 'get-consent',
  listPolicies: 'publish-policy',
  recordVisits: 'record-visits',
  publishPolicy: 'publish-policy',
};

function mockAws() {
  const db = mockClient(DynamoDBDocumentClient);
  db.on(QueryCommand).resolves({ Items: [] });
  db.on(TransactWriteCommand).resolves({});
  db.on(PutCommand).resolves({});
  db.on(BatchWriteCommand).resolves({});
  db.on(GetCommand).resolves({
    Item: {
      pk: 'v-0123456789',
      sk: 'CURRENT',
      receiptId: 'r',
      visitorId: 'v-0123456789',
      policyVersion: '2024-01',
      policyUrl: 'https://shop.example.com/p',
      policySha256: 'a'.repeat(64),
      choices: { necessary: true, analytics: true, marketing: false },
      recordedAt: '2026-01-01T00:00:00.000Z',
      collectionMethod: 'banner',
      gpc: false,
      gpcOverrodeMarketing: false,
    },
  });
  mockClient(SecretsManagerClient);
}

type Invocable = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;
const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

/** Mean microseconds per warm invocation (after a warm-up), in this process with mocked clients. */
async function warmMicros(handler: Invocable, makeEvent: () => APIGatewayProxyEventV2): Promise<number> {
  for (let i = 0; i < 200; i++) await handler(makeEvent(), context);
  const start = process.hrtime.bigint();
  for (let i = 0; i < WARM_RUNS; i++) await handler(makeEvent(), context);
  return Number(process.hrtime.bigint() - start) / 1e3 / WARM_RUNS;
}

export interface FunctionFigures {
  id: string;
  bytes: number;
  floorBytes: number;
  loadMs: number;
  floorLoadMs: number;
  /** Undefined for workers: their events need the whole emulator, not mocks, to mean anything. */
  warmUs?: number;
  floorWarmUs?: number;
}

export async function measureFunctions(): Promise<FunctionFigures[]> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  mockAws();
  const figures: FunctionFigures[] = [];
  const all = [...ROUTES.map((r) => ({ ...r, route: true })), ...WORKERS.map((w) => ({ ...w, route: false }))];
  for (const fn of all) {
    const bundleFile = join(OUT, `${fn.id}.js`);
    const floorEntry = join(OUT, `${fn.id}.floor-src.ts`);
    const floorFile = join(OUT, `${fn.id}.floor.js`);
    writeFileSync(floorEntry, floorSource(fn.uses));
    const bytes = await bundle(join(REPO_ROOT, 'functions', `${fn.handler}.ts`), bundleFile);
    const floorBytes = await bundle(floorEntry, floorFile);
    const row: FunctionFigures = { id: fn.id, bytes, floorBytes, loadMs: loadTimeMs(bundleFile), floorLoadMs: loadTimeMs(floorFile) };
    if (fn.route) {
      const { handler } = (await import(pathToFileURL(join(REPO_ROOT, 'functions', `${fn.handler}.ts`)).href)) as { handler: Invocable };
      const { handler: floorHandler } = (await import(pathToFileURL(floorEntry).href)) as { handler: Invocable };
      const sample = loadEvent('apigw', SAMPLE_EVENT[fn.id] ?? 'get-policy');
      const makeEvent = () => structuredClone(sample);
      row.warmUs = await warmMicros(handler, makeEvent);
      row.floorWarmUs = await warmMicros(floorHandler, makeEvent);
    }
    figures.push(row);
  }
  return figures;
}

function printFunctions(figures: FunctionFigures[]) {
  const rows = figures.map((f) => ({
    function: f.id,
    'bundle KB': (f.bytes / KB).toFixed(1),
    'floor KB': (f.floorBytes / KB).toFixed(1),
    'extra KB': ((f.bytes - f.floorBytes) / KB).toFixed(1),
    'load ms': f.loadMs.toFixed(1),
    'floor load ms': f.floorLoadMs.toFixed(1),
    'load ratio': (f.loadMs / f.floorLoadMs).toFixed(2),
    'warm µs': f.warmUs?.toFixed(1) ?? 'n/a',
    'floor warm µs': f.floorWarmUs?.toFixed(1) ?? 'n/a',
    'goal (≤50 KB extra, ≤1.3x load)': f.bytes - f.floorBytes <= 50 * KB && f.loadMs / f.floorLoadMs <= 1.3 ? 'met' : 'not met',
  }));
  console.log(
    `\nFunctions (esbuild minified bundles; load = median of ${LOAD_RUNS} fresh processes; warm = mean of ${WARM_RUNS} mocked invocations, API routes only)`,
  );
  console.table(rows);
}

// ---------------------------------------------------------------------------------------------
// Visit logging at scale

/** A typical page view: the page-view beacon at load, the leave beacon (time spent) at unload. */
const PAGE_VIEW_EVENTS: BeaconInput['events'][] = [
  [
    {
      type: 'pageview',
      path: '/products/green-tea-matcha-100g',
      referrer: 'https://www.google.com/',
      title: 'ชาเขียวมัทฉะ 100 กรัม | ร้านค้า',
      at: new Date().toISOString(),
    },
  ],
  [{ type: 'leave', path: '/products/green-tea-matcha-100g', durationMs: 42_000, at: new Date().toISOString() }],
];
/** Lambda bills whole milliseconds; a beacon waits for two DynamoDB round trips (consent read, batch write). */
const ASSUMED_DYNAMODB_ROUND_TRIP_MS = 5;
/** Request log line + Lambda START/END/REPORT lines + API access log line, per beacon. */
const ASSUMED_LOG_BYTES_PER_BEACON = 700;

async function benchVisits(figures: FunctionFigures[]) {
  const settings = stageFromCdkJson('local');
  const { handler } = (await import(pathToFileURL(join(REPO_ROOT, 'functions', 'visits', 'record-visits.ts')).href)) as { handler: Invocable };
  const token = issueConsentToken(
    { visitorId: 'v-0123456789', receiptId: 'r', policyVersion: '2024-01', choices: { necessary: true, analytics: true, marketing: false } },
    Buffer.from(process.env.TOKEN_SECRET!),
    new Date(),
    30,
  ).token;
  const sample = loadEvent('apigw', 'record-visits');
  const withEvents = (n: number) => () => {
    const e = structuredClone(sample);
    e.body = JSON.stringify({
      visitorId: 'v-0123456789',
      sessionId: 's-1',
      consentToken: token,
      events: Array.from({ length: n }, (_, i) => ({ type: 'pageview', path: `/p/${i}`, title: 'สินค้า' })),
    });
    return e;
  };
  const one = await warmMicros(handler, withEvents(1));
  const ten = await warmMicros(handler, withEvents(10));
  const fn = figures.find((f) => f.id === 'recordVisits');
  console.log('\nVisit beacons (POST /v1/visits, mocked DynamoDB)');
  console.table([
    { figure: 'warm time, batch of 1 event', value: `${one.toFixed(1)} µs` },
    { figure: 'warm time, batch of 10 events', value: `${ten.toFixed(1)} µs (${(ten / 10).toFixed(1)} µs per event)` },
    { figure: 'bundle (minified)', value: fn ? `${(fn.bytes / KB).toFixed(1)} KB` : 'n/a' },
    { figure: 'cold module load', value: fn ? `${fn.loadMs.toFixed(1)} ms` : 'n/a' },
  ]);

  const now = new Date();
  const records = PAGE_VIEW_EVENTS.map((events) =>
    packVisitRecords(
      { visitorId: 'v-0123456789abcdef', sessionId: 's-0123456789', events },
      { ip: '203.0.113.10', browser: 'Mobile Safari 17', os: 'iOS 17.5', device: 'mobile' },
      now,
      settings.visitRetentionDays,
    ),
  );
  const recordBytes = records.flat().reduce((n, r) => n + itemSize(r), 0) / records.flat().length;
  const ten10 = packVisitRecords(
    {
      visitorId: 'v-0123456789abcdef',
      sessionId: 's-1',
      events: Array.from({ length: 10 }, (_, i) => ({ type: 'pageview' as const, path: `/products/item-${i}`, title: 'สินค้า' })),
    },
    { ip: '203.0.113.10' },
    now,
    395,
  );
  const billedMs = Math.max(1, Math.ceil(one / 1000)) + 2 * ASSUMED_DYNAMODB_ROUND_TRIP_MS;
  const lines = visitCostPerMillionPageViews({
    beaconsPerPageView: PAGE_VIEW_EVENTS.length,
    recordsPerBeacon: records.flat().length / PAGE_VIEW_EVENTS.length,
    recordBytes,
    consentReadsPerBeacon: 1,
    memoryMb: DEFAULT_MEMORY_MB,
    billedMsPerBeacon: billedMs,
    retentionDays: settings.visitRetentionDays,
    logBytesPerBeacon: ASSUMED_LOG_BYTES_PER_BEACON,
  });
  console.log(
    `\nCost per million page views (${PAGE_VIEW_EVENTS.length} beacons each: page view at load, leave at unload; ${recordBytes.toFixed(0)} B per record; us-east-1 list prices, see scripts/lib/cost-model.ts)`,
  );
  console.table([
    ...lines.map((l) => ({ item: l.item, 'USD per million page views': l.usd.toFixed(4) })),
    { item: 'total', 'USD per million page views': total(lines).toFixed(4) },
  ]);
  console.log(
    `Packing: a beacon of 10 page views is ${ten10.length} record(s) (${ten10.length} write unit(s)) instead of 10; the withdrawal check costs ${(0.5 * 0.125).toFixed(4)} USD per million beacons.`,
  );
}

// ---------------------------------------------------------------------------------------------
// Deadline chains

/** Runs one request's chain in simulated time (the real domain code) and counts hops and mails. */
async function simulateChain(type: 'stop_marketing' | 'delete', closeAfterDays?: number) {
  const sim = simulation();
  const start = sim.clock.now();
  const request = newRequest(
    { id: 'R-BENCHBENCH', type, channel: 'web', email: 'a@example.com', locale: 'th', status: type === 'stop_marketing' ? 'awaiting_confirmation' : 'open' },
    start,
    DEFAULT_DEADLINES,
    'bench',
  );
  await sim.requests.create(request);
  await startChain(sim.deps, request);
  const end = start.getTime() + (closeAfterDays ?? 60) * 86_400_000;
  for (let job = sim.scheduler.next(); job; job = sim.scheduler.next()) {
    if (closeAfterDays !== undefined && sim.clock.now().getTime() >= end) {
      const r = (await sim.requests.get(request.id))!;
      if (r.status === 'open')
        await sim.requests.update(
          withEvent(
            r,
            { status: 'done', outcome: 'done', closedAt: sim.clock.now().toISOString() },
            { at: sim.clock.now().toISOString(), event: 'completed:done', by: 'bench' },
          ),
        );
    }
    await processJob(sim.deps, job);
  }
  return { hops: sim.scheduler.sent, mails: sim.mailer.sent.length };
}

async function benchDeadlines() {
  const chains = [
    { name: 'unsubscribe, enforced at 7 days', ...(await simulateChain('stop_marketing')) },
    { name: 'request closed on day 30', ...(await simulateChain('delete', 30)) },
    { name: 'request closed 5 days overdue (day 35)', ...(await simulateChain('delete', 35)) },
  ];
  console.log('\nDeadline chain per request (one hop per 15 minutes: SQS delays at most 900 s; us-east-1 list prices as above)');
  console.table(
    chains.map((c) => {
      const lines = deadlineChainCost({
        hops: c.hops,
        sqsRequestsPerHop: 3,
        readUnitsPerHop: 2,
        writeUnitsPerHop: 1,
        memoryMb: DEFAULT_MEMORY_MB,
        billedMsPerHop: 2 * ASSUMED_DYNAMODB_ROUND_TRIP_MS + 5,
        mailsSent: c.mails,
      });
      return {
        chain: c.name,
        'messages (hops)': c.hops,
        'Lambda invocations (at most)': c.hops,
        mails: c.mails,
        'USD per chain': total(lines).toFixed(6),
        'USD per 1,000 requests': (total(lines) * 1000).toFixed(3),
      };
    }),
  );
}

if (process.argv[1]?.endsWith('bench.ts')) {
  process.env.LOG_LEVEL = 'silent';
  console.log(`Node ${process.version} on ${process.arch}; figures vary with the machine, ratios travel better than absolutes.`);
  const figures = await measureFunctions();
  printFunctions(figures);
  await benchVisits(figures);
  await benchDeadlines();
  const kit = kitSize();
  console.log(`\nStorefront kit (GET /v1/kit.js): ${(kit.minified / KB).toFixed(1)} KB minified, ${(kit.gzipped / KB).toFixed(1)} KB gzipped`);
  printConsoleFigures(await consoleFigures());
  rmSync(OUT, { recursive: true, force: true });
}
