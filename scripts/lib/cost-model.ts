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

export interface CostLine {
  item: string;
  usdPerMillionPageViews: number;
}

export function visitCostPerMillionPageViews(p: BeaconProfile): CostLine[] {
  const beacons = p.beaconsPerPageView * MILLION;
  const records = beacons * p.recordsPerBeacon;
  const storedGbMonths = (records * (p.recordBytes + DYNAMODB_ITEM_OVERHEAD_BYTES)) / GB * (p.retentionDays / DAYS_PER_MONTH);
  return [
    { item: 'API Gateway HTTP API requests', usdPerMillionPageViews: (beacons / MILLION) * HTTP_API_USD_PER_MILLION_REQUESTS },
    { item: 'Lambda requests', usdPerMillionPageViews: (beacons / MILLION) * LAMBDA_USD_PER_MILLION_REQUESTS },
    { item: `Lambda duration (arm64, ${p.memoryMb} MB, ${p.billedMsPerBeacon} ms)`, usdPerMillionPageViews: beacons * (p.memoryMb / 1024) * (p.billedMsPerBeacon / 1000) * LAMBDA_ARM_USD_PER_GB_SECOND },
    { item: 'DynamoDB writes (records < 1 KB)', usdPerMillionPageViews: (records / MILLION) * DYNAMODB_USD_PER_MILLION_WRITE_UNITS },
    { item: 'Consent check (eventually consistent read)', usdPerMillionPageViews: ((beacons * p.consentReadsPerBeacon * 0.5) / MILLION) * DYNAMODB_USD_PER_MILLION_READ_UNITS },
    { item: `DynamoDB storage for ${p.retentionDays} days`, usdPerMillionPageViews: storedGbMonths * DYNAMODB_USD_PER_GB_MONTH },
    { item: 'CloudWatch Logs ingestion', usdPerMillionPageViews: ((beacons * p.logBytesPerBeacon) / GB) * CLOUDWATCH_LOGS_USD_PER_GB_INGESTED },
  ];
}

export const total = (lines: CostLine[]) => lines.reduce((sum, l) => sum + l.usdPerMillionPageViews, 0);
