/**
 * `npm run bench`: per function, the deployed bundle's size, its module load time (CPU and wall) in
 * fresh Node processes, and the handler's warm time per invocation with mocked AWS clients; beside
 * each, the same figures for a *floor* bundle that only constructs the SDK clients the function
 * imports (how floors are built and loads compared: scripts/lib/load-bench.ts). Figures are printed,
 * never asserted: goals are for people to read (each handler within 50 KB and 1.3x load time of its
 * floor).
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_MEMORY_MB } from '../infra/constructs/privacy-function';
import { REPO_ROOT } from '../infra/stage-config';
import { kitSize } from './lib/kit-size';
import { consoleFigures, printConsoleFigures } from './lib/console-bench';
import { deadlineChainCost, total } from './lib/cost-model';
import { benchVisits } from './lib/beacon-bench';
import { simulation } from '../test/helpers/deadline-sim';
import { processJob, startChain } from '../shared/domain/deadline-service';
import { DEFAULT_DEADLINES } from '../shared/domain/deadlines';
import { newRequest, withEvent } from '../shared/domain/requests';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ROUTES } from '../shared/routes';
import { WORKERS } from '../shared/workers';
import { loadEvent } from '../test/helpers/events';
import { bundle, buildFloor, compareLoads, sdkImportsOf } from './lib/load-bench';
import '../test/helpers/env';

const OUT = join(REPO_ROOT, '.bench');
/** Rounds of loading each bundle and its floor (one fresh process each per round). */
const LOAD_RUNS = Number(process.env.BENCH_LOAD_RUNS ?? 9);
const WARM_RUNS = Number(process.env.BENCH_WARM_RUNS ?? 2000);
const KB = 1024;

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
  /** What the floor constructs (the SDK clients the bundle imports), or the floor used when none. */
  floor: string;
  /** Median wall time of the module load. */
  loadMs: number;
  floorLoadMs: number;
  /** Median CPU time of the module load (user + system). */
  loadCpuMs: number;
  floorLoadCpuMs: number;
  /** Median over rounds of bundle CPU / floor CPU, both loaded in the same round. */
  loadRatio: number;
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
    const { bytes, metafile } = await bundle(join(REPO_ROOT, 'functions', `${fn.handler}.ts`), bundleFile);
    const floor = await buildFloor(sdkImportsOf(metafile), fn.route ? 'route' : 'worker', OUT, fn.id);
    const load = compareLoads(bundleFile, floor.file, LOAD_RUNS);
    const row: FunctionFigures = {
      id: fn.id,
      bytes,
      floorBytes: floor.bytes,
      floor: floor.description,
      loadMs: load.bundle.wallMs,
      floorLoadMs: load.floor.wallMs,
      loadCpuMs: load.bundle.cpuMs,
      floorLoadCpuMs: load.floor.cpuMs,
      loadRatio: load.cpuRatio,
    };
    if (fn.route) {
      const { handler } = (await import(pathToFileURL(join(REPO_ROOT, 'functions', `${fn.handler}.ts`)).href)) as { handler: Invocable };
      const { handler: floorHandler } = (await import(pathToFileURL(floor.entry).href)) as { handler: Invocable };
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
    floor: f.floor,
    'load CPU ms': f.loadCpuMs.toFixed(1),
    'floor CPU ms': f.floorLoadCpuMs.toFixed(1),
    'load wall ms': f.loadMs.toFixed(1),
    'floor wall ms': f.floorLoadMs.toFixed(1),
    'load ratio (CPU)': f.loadRatio.toFixed(2),
    'warm µs': f.warmUs?.toFixed(1) ?? 'n/a',
    'floor warm µs': f.floorWarmUs?.toFixed(1) ?? 'n/a',
    'goal (≤50 KB extra, ≤1.3x load)': f.bytes - f.floorBytes <= 50 * KB && f.loadRatio <= 1.3 ? 'met' : 'not met',
  }));
  console.log(
    `\nFunctions (esbuild minified bundles; load = medians of ${LOAD_RUNS} rounds, each loading the bundle and its floor in fresh processes, alternating which goes first; ratio = median of the per-round CPU ratios; warm = mean of ${WARM_RUNS} mocked invocations, API routes only)`,
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
  (await import('./lib/reports-bench')).printReportsBench();
  const kit = kitSize();
  const bare = kitSize(null);
  console.log(
    `\nStorefront kit (GET /v1/kit.js, a typical policy inside): ${(kit.minified / KB).toFixed(1)} KB minified, ${(kit.gzipped / KB).toFixed(1)} KB gzipped, ${(kit.brotli / KB).toFixed(1)} KB brotli (as served; ?v=<KIT_VERSION>, without the policy: ${(bare.brotli / KB).toFixed(1)} KB)`,
  );
  printConsoleFigures(await consoleFigures());
  rmSync(OUT, { recursive: true, force: true });
}
