import { describe, expect, it } from 'vitest';
import {
  DYNAMODB_USD_PER_MILLION_READ_UNITS,
  DYNAMODB_USD_PER_MILLION_WRITE_UNITS,
  HTTP_API_USD_PER_MILLION_REQUESTS,
  LAMBDA_ARM_USD_PER_GB_SECOND,
  total,
  visitCostPerMillionPageViews,
  type BeaconProfile,
} from '../../scripts/lib/cost-model';

const profile: BeaconProfile = {
  beaconsPerPageView: 1,
  recordsPerBeacon: 1,
  recordBytes: 300,
  consentReadsPerBeacon: 1,
  memoryMb: 1024,
  billedMsPerBeacon: 1000,
  retentionDays: 30.4,
  logBytesPerBeacon: 0,
};
const line = (name: string, p = profile) => visitCostPerMillionPageViews(p).find((l) => l.item.startsWith(name))!.usd;

describe('visit cost model', () => {
  it('charges one API request and one write unit per beacon of one record', () => {
    expect(line('API Gateway')).toBeCloseTo(HTTP_API_USD_PER_MILLION_REQUESTS);
    expect(line('DynamoDB writes')).toBeCloseTo(DYNAMODB_USD_PER_MILLION_WRITE_UNITS);
  });

  it('charges half a read unit per consent check, as an eventually consistent read', () => {
    expect(line('Consent check')).toBeCloseTo(DYNAMODB_USD_PER_MILLION_READ_UNITS / 2);
  });

  it('charges Lambda by GB-seconds: a million 1 s invocations at 1 GB', () => {
    expect(line('Lambda duration')).toBeCloseTo(1_000_000 * LAMBDA_ARM_USD_PER_GB_SECOND);
  });

  it('scales with beacons per page view and records per beacon', () => {
    const doubled = { ...profile, beaconsPerPageView: 2, recordsPerBeacon: 3 };
    expect(line('DynamoDB writes', doubled)).toBeCloseTo(6 * DYNAMODB_USD_PER_MILLION_WRITE_UNITS);
    expect(total(visitCostPerMillionPageViews(doubled))).toBeGreaterThan(total(visitCostPerMillionPageViews(profile)));
  });

  it('charges storage for the retention period including DynamoDB\u2019s per-item overhead', () => {
    // 1e6 items * 400 B for one month at $0.25/GB-month
    expect(line('DynamoDB storage')).toBeCloseTo(((1e6 * 400) / 1024 ** 3) * 0.25, 6);
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
