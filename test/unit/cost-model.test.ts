import { describe, expect, it } from 'vitest';
import {
  beaconsPerPageView,
  DYNAMODB_IA_USD_PER_GB_MONTH,
  DYNAMODB_IA_USD_PER_MILLION_WRITE_UNITS,
  DYNAMODB_USD_PER_MILLION_READ_UNITS,
  DYNAMODB_USD_PER_MILLION_WRITE_UNITS,
  LAMBDA_ARM_USD_PER_GB_SECOND,
  monthlyBill,
  total,
  visitCostPerMillionPageViews,
  writeUnitsPerItem,
  type VisitProfile,
} from '../../scripts/lib/cost-model';

/** Round numbers, so every line below was worked out by hand (1 GB = 1024^3 bytes, a month = 30.4 days). */
const profile: VisitProfile = {
  beaconsPerPageView: 0.5,
  kitFetchesPerPageView: 0.1,
  policyFetchesPerPageView: 0.1,
  edgeHitRatio: 0.5,
  viaCloudFront: true,
  beaconsViaApiGateway: true,
  beaconRequestBytes: 1024,
  kitResponseBytes: 10_240,
  policyResponseBytes: 1024,
  recordsPerBeacon: 1,
  recordBytes: 2972, // 3 write units; + 100 B of DynamoDB overhead = 3 KiB stored per record
  consentReadsPerBeacon: 1,
  infrequentAccess: false,
  pointInTimeRecovery: true,
  retentionDays: 30.4,
  memoryMb: 1024,
  billedMsPerBeacon: 100,
  coldStartsPerBeacon: 0.01,
  initBilledMs: 1000,
  secretReadsPerColdStart: 2,
  activeTracing: true,
  tracedShare: 1,
  functionLogBytesPerBeacon: 1024,
  accessLogBytesPerRequest: 0,
  logRetentionDays: 30.4,
  getMemoryMb: 1024,
  getBilledMs: 100,
};
const line = (name: string, p = profile) => {
  const found = visitCostPerMillionPageViews(p).find((l) => l.item.startsWith(name));
  expect(found, name).toBeDefined();
  return found!.usd;
};

describe('visit cost model', () => {
  it('prices a hand-computed case line by line: 500,000 beacons, 200,000 kit and policy fetches (half at the origin), 500,000 records of 3 write units', () => {
    expect(line('CloudFront HTTPS requests')).toBeCloseTo(0.84, 6); // 700,000 x $1.20 per million
    expect(line('CloudFront transfer out')).toBeCloseTo(0.148237, 5); // (1e6 x (1024 + 102.4) + 500,000 x 400) B x $0.12/GB
    expect(line('CloudFront transfer to origin')).toBeCloseTo(0.02861, 5); // 500,000 x 1 KiB x $0.06/GB
    expect(line('API Gateway')).toBeCloseTo(0.6, 6); // 500,000 beacons + 100,000 origin GETs
    expect(line('Lambda requests')).toBeCloseTo(0.12, 6);
    expect(line('Lambda duration')).toBeCloseTo(0.800004, 5); // 600,000 x 1 GB x 0.1 s x $0.0000133334
    expect(line('Cold starts')).toBeCloseTo(0.116667, 5); // 5,000 x 1 GB-s INIT + 10,000 GetSecretValue x $5 per million
    expect(line('X-Ray')).toBeCloseTo(2.5, 6); // every beacon traced, $5 per million
    expect(line('DynamoDB writes')).toBeCloseTo(0.9375, 6); // 1,500,000 write units at $0.625 per million
    expect(line('Consent check')).toBeCloseTo(0.03125, 6); // 250,000 read units
    expect(line('DynamoDB storage')).toBeCloseTo(0.357628, 5); // 1.5e6 KiB for one month at $0.25
    expect(line('Point-in-time recovery')).toBeCloseTo(0.286102, 5); // the same GB-month at $0.20
    expect(line('CloudWatch Logs ingestion')).toBeCloseTo(0.238419, 5); // 500,000 KiB at $0.50/GB
    expect(line('CloudWatch Logs storage')).toBeCloseTo(0.014305, 5); // kept one month at $0.03
    expect(total(visitCostPerMillionPageViews(profile))).toBeCloseTo(7.018721, 4);
  });

  it('drops tracing and point-in-time recovery to zero when they are off, and prices Standard-IA storage and writes', () => {
    const lean = { ...profile, activeTracing: false, pointInTimeRecovery: false, infrequentAccess: true };
    expect(line('X-Ray', lean)).toBe(0);
    expect(line('Point-in-time recovery', lean)).toBe(0);
    expect(line('DynamoDB writes', lean)).toBeCloseTo(1.5 * DYNAMODB_IA_USD_PER_MILLION_WRITE_UNITS, 6);
    expect(line('DynamoDB storage', lean)).toBeCloseTo(((500_000 * 3072) / 1024 ** 3) * DYNAMODB_IA_USD_PER_GB_MONTH, 6);
  });

  it('bills a record one write unit per started KB of its names and values, and names the units in the line', () => {
    expect([0, 1, 1024, 1025, 2972, 3072, 3073].map(writeUnitsPerItem)).toEqual([1, 1, 1, 2, 3, 3, 4]);
    const small = { ...profile, recordBytes: 900 };
    expect(line('DynamoDB writes', small)).toBeCloseTo(0.3125, 6); // 500,000 records of one write unit
    expect(visitCostPerMillionPageViews(small).find((l) => l.item.startsWith('DynamoDB writes'))!.item).toContain('1 write unit per record');
    expect(visitCostPerMillionPageViews(profile).find((l) => l.item.startsWith('DynamoDB writes'))!.item).toContain('3 write units per record');
  });

  it('without CloudFront, bills every kit and policy fetch at the origin and the answers as internet transfer', () => {
    const direct = { ...profile, viaCloudFront: false, edgeHitRatio: 0 };
    expect(visitCostPerMillionPageViews(direct).some((l) => l.item.startsWith('CloudFront'))).toBe(false);
    expect(line('API Gateway', direct)).toBeCloseTo(0.7, 6);
    expect(line('Data transfer out from API Gateway', direct)).toBeCloseTo(0.148237 * (0.09 / 0.12), 5);
  });

  it('with beacons at the function URL, bills API Gateway only for origin GETs, Lambda still for every beacon, and no access log lines for beacons', () => {
    const urlBeacons = { ...profile, beaconsViaApiGateway: false, accessLogBytesPerRequest: 1024 };
    expect(line('API Gateway', urlBeacons)).toBeCloseTo(0.1, 6); // 100,000 origin GETs only
    expect(line('Lambda requests', urlBeacons)).toBeCloseTo(0.12, 6); // 500,000 beacons + 100,000 GETs, as before
    // 500,000 beacons x 1 KiB of function log + 100,000 access log lines x 1 KiB (none for the beacons)
    expect(line('CloudWatch Logs ingestion', urlBeacons)).toBeCloseTo((600_000 * 1024 * 0.5) / 1024 ** 3, 6);
  });

  it('counts a beacon per FLUSH_AT events, per hide and at the session\u2019s end', () => {
    const session = {
      pageViewsPerSession: 5,
      eventsPerPageView: 1.2,
      hidesBeforeEnd: 1,
      deferredFetchShare: 0,
      flushAtEvents: 10,
      kitFetchesPerSession: 1,
      policyFetchesPerSession: 1,
    };
    expect(beaconsPerPageView(session)).toBeCloseTo(2 / 5, 6);
    expect(beaconsPerPageView({ ...session, hidesBeforeEnd: 0 })).toBeCloseTo(1 / 5, 6);
    expect(beaconsPerPageView({ ...session, pageViewsPerSession: 20, hidesBeforeEnd: 0 })).toBeCloseTo(3 / 20, 6); // 24 events: 3 beacons
  });

  it('counts a hide as a beacon only on browsers without fetchLater', () => {
    const session = {
      pageViewsPerSession: 5,
      eventsPerPageView: 1.2,
      hidesBeforeEnd: 2,
      deferredFetchShare: 1,
      flushAtEvents: 10,
      kitFetchesPerSession: 1,
      policyFetchesPerSession: 1,
    };
    expect(beaconsPerPageView(session)).toBeCloseTo(1 / 5, 6); // only the session's end
    expect(beaconsPerPageView({ ...session, deferredFetchShare: 0.5 })).toBeCloseTo(2 / 5, 6); // the end and half of 2 hides
    expect(beaconsPerPageView({ ...session, deferredFetchShare: 0 })).toBeCloseTo(3 / 5, 6);
  });
});

describe('a month\u2019s bill with and without the always-free allowances', () => {
  const lines = visitCostPerMillionPageViews(profile);

  it('scales the per-million lines to the month at list prices', () => {
    expect(monthlyBill(lines, 3_000_000, false)).toBeCloseTo(3 * total(lines), 6);
  });

  it('takes the allowances off the lines that draw on them, by hand: 10 million page views', () => {
    // Per million page views: 700,000 CloudFront requests, 1,126,400,000 B (1.049 GB) out,
    // 600,000 Lambda requests, 60,000 GB-s. For 10 million: 7 M requests (all free, under 10 M),
    // 10.49 GB out (free, under 1 TB), 6 M Lambda requests (1 M free: 5/6 billed), 600,000 GB-s
    // (400,000 free: 1/3 billed).
    const billed =
      10 *
      (total(lines) -
        line('CloudFront HTTPS requests') -
        line('CloudFront transfer out') -
        line('Lambda requests') * (1 / 6) -
        line('Lambda duration') * (2 / 3));
    expect(monthlyBill(lines, 10_000_000, true)).toBeCloseTo(billed, 6);
  });

  it('bills what is over an allowance: 20 million page views use 14 million CloudFront requests, 4 million billed', () => {
    const withFree = monthlyBill(lines, 20_000_000, true);
    const cloudFrontRequestsBilled = 20 * line('CloudFront HTTPS requests') * (4 / 14);
    const cloudFrontOut = 0; // 21 GB, under 1 TB
    const lambdaRequests = 20 * line('Lambda requests') * (11 / 12);
    const lambdaDuration = 20 * line('Lambda duration') * (800_000 / 1_200_000);
    const rest = 20 * (total(lines) - line('CloudFront HTTPS requests') - line('CloudFront transfer out') - line('Lambda requests') - line('Lambda duration'));
    expect(withFree).toBeCloseTo(cloudFrontRequestsBilled + cloudFrontOut + lambdaRequests + lambdaDuration + rest, 6);
  });
});

describe('visit cost profile: the kit carrying the policy', () => {
  const measured = {
    handlerCpuUs: 1_000,
    loadMs: 100,
    kitServedBytes: 9_500,
    beaconBodyBytes: 600,
    recordsPerBeacon: 1,
    recordBytes: 300,
    secretsPerColdStart: 1,
  };

  it('prices one kit request a session and no policy request where the kit carries the policy, and the policy\u2019s own request where it does not', async () => {
    const { deployedVisitSettings, visitProfile, SESSION } = await import('../../scripts/lib/visit-cost');
    const deployed = deployedVisitSettings('prod');
    expect(deployed.kitCarriesPolicy).toBe(true);
    const carried = visitProfile(measured, deployed);
    expect(carried.kitFetchesPerPageView).toBeCloseTo(SESSION.kitFetchesPerSession / SESSION.pageViewsPerSession, 9);
    expect(carried.policyFetchesPerPageView).toBe(0);
    const separate = visitProfile(measured, { ...deployed, kitCarriesPolicy: false });
    expect(separate.policyFetchesPerPageView).toBeCloseTo(SESSION.policyFetchesPerSession / SESSION.pageViewsPerSession, 9);
    // What the carried policy saves per million page views: at least a CloudFront request per session.
    const saved = total(visitCostPerMillionPageViews(separate)) - total(visitCostPerMillionPageViews(carried));
    expect(saved).toBeGreaterThan((1_000_000 / SESSION.pageViewsPerSession / 1_000_000) * 1.2);
  });
});

describe('deadline chain cost model', () => {
  it('charges every hop its SQS requests, invocation, reads and write, and every mail', async () => {
    const { deadlineChainCost, SQS_USD_PER_MILLION_REQUESTS, SES_USD_PER_THOUSAND_EMAILS } = await import('../../scripts/lib/cost-model');
    const lines = deadlineChainCost({
      hops: 1_000_000,
      sqsRequestsPerHop: 3,
      readUnitsPerHop: 2,
      writeUnitsPerHop: 1,
      memoryMb: 1024,
      billedMsPerHop: 1000,
      mailsSent: 1000,
    });
    const get = (name: string) => lines.find((l) => l.item.startsWith(name))!.usd;
    expect(get('SQS')).toBeCloseTo(3 * SQS_USD_PER_MILLION_REQUESTS);
    expect(get('DynamoDB reads')).toBeCloseTo(2 * DYNAMODB_USD_PER_MILLION_READ_UNITS);
    expect(get('DynamoDB writes')).toBeCloseTo(DYNAMODB_USD_PER_MILLION_WRITE_UNITS);
    expect(get('Lambda duration')).toBeCloseTo(1_000_000 * LAMBDA_ARM_USD_PER_GB_SECOND);
    expect(get('SES')).toBeCloseTo(SES_USD_PER_THOUSAND_EMAILS);
  });
});
