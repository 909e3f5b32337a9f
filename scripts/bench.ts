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
import { REPO_ROOT } from '../infra/stage-config';
import { kitSize } from './lib/kit-size';
import { deadlineChainCost, total } from './lib/cost-model';
import { benchVisits } from './lib/beacon-bench';
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

/** Mocks the clients for the per-function figures; returns what undoes it (the beacon bench runs the real SDK). */
function mockAws(): () => void {
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
  const secrets = mockClient(SecretsManagerClient);
  return () => {
    db.restore();
    secrets.restore();
  };
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
  const unmock = mockAws();
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
  unmock();
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

/** Lambda bills whole milliseconds; a hop waits for DynamoDB round trips. */
const ASSUMED_DYNAMODB_ROUND_TRIP_MS = 5;

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
  await benchVisits(
    figures.find((f) => f.id === 'recordVisits'),
    loadEvent('apigw', 'record-visits'),
    Buffer.from(process.env.TOKEN_SECRET!),
  );
  await benchDeadlines();
  const kit = kitSize();
  console.log(`\nStorefront kit (GET /v1/kit.js): ${(kit.minified / KB).toFixed(1)} KB minified, ${(kit.gzipped / KB).toFixed(1)} KB gzipped`);
  rmSync(OUT, { recursive: true, force: true });
}
