/**
 * Cost model for the bench: what AWS bills for visit logging, in USD per million storefront page
 * views, for the stack as `cdk deploy -c stage=prod` builds it. Every price is a named constant with
 * its source (list prices without free tier; the API in us-east-1, shoppers in Thailand, so
 * CloudFront bills at its "Hong Kong, Indonesia, ..., Thailand" rates: check the pages before
 * quoting), and every assumption about traffic is an input the bench prints beside the figure.
 *
 * A page view costs: the kit (carrying the policy; the policy alone only where it does not) when the browser's cache does not have it, its share
 * of a beacon (the kit batches events across page views), and what a beacon costs all the way down:
 * CloudFront, API Gateway, Lambda (duration, billed INIT and a secret read per cold start, X-Ray when
 * traced), DynamoDB (writes, the consent read, storage and point-in-time recovery for the retention
 * period) and CloudWatch Logs (ingestion and storage of what is logged).
 */

const MILLION = 1_000_000;
const GB = 1024 ** 3;
const DAYS_PER_MONTH = 30.4;

/** https://aws.amazon.com/api-gateway/pricing/ — HTTP APIs, first 300 million requests a month. */
export const HTTP_API_USD_PER_MILLION_REQUESTS = 1.0;
/** https://aws.amazon.com/lambda/pricing/ — requests, any architecture. */
export const LAMBDA_USD_PER_MILLION_REQUESTS = 0.2;
/** https://aws.amazon.com/lambda/pricing/ — Arm (Graviton2) duration, first 7.5 billion GB-s a month; the INIT phase is billed the same way (since August 2025). */
export const LAMBDA_ARM_USD_PER_GB_SECOND = 0.0000133334;
/** https://aws.amazon.com/secrets-manager/pricing/ — $0.05 per 10,000 API calls (GetSecretValue once per cold start). */
export const SECRETS_MANAGER_USD_PER_MILLION_CALLS = 5.0;
/** https://aws.amazon.com/xray/pricing/ — traces recorded, $5.00 per million. */
export const XRAY_USD_PER_MILLION_TRACES = 5.0;
/** https://aws.amazon.com/dynamodb/pricing/on-demand/ — write request units, Standard table class (price since Nov 2024). */
export const DYNAMODB_USD_PER_MILLION_WRITE_UNITS = 0.625;
/** https://aws.amazon.com/dynamodb/pricing/on-demand/ — read request units, Standard; an eventually consistent read of up to 4 KB is half a unit. */
export const DYNAMODB_USD_PER_MILLION_READ_UNITS = 0.125;
/** https://aws.amazon.com/dynamodb/pricing/on-demand/ — write request units, Standard-Infrequent-Access table class. */
export const DYNAMODB_IA_USD_PER_MILLION_WRITE_UNITS = 0.78125;
/** https://aws.amazon.com/dynamodb/pricing/on-demand/ — read request units, Standard-Infrequent-Access table class. */
export const DYNAMODB_IA_USD_PER_MILLION_READ_UNITS = 0.15625;
/** https://aws.amazon.com/dynamodb/pricing/on-demand/ — Standard table class storage. */
export const DYNAMODB_USD_PER_GB_MONTH = 0.25;
/** https://aws.amazon.com/dynamodb/pricing/on-demand/ — Standard-Infrequent-Access storage. */
export const DYNAMODB_IA_USD_PER_GB_MONTH = 0.1;
/** https://aws.amazon.com/dynamodb/pricing/on-demand/ — continuous backups (point-in-time recovery), per GB-month of table size. */
export const DYNAMODB_PITR_USD_PER_GB_MONTH = 0.2;
/** DynamoDB adds this many bytes of overhead to every stored item (and again per index entry). */
export const DYNAMODB_ITEM_OVERHEAD_BYTES = 100;
/** https://aws.amazon.com/cloudwatch/pricing/ — Logs ingestion (standard class). */
export const CLOUDWATCH_LOGS_USD_PER_GB_INGESTED = 0.5;
/** https://aws.amazon.com/cloudwatch/pricing/ — Logs storage (archival), per GB-month; counted here on the raw size (an upper bound: AWS counts it compressed). */
export const CLOUDWATCH_LOGS_USD_PER_GB_MONTH = 0.03;
/** https://aws.amazon.com/cloudfront/pricing/ — HTTPS requests, Thailand's price group, $0.0120 per 10,000. */
export const CLOUDFRONT_HTTPS_USD_PER_MILLION_REQUESTS = 1.2;
/** https://aws.amazon.com/cloudfront/pricing/ — data transfer out to the internet, Thailand's price group, first 10 TB. */
export const CLOUDFRONT_USD_PER_GB_OUT = 0.12;
/** https://aws.amazon.com/cloudfront/pricing/ — regional data transfer out to origin (request bodies), Thailand's price group. */
export const CLOUDFRONT_USD_PER_GB_TO_ORIGIN = 0.06;
/** https://aws.amazon.com/ec2/pricing/on-demand/ (data transfer) — what API Gateway bills for answers sent straight to the internet. */
export const INTERNET_USD_PER_GB_OUT = 0.09;
/** https://aws.amazon.com/sqs/pricing/ — standard queue requests (each 64 KB chunk of a request). */
export const SQS_USD_PER_MILLION_REQUESTS = 0.4;

/** How a million page views use the visit-logging path: traffic assumptions and measured sizes. */
export interface VisitProfile {
  /** Beacons (HTTP requests to POST /v1/visits) per page view: the kit's batching across page views. */
  beaconsPerPageView: number;
  /** `GET /v1/kit.js` and `GET /v1/policy` requests that leave the browser (its cache misses), per page view. */
  kitFetchesPerPageView: number;
  policyFetchesPerPageView: number;
  /** Share of those GETs the CDN answers from its cache (0 without CloudFront: every one reaches Lambda). */
  edgeHitRatio: number;
  /** Whether browsers reach the API through CloudFront (its request and transfer fees apply). */
  viaCloudFront: boolean;
  /**
   * Whether beacons pass through API Gateway (its request fee and access log line). False when
   * CloudFront calls the beacon function's URL: a function URL has no fee of its own, Lambda's
   * request fee stays.
   */
  beaconsViaApiGateway: boolean;
  /** Bytes on the wire: the beacon's request, the kit (compressed) and the policy answers. */
  beaconRequestBytes: number;
  kitResponseBytes: number;
  policyResponseBytes: number;
  /** Stored records per beacon (one: packVisitRecord), and their size as DynamoDB counts it (write units follow from it). */
  recordsPerBeacon: number;
  recordBytes: number;
  /** Eventually consistent reads of the current consent per beacon (0.5 read unit each). */
  consentReadsPerBeacon: number;
  /** The visits table: Standard or Standard-Infrequent-Access, with or without point-in-time recovery. */
  infrequentAccess: boolean;
  pointInTimeRecovery: boolean;
  retentionDays: number;
  /** The beacon function. */
  memoryMb: number;
  /** Billed milliseconds per warm beacon (handler time plus DynamoDB round trips). */
  billedMsPerBeacon: number;
  /** Cold starts per beacon, their billed INIT milliseconds and Secrets Manager reads each. */
  coldStartsPerBeacon: number;
  initBilledMs: number;
  secretReadsPerColdStart: number;
  /** X-Ray: whether the function traces actively, and the share of beacons recorded (1 at low traffic: 1 request/s is always taken). */
  activeTracing: boolean;
  tracedShare: number;
  /** Log bytes per beacon (function lines as written, after sampling) and per API request (the access log). */
  functionLogBytesPerBeacon: number;
  accessLogBytesPerRequest: number;
  logRetentionDays: number;
  /** Memory and billed milliseconds of the kit and policy functions, for GETs the CDN does not answer. */
  getMemoryMb: number;
  getBilledMs: number;
}

/**
 * Write units of one put of an item of `bytes` (names and values, as itemSize counts them): DynamoDB
 * bills one per started KB of each item. The 100 bytes of per-item overhead count toward storage only.
 */
export const writeUnitsPerItem = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** What AWS's always-free tier gives every account each month, shared by everything the account runs. */
export type FreeAllowance = 'cloudFrontRequests' | 'cloudFrontGbOut' | 'lambdaRequests' | 'lambdaGbSeconds';
/**
 * https://aws.amazon.com/cloudfront/pricing/ ("Always free": 10,000,000 HTTP or HTTPS requests and
 * 1 TB out a month) and https://aws.amazon.com/lambda/pricing/ (1 million requests and 400,000
 * GB-seconds a month). Not counted in the per-million figure, which prices what one more million
 * page views costs; shown apart as what a month's bill would be if nothing else used them.
 */
export const ALWAYS_FREE_PER_MONTH: Readonly<Record<FreeAllowance, number>> = {
  cloudFrontRequests: 10_000_000,
  cloudFrontGbOut: 1024,
  lambdaRequests: 1_000_000,
  lambdaGbSeconds: 400_000,
};

/** One priced item; `usd` is per million page views for visits, per chain for deadlines. */
export interface CostLine {
  item: string;
  usd: number;
  /** The always-free allowance this line draws on, and how much of it a million page views use. */
  covered?: { by: FreeAllowance; quantity: number };
}

/** Monthly storage bought by keeping `bytes` for `days`. */
const gbMonths = (bytes: number, days: number) => (bytes / GB) * (days / DAYS_PER_MONTH);

export function visitCostPerMillionPageViews(p: VisitProfile): CostLine[] {
  const beacons = p.beaconsPerPageView * MILLION;
  const gets = (p.kitFetchesPerPageView + p.policyFetchesPerPageView) * MILLION;
  const originGets = gets * (1 - p.edgeHitRatio);
  const apiRequests = (p.beaconsViaApiGateway ? beacons : 0) + originGets;
  const lambdaRequests = beacons + originGets;
  const records = beacons * p.recordsPerBeacon;
  const recordWriteUnits = writeUnitsPerItem(p.recordBytes);
  const storedBytes = records * (p.recordBytes + DYNAMODB_ITEM_OVERHEAD_BYTES);
  const coldStarts = beacons * p.coldStartsPerBeacon;
  const gbSeconds = (n: number, memoryMb: number, ms: number) => n * (memoryMb / 1024) * (ms / 1000);
  const lambdaSeconds = (n: number, memoryMb: number, ms: number) => gbSeconds(n, memoryMb, ms) * LAMBDA_ARM_USD_PER_GB_SECOND;
  const responseBytes =
    MILLION * (p.kitFetchesPerPageView * p.kitResponseBytes + p.policyFetchesPerPageView * p.policyResponseBytes) + beacons * SMALL_ANSWER_BYTES;
  const logBytes = beacons * p.functionLogBytesPerBeacon + apiRequests * p.accessLogBytesPerRequest;
  const per = (n: number, usdPerMillion: number) => (n / MILLION) * usdPerMillion;
  const lines: CostLine[] = [];
  if (p.viaCloudFront) {
    lines.push(
      {
        item: 'CloudFront HTTPS requests (beacons, kit and policy fetches)',
        usd: per(beacons + gets, CLOUDFRONT_HTTPS_USD_PER_MILLION_REQUESTS),
        covered: { by: 'cloudFrontRequests', quantity: beacons + gets },
      },
      {
        item: 'CloudFront transfer out (kit, policy, beacon answers)',
        usd: (responseBytes / GB) * CLOUDFRONT_USD_PER_GB_OUT,
        covered: { by: 'cloudFrontGbOut', quantity: responseBytes / GB },
      },
      { item: 'CloudFront transfer to origin (beacon bodies)', usd: ((beacons * p.beaconRequestBytes) / GB) * CLOUDFRONT_USD_PER_GB_TO_ORIGIN },
    );
  } else {
    lines.push({ item: 'Data transfer out from API Gateway (kit, policy, beacon answers)', usd: (responseBytes / GB) * INTERNET_USD_PER_GB_OUT });
  }
  lines.push(
    {
      item: `API Gateway HTTP API requests (${p.beaconsViaApiGateway ? 'beacons, ' : ''}kit and policy at the origin${p.beaconsViaApiGateway ? '' : '; beacons go to the function URL'})`,
      usd: per(apiRequests, HTTP_API_USD_PER_MILLION_REQUESTS),
    },
    { item: 'Lambda requests', usd: per(lambdaRequests, LAMBDA_USD_PER_MILLION_REQUESTS), covered: { by: 'lambdaRequests', quantity: lambdaRequests } },
    {
      item: `Lambda duration (beacons: arm64, ${p.memoryMb} MB, ${p.billedMsPerBeacon} ms; kit and policy: ${p.getMemoryMb} MB, ${p.getBilledMs} ms)`,
      usd: lambdaSeconds(beacons, p.memoryMb, p.billedMsPerBeacon) + lambdaSeconds(originGets, p.getMemoryMb, p.getBilledMs),
      covered: { by: 'lambdaGbSeconds', quantity: gbSeconds(beacons, p.memoryMb, p.billedMsPerBeacon) + gbSeconds(originGets, p.getMemoryMb, p.getBilledMs) },
    },
    {
      item: `Cold starts (${p.coldStartsPerBeacon} per beacon): billed INIT of ${p.initBilledMs} ms and ${p.secretReadsPerColdStart} GetSecretValue each`,
      usd: lambdaSeconds(coldStarts, p.memoryMb, p.initBilledMs) + per(coldStarts * p.secretReadsPerColdStart, SECRETS_MANAGER_USD_PER_MILLION_CALLS),
    },
    {
      item: `X-Ray traces (${p.activeTracing ? `active, ${p.tracedShare * 100}% of beacons` : 'tracing off'})`,
      usd: p.activeTracing ? per(beacons * p.tracedShare, XRAY_USD_PER_MILLION_TRACES) : 0,
    },
    {
      item: `DynamoDB writes (${p.infrequentAccess ? 'Standard-IA' : 'Standard'}, ${recordWriteUnits} write unit${recordWriteUnits === 1 ? '' : 's'} per record)`,
      usd: per(records * recordWriteUnits, p.infrequentAccess ? DYNAMODB_IA_USD_PER_MILLION_WRITE_UNITS : DYNAMODB_USD_PER_MILLION_WRITE_UNITS),
    },
    {
      // The consents table is Standard: the read is priced there.
      item: 'Consent check (eventually consistent read)',
      usd: per(beacons * p.consentReadsPerBeacon * 0.5, DYNAMODB_USD_PER_MILLION_READ_UNITS),
    },
    {
      item: `DynamoDB storage for ${p.retentionDays} days (${p.infrequentAccess ? 'Standard-IA' : 'Standard'})`,
      usd: gbMonths(storedBytes, p.retentionDays) * (p.infrequentAccess ? DYNAMODB_IA_USD_PER_GB_MONTH : DYNAMODB_USD_PER_GB_MONTH),
    },
    {
      item: `Point-in-time recovery of the visits table (${p.pointInTimeRecovery ? 'on' : 'off'})`,
      usd: p.pointInTimeRecovery ? gbMonths(storedBytes, p.retentionDays) * DYNAMODB_PITR_USD_PER_GB_MONTH : 0,
    },
    { item: 'CloudWatch Logs ingestion (function and access logs)', usd: (logBytes / GB) * CLOUDWATCH_LOGS_USD_PER_GB_INGESTED },
    { item: `CloudWatch Logs storage for ${p.logRetentionDays} days`, usd: gbMonths(logBytes, p.logRetentionDays) * CLOUDWATCH_LOGS_USD_PER_GB_MONTH },
  );
  return lines;
}

/** A 202 `{"stored":n}` with its headers, as sent back to the browser. */
export const SMALL_ANSWER_BYTES = 400;

export const total = (lines: CostLine[]) => lines.reduce((sum, l) => sum + l.usd, 0);

/**
 * A month's bill for `pageViewsPerMonth`: the per-million lines scaled, and with `alwaysFree` the
 * allowances taken off the lines that draw on them (in the lines' order, each allowance once), as
 * AWS would bill an account where nothing else uses them.
 */
export function monthlyBill(lines: CostLine[], pageViewsPerMonth: number, alwaysFree: boolean): number {
  const scale = pageViewsPerMonth / MILLION;
  const left: Record<FreeAllowance, number> = { ...ALWAYS_FREE_PER_MONTH };
  let usd = 0;
  for (const line of lines) {
    const full = line.usd * scale;
    const used = (line.covered?.quantity ?? 0) * scale;
    if (!alwaysFree || !line.covered || used <= 0) {
      usd += full;
      continue;
    }
    const free = Math.min(used, left[line.covered.by]);
    left[line.covered.by] -= free;
    usd += full * (1 - free / used);
  }
  return usd;
}

/** How a shop's sessions turn into requests; printed by the bench beside the figure. */
export interface SessionAssumptions {
  pageViewsPerSession: number;
  /** Events the kit records per page view (a page view carries its visible time: one event) plus searches. */
  eventsPerPageView: number;
  /** Times a session's tab is hidden (another tab, another app) before its end: each sends what is held, on a browser without fetchLater. */
  hidesBeforeEnd: number;
  /**
   * Share of page views on browsers with `fetchLater`: there a hide hands the queue to the browser
   * as a deferred request, taken back when the tab is shown again, so a hide sends nothing (a hide
   * longer than the rest of the hold still sends, as the hold's timer would have).
   */
  deferredFetchShare: number;
  /** The kit sends when this many events are held (and at the latest at the bounded delay, or when the tab hides). */
  flushAtEvents: number;
  /** Kit answers fetched per session (browser cache misses). */
  kitFetchesPerSession: number;
  /** Policy checks per session; each is a `GET /v1/policy` request only where the kit's answer does not carry the policy. */
  policyFetchesPerSession: number;
}

/** Beacons per page view: every `flushAtEvents` events, every hide on a browser without fetchLater, and the session's end. */
export function beaconsPerPageView(a: SessionAssumptions): number {
  const events = a.pageViewsPerSession * a.eventsPerPageView;
  const flushes = Math.max(Math.ceil(events / a.flushAtEvents), 1 + a.hidesBeforeEnd * (1 - a.deferredFetchShare));
  return flushes / a.pageViewsPerSession;
}

/** https://aws.amazon.com/ses/pricing/ — outbound e-mail. */
export const SES_USD_PER_THOUSAND_EMAILS = 0.1;

export interface ChainProfile {
  /** Messages the chain sent (one per hop). */
  hops: number;
  /** SQS requests per hop: send, receive and delete (receives and deletes are batched in practice, so this is an upper bound). */
  sqsRequestsPerHop: number;
  /** Reads per hop: the request and its chain state, strongly consistent (1 read unit each). */
  readUnitsPerHop: number;
  /** Writes per hop: the chain's conditional advance (1 write unit). */
  writeUnitsPerHop: number;
  memoryMb: number;
  billedMsPerHop: number;
  mailsSent: number;
}

export function deadlineChainCost(p: ChainProfile): CostLine[] {
  const per = (n: number, usdPerMillion: number) => (n / MILLION) * usdPerMillion;
  return [
    { item: 'SQS requests', usd: per(p.hops * p.sqsRequestsPerHop, SQS_USD_PER_MILLION_REQUESTS) },
    { item: 'Lambda requests', usd: per(p.hops, LAMBDA_USD_PER_MILLION_REQUESTS) },
    {
      item: `Lambda duration (arm64, ${p.memoryMb} MB, ${p.billedMsPerHop} ms)`,
      usd: p.hops * (p.memoryMb / 1024) * (p.billedMsPerHop / 1000) * LAMBDA_ARM_USD_PER_GB_SECOND,
    },
    { item: 'DynamoDB reads', usd: per(p.hops * p.readUnitsPerHop, DYNAMODB_USD_PER_MILLION_READ_UNITS) },
    { item: 'DynamoDB writes', usd: per(p.hops * p.writeUnitsPerHop, DYNAMODB_USD_PER_MILLION_WRITE_UNITS) },
    { item: 'SES mail', usd: (p.mailsSent / 1000) * SES_USD_PER_THOUSAND_EMAILS },
  ];
}

/** How the reports (policy 1.2) turn page views into stream batches and writes; printed by the bench beside the figure. */
export interface ReportsProfile {
  /** Traffic the figure is for: batches follow the clock (one per window) as much as the traffic. */
  pageViewsPerDay: number;
  /** Visit records per page view (beacons per page view times records per beacon). */
  visitRecordsPerPageView: number;
  /** Consent receipts and request writes per page view (their streams feed the reports too). */
  otherRecordsPerPageView: number;
  /** The event source mappings' batching window and largest batch. */
  batchingWindowSeconds: number;
  maxBatchSize: number;
  /** Streams read (one mapping each): the visits stream and the others (consents, requests). */
  streams: number;
  /** Bytes of partial (JSON) per visit record, measured on a synthetic day by the bench. */
  partialBytesPerRecord: number;
  memoryMb: number;
  billedMsPerBatch: number;
  /** Daily closes: each reads a day's partials and writes one closed item, then deletes the partials. */
  closesPerDay: number;
  closedDayBytes: number;
  /** How long closed days are kept (storage and point-in-time recovery). */
  keptDays: number;
}

/**
 * The reports' cost per million page views: stream reads by Lambda are free, so what is billed is
 * one invocation per batch, one conditional put of the batch's partial, the daily close (reading the
 * partials, one closed item, deleting the partials) and the closed days' storage.
 */
export function reportsCostPerMillionPageViews(p: ReportsProfile): CostLine[] {
  const pageViewsPerMonth = p.pageViewsPerDay * DAYS_PER_MONTH;
  const perMillion = MILLION / pageViewsPerMonth;
  const visitRecordsPerDay = p.pageViewsPerDay * p.visitRecordsPerPageView;
  const windowsPerDay = 86_400 / p.batchingWindowSeconds;
  // A batch closes at the window or at the batch size, whichever comes first; a quiet stream sends none.
  const visitBatchesPerDay = Math.max(visitRecordsPerDay / p.maxBatchSize, Math.min(windowsPerDay, visitRecordsPerDay));
  const otherBatchesPerDay = Math.min(windowsPerDay * (p.streams - 1), p.pageViewsPerDay * p.otherRecordsPerPageView);
  const batchesPerDay = visitBatchesPerDay + otherBatchesPerDay;
  const partialBytes = (visitRecordsPerDay * p.partialBytesPerRecord) / visitBatchesPerDay;
  const partialWritesPerDay = visitBatchesPerDay * writeUnitsPerItem(partialBytes) + otherBatchesPerDay;
  const closeReadUnitsPerDay = p.closesPerDay * ((visitBatchesPerDay * (partialBytes + DYNAMODB_ITEM_OVERHEAD_BYTES)) / 4096) * 0.5;
  const closeWritesPerDay = p.closesPerDay * (writeUnitsPerItem(p.closedDayBytes) + batchesPerDay);
  const monthly = (perDay: number) => perDay * DAYS_PER_MONTH * perMillion;
  const per = (n: number, usdPerMillion: number) => (n / MILLION) * usdPerMillion;
  const storedBytes = (p.closedDayBytes + DYNAMODB_ITEM_OVERHEAD_BYTES) * p.keptDays;
  return [
    {
      item: `Lambda requests (${Math.round(batchesPerDay)} batches a day)`,
      usd: per(monthly(batchesPerDay + p.closesPerDay), LAMBDA_USD_PER_MILLION_REQUESTS),
    },
    {
      item: `Lambda duration (arm64, ${p.memoryMb} MB, ${p.billedMsPerBatch} ms per batch)`,
      usd: monthly(batchesPerDay + p.closesPerDay) * (p.memoryMb / 1024) * (p.billedMsPerBatch / 1000) * LAMBDA_ARM_USD_PER_GB_SECOND,
    },
    {
      item: `DynamoDB writes: one partial per batch (${(partialBytes / 1024).toFixed(1)} KB), the closed day and the partials' deletion`,
      usd: per(monthly(partialWritesPerDay + closeWritesPerDay), DYNAMODB_USD_PER_MILLION_WRITE_UNITS),
    },
    { item: 'DynamoDB reads by the daily close (eventually consistent)', usd: per(monthly(closeReadUnitsPerDay), DYNAMODB_USD_PER_MILLION_READ_UNITS) },
    {
      // A month's storage of every closed day kept, spread over the month's page views; PITR as on every Standard table.
      item: `Storage and point-in-time recovery of ${p.keptDays} closed days (${(p.closedDayBytes / 1024).toFixed(0)} KB each)`,
      usd: (storedBytes / GB) * (DYNAMODB_USD_PER_GB_MONTH + DYNAMODB_PITR_USD_PER_GB_MONTH) * (MILLION / pageViewsPerMonth),
    },
  ];
}

/** The reports' budget per million page views (issue 12). */
export const REPORTS_BUDGET_USD_PER_MILLION_PAGE_VIEWS = 0.1;
