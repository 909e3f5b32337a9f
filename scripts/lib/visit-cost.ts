/**
 * What the cost model assumes about the deployed stack, read from the same sources the stack is
 * built from (route table, table definitions, stage settings, cache lifetimes), and the traffic
 * assumptions the bench prints beside the figure. test/infra/cost-assumptions.test.ts checks the
 * first part against the synthesised prod template, so model and stack cannot drift apart.
 */
import { DEFAULT_MEMORY_MB } from '../../infra/constructs/privacy-function';
import { retentionFor } from '../../infra/stack';
import { stageFromCdkJson } from '../../infra/stage-config';
import { maxAgeSeconds, SHORT_PUBLIC_CACHE } from '../../shared/http/cache-control';
import { TABLES, type TableDef } from '../../shared/resources';
import { getKitRoute, recordVisitsRoute, type RouteRuntime, servedByApiGateway } from '../../shared/routes';
import { FLUSH_AT } from '../../shared/storefront/batching';
import type { VisitEventInput } from '../../shared/domain/visits';
import { beaconsPerPageView, type SessionAssumptions, type VisitProfile } from './cost-model';

export interface DeployedVisitSettings {
  memoryMb: number;
  activeTracing: boolean;
  /** Share of successful beacons whose request log line is written. */
  requestLogSample: number;
  /** Whether Lambda writes its START/END/REPORT lines for each beacon (off when the request log is sampled). */
  platformLogLines: boolean;
  pointInTimeRecovery: boolean;
  infrequentAccess: boolean;
  retentionDays: number;
  /** The log groups' retention as CloudWatch Logs applies it (rounded up to an allowed value). */
  logRetentionDays: number;
  /** Browsers reach the storefront routes through CloudFront. */
  viaCloudFront: boolean;
  /** Beacons pass through API Gateway (false: CloudFront calls the beacon function's URL, the route's edgeOrigin). */
  beaconsViaApiGateway: boolean;
  ispSource: string;
  /** Lifetime of the kit's answer at the URL pages embed (unversioned: it carries the policy) and of `GET /v1/policy`'s. */
  kitCacheSeconds: number;
  policyCacheSeconds: number;
  /** The kit's function reads the policy store, so its answer carries the policy in force and pages make no policy request. */
  kitCarriesPolicy: boolean;
}

export function deployedVisitSettings(stage = 'prod'): DeployedVisitSettings {
  const settings = stageFromCdkJson(stage);
  const runtime: RouteRuntime = recordVisitsRoute.runtime;
  const visits: TableDef = TABLES.visits;
  return {
    memoryMb: runtime.memoryMb ?? DEFAULT_MEMORY_MB,
    activeTracing: runtime.activeTracing !== false,
    requestLogSample: runtime.requestLogSample ?? 1,
    platformLogLines: runtime.requestLogSample === undefined,
    pointInTimeRecovery: visits.noPointInTimeRecoveryBecause === undefined,
    infrequentAccess: visits.infrequentAccessBecause !== undefined,
    retentionDays: settings.visitRetentionDays,
    logRetentionDays: Number(retentionFor(settings.logRetentionDays)),
    viaCloudFront: true,
    beaconsViaApiGateway: servedByApiGateway(recordVisitsRoute),
    ispSource: settings.isp?.source ?? 'none',
    kitCacheSeconds: maxAgeSeconds(SHORT_PUBLIC_CACHE),
    policyCacheSeconds: maxAgeSeconds(SHORT_PUBLIC_CACHE),
    kitCarriesPolicy: (getKitRoute.uses.tables?.policies ?? []).includes('Query'),
  };
}

/**
 * Share of page views on browsers with `fetchLater` (Chromium 135+: Chrome, Edge, recent Samsung
 * Internet and other Chromium-based browsers). Assumed, not measured: Chromium-based browsers'
 * share of page views in Thailand is roughly two thirds (public browser statistics, most of the
 * rest is Safari on iPhones, which has no fetchLater), taken down for older versions and in-app
 * browsers. The shop's own figure, once it has one, belongs here.
 */
export const FETCH_LATER_SHARE = 0.6;

/**
 * A shop's sessions, as assumed (not measured: the bench prints them). Five page views and one
 * search a session, the tab hidden once before its end (another tab or app), and the kit with the
 * policy inside fetched once a session from the unversioned URL pages embed (its 5-minute lifetime
 * covers most sessions). The policy is checked once a session too: a request of its own only where the
 * kit does not carry it (loaded as `?v=<KIT_VERSION>`; see `kitCarriesPolicy`).
 */
export const SESSION: SessionAssumptions = {
  pageViewsPerSession: 5,
  eventsPerPageView: 1 + 1 / 5,
  hidesBeforeEnd: 1,
  deferredFetchShare: FETCH_LATER_SHARE,
  flushAtEvents: FLUSH_AT,
  kitFetchesPerSession: 1,
  policyFetchesPerSession: 1,
};

/** Share of kit and policy fetches the edge answers from its cache (a miss per edge and lifetime; at a million page views nearly all hit). */
export const EDGE_HIT_RATIO = 0.99;
/** Cold starts per beacon: low traffic, where a container serves about 100 beacons before it is recycled. */
export const COLD_STARTS_PER_BEACON = 1 / 100;
/** X-Ray records every request up to 1 per second (then 5%): at low traffic, every beacon. */
export const TRACED_SHARE_LOW_TRAFFIC = 1;
/** Bytes of the sampled request log line and of Lambda's START/END/REPORT lines, as CloudWatch counts them. */
export const REQUEST_LOG_LINE_BYTES = 160;
export const PLATFORM_LOG_BYTES_PER_INVOCATION = 330;
/** The API's JSON access log line (infra/constructs/http-api.ts), as CloudWatch counts it. */
export const ACCESS_LOG_BYTES_PER_REQUEST = 260;
/** A DynamoDB round trip from Lambda in the same region (consent read, the record's put). */
export const DYNAMODB_ROUND_TRIP_MS = 5;
/** Kit and policy functions for the few GETs the edge misses. */
export const GET_BILLED_MS = 3;
/** A `GET /v1/policy` answer with its headers. */
export const POLICY_RESPONSE_BYTES = 900;

/** Lambda gives a function one full vCPU at this memory size and a proportional share below it. */
export const LAMBDA_MB_PER_VCPU = 1769;
/** Request headers a browser adds to a beacon (cookies omitted), and answer headers of a GET. */
const REQUEST_HEADER_BYTES = 600;
const ANSWER_HEADER_BYTES = 400;

export interface VisitMeasurements {
  /** CPU microseconds of one warm beacon of `eventsPerBeacon` events, measured on this machine at one full core. */
  handlerCpuUs: number;
  /** The beacon function's module load (a cold start's INIT), measured at one full core. */
  loadMs: number;
  /** The kit as its function serves it to browsers (brotli, which every current browser accepts over HTTPS), with the policy inside. */
  kitServedBytes: number;
  /** The beacon a session sends, packed as the handler packs it. */
  beaconBodyBytes: number;
  recordsPerBeacon: number;
  recordBytes: number;
  /** Secrets the beacon function reads at a cold start. */
  secretsPerColdStart: number;
}

/** The profile the cost model prices: the deployed settings, the session assumptions and what the bench measured. */
export function visitProfile(m: VisitMeasurements, deployed = deployedVisitSettings(), session = SESSION): VisitProfile {
  const cpuShare = Math.min(1, deployed.memoryMb / LAMBDA_MB_PER_VCPU);
  const billedMs = Math.ceil(m.handlerCpuUs / 1000 / cpuShare + 2 * DYNAMODB_ROUND_TRIP_MS);
  return {
    beaconsPerPageView: beaconsPerPageView(session),
    kitFetchesPerPageView: session.kitFetchesPerSession / session.pageViewsPerSession,
    policyFetchesPerPageView: deployed.kitCarriesPolicy ? 0 : session.policyFetchesPerSession / session.pageViewsPerSession,
    edgeHitRatio: deployed.viaCloudFront ? EDGE_HIT_RATIO : 0,
    viaCloudFront: deployed.viaCloudFront,
    beaconsViaApiGateway: deployed.beaconsViaApiGateway,
    beaconRequestBytes: m.beaconBodyBytes + REQUEST_HEADER_BYTES,
    kitResponseBytes: m.kitServedBytes + ANSWER_HEADER_BYTES,
    policyResponseBytes: POLICY_RESPONSE_BYTES,
    recordsPerBeacon: m.recordsPerBeacon,
    recordBytes: m.recordBytes,
    consentReadsPerBeacon: 1,
    infrequentAccess: deployed.infrequentAccess,
    pointInTimeRecovery: deployed.pointInTimeRecovery,
    retentionDays: deployed.retentionDays,
    memoryMb: deployed.memoryMb,
    billedMsPerBeacon: billedMs,
    coldStartsPerBeacon: COLD_STARTS_PER_BEACON,
    initBilledMs: Math.ceil(m.loadMs / cpuShare),
    secretReadsPerColdStart: m.secretsPerColdStart,
    activeTracing: deployed.activeTracing,
    tracedShare: TRACED_SHARE_LOW_TRAFFIC,
    functionLogBytesPerBeacon: deployed.requestLogSample * REQUEST_LOG_LINE_BYTES + (deployed.platformLogLines ? PLATFORM_LOG_BYTES_PER_INVOCATION : 0),
    accessLogBytesPerRequest: ACCESS_LOG_BYTES_PER_REQUEST,
    logRetentionDays: deployed.logRetentionDays,
    getMemoryMb: DEFAULT_MEMORY_MB,
    getBilledMs: GET_BILLED_MS,
  };
}

/** Events of the beacon a session sends: its page views (each with its visible time) and a search, split evenly over its beacons. */
export function sessionBeaconEvents(session = SESSION): VisitEventInput[] {
  const perBeacon = Math.max(
    1,
    Math.round((session.pageViewsPerSession * session.eventsPerPageView) / (beaconsPerPageView(session) * session.pageViewsPerSession)),
  );
  const at = new Date().toISOString();
  return Array.from({ length: perBeacon }, (_, i) =>
    i === 1
      ? { type: 'search' as const, searchKind: 'product', query: 'ชาเขียว', path: '/search', at }
      : {
          type: 'pageview' as const,
          path: `/products/green-tea-matcha-${100 + i}g`,
          referrer: i === 0 ? 'https://www.google.com/' : 'https://shop.example.com/products',
          title: 'ชาเขียวมัทฉะ 100 กรัม | ร้านค้า',
          durationMs: 42_000,
          at,
        },
  );
}
