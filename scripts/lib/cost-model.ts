/**
 * Cost model for the bench: USD per million page views for the visit-logging path, from published
 * AWS on-demand prices (us-east-1, list prices without free tier; check the pages below before
 * quoting). Every price is a named constant so a change of price is a change of one line.
 */

/** https://aws.amazon.com/api-gateway/pricing/ — HTTP APIs, first 300 million requests a month. */
export const HTTP_API_USD_PER_MILLION_REQUESTS = 1.0;
/** https://aws.amazon.com/lambda/pricing/ — requests, any architecture. */
export const LAMBDA_USD_PER_MILLION_REQUESTS = 0.2;
/** https://aws.amazon.com/lambda/pricing/ — Arm (Graviton2) duration, first 7.5 billion GB-s a month. */
export const LAMBDA_ARM_USD_PER_GB_SECOND = 0.0000133334;
/** https://aws.amazon.com/dynamodb/pricing/on-demand/ — write request units (price since Nov 2024). */
export const DYNAMODB_USD_PER_MILLION_WRITE_UNITS = 0.625;
/** https://aws.amazon.com/dynamodb/pricing/on-demand/ — read request units; an eventually consistent read of up to 4 KB is half a unit. */
export const DYNAMODB_USD_PER_MILLION_READ_UNITS = 0.125;
/** https://aws.amazon.com/dynamodb/pricing/on-demand/ — Standard table class storage. */
export const DYNAMODB_USD_PER_GB_MONTH = 0.25;
/** DynamoDB adds this many bytes of overhead to every stored item (and again per index entry). */
export const DYNAMODB_ITEM_OVERHEAD_BYTES = 100;
/** https://aws.amazon.com/cloudwatch/pricing/ — Logs ingestion (standard class). */
export const CLOUDWATCH_LOGS_USD_PER_GB_INGESTED = 0.5;
/** https://aws.amazon.com/sqs/pricing/ — standard queue requests (each 64 KB chunk of a request). */
export const SQS_USD_PER_MILLION_REQUESTS = 0.4;

const MILLION = 1_000_000;
const GB = 1024 ** 3;
const DAYS_PER_MONTH = 30.4;

export interface BeaconProfile {
  /** Beacons (HTTP requests) per page view. */
  beaconsPerPageView: number;
  /** Stored records (write units: each under 1 KB) per beacon. */
  recordsPerBeacon: number;
  /** Bytes of each stored record as DynamoDB counts them. */
  recordBytes: number;
  /** Eventually consistent reads of the current consent per beacon (0.5 read unit each). */
  consentReadsPerBeacon: number;
  memoryMb: number;
  /** Billed Lambda milliseconds per beacon (handler time plus DynamoDB round trips). */
  billedMsPerBeacon: number;
  retentionDays: number;
  /** Bytes of log lines written per beacon (the request log and access log). */
  logBytesPerBeacon: number;
}

/** One priced item; `usd` is per million page views for visits, per chain for deadlines. */
export interface CostLine {
  item: string;
  usd: number;
}

export function visitCostPerMillionPageViews(p: BeaconProfile): CostLine[] {
  const beacons = p.beaconsPerPageView * MILLION;
  const records = beacons * p.recordsPerBeacon;
  const storedGbMonths = ((records * (p.recordBytes + DYNAMODB_ITEM_OVERHEAD_BYTES)) / GB) * (p.retentionDays / DAYS_PER_MONTH);
  return [
    { item: 'API Gateway HTTP API requests', usd: (beacons / MILLION) * HTTP_API_USD_PER_MILLION_REQUESTS },
    { item: 'Lambda requests', usd: (beacons / MILLION) * LAMBDA_USD_PER_MILLION_REQUESTS },
    {
      item: `Lambda duration (arm64, ${p.memoryMb} MB, ${p.billedMsPerBeacon} ms)`,
      usd: beacons * (p.memoryMb / 1024) * (p.billedMsPerBeacon / 1000) * LAMBDA_ARM_USD_PER_GB_SECOND,
    },
    { item: 'DynamoDB writes (records < 1 KB)', usd: (records / MILLION) * DYNAMODB_USD_PER_MILLION_WRITE_UNITS },
    { item: 'Consent check (eventually consistent read)', usd: ((beacons * p.consentReadsPerBeacon * 0.5) / MILLION) * DYNAMODB_USD_PER_MILLION_READ_UNITS },
    { item: `DynamoDB storage for ${p.retentionDays} days`, usd: storedGbMonths * DYNAMODB_USD_PER_GB_MONTH },
    { item: 'CloudWatch Logs ingestion', usd: ((beacons * p.logBytesPerBeacon) / GB) * CLOUDWATCH_LOGS_USD_PER_GB_INGESTED },
  ];
}

export const total = (lines: CostLine[]) => lines.reduce((sum, l) => sum + l.usd, 0);

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
