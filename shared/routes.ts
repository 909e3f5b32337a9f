/**
 * The route table: the one list of HTTP endpoints. The CDK stack builds API routes, functions and
 * their IAM grants from it; the local server serves it; the API description is generated from it.
 * Adding an endpoint means adding one entry here (and its handler file).
 */
import type * as z from 'zod/mini';
import type { SecretKey, TableKey } from './resources';
import { ConsentInput, PublishPolicyInput, VisitorPath } from './schemas/consent';
import { BeaconInput, LinkPath, OrderInput, VisitQuery } from './schemas/visits';

/** DynamoDB actions a function may be granted; `Scan` is deliberately absent. */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchWriteItem' | 'ConditionCheckItem';

export interface RouteDef {
  /** Operation id; also the function's logical id in the stack. */
  id: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path template, e.g. /v1/consents/{visitorId}. */
  path: string;
  /** functions/<handler>.ts exporting `handler`. */
  handler: string;
  /** `iam`: SigV4-signed calls by staff or the storefront backend. `public`: the storefront's browsers. */
  auth: 'public' | 'iam';
  /** For public routes: why they have no authoriser (recorded with the cdk-nag acknowledgement). */
  publicBecause?: string;
  summary: string;
  /** Steady rate and burst for this route alone, so a flood on one route cannot starve the others. */
  throttle: { rate: number; burst: number };
  uses: {
    tables?: Partial<Record<TableKey, TableAction[]>>;
    secrets?: SecretKey[];
    /** Ships the stage's ASN database with the function when the stage looks providers up in one. */
    ispDatabase?: boolean;
  };
  request?: { body?: z.ZodMiniType; path?: z.ZodMiniType; query?: z.ZodMiniType };
}

const STOREFRONT_PAGE = 'Called by shoppers\u2019 browsers on the public storefront, before any sign-in; input is validated and throttled per route.';

export const ROUTES: RouteDef[] = [
  {
    id: 'getHealth',
    method: 'GET',
    path: '/v1/health',
    handler: 'platform/get-health',
    auth: 'public',
    publicBecause: 'Liveness probe for monitors; returns no data.',
    summary: 'Liveness check',
    throttle: { rate: 10, burst: 20 },
    uses: {},
  },
  {
    id: 'getOpenApi',
    method: 'GET',
    path: '/v1/openapi.json',
    handler: 'platform/get-openapi',
    auth: 'public',
    publicBecause: 'The API description, generated from the route table; it holds no data.',
    summary: 'This API\u2019s OpenAPI 3.1 description',
    throttle: { rate: 10, burst: 20 },
    uses: {},
  },
  {
    id: 'getPolicy',
    method: 'GET',
    path: '/v1/policy',
    handler: 'consent/get-policy',
    auth: 'public',
    publicBecause: STOREFRONT_PAGE,
    summary: 'The privacy-policy version in force',
    throttle: { rate: 200, burst: 400 },
    uses: { tables: { policies: ['Query'] } },
  },
  {
    id: 'captureConsent',
    method: 'POST',
    path: '/v1/consents',
    handler: 'consent/capture-consent',
    auth: 'public',
    publicBecause: STOREFRONT_PAGE,
    summary: 'Record cookie choices; returns a receipt and a signed consent token',
    throttle: { rate: 100, burst: 200 },
    uses: { tables: { consents: ['PutItem', 'GetItem'], policies: ['Query'] }, secrets: ['tokenKey'] },
    request: { body: ConsentInput },
  },
  {
    id: 'getConsent',
    method: 'GET',
    path: '/v1/consents/{visitorId}',
    handler: 'consent/get-consent',
    auth: 'public',
    publicBecause: STOREFRONT_PAGE,
    summary: 'A visitor\u2019s current choices and whether they must be asked again',
    throttle: { rate: 100, burst: 200 },
    uses: { tables: { consents: ['GetItem'], policies: ['Query'] } },
    request: { path: VisitorPath },
  },
  {
    id: 'recordVisits',
    method: 'POST',
    path: '/v1/visits',
    handler: 'visits/record-visits',
    auth: 'public',
    publicBecause: 'Visit beacons sent by shoppers\u2019 browsers (navigator.sendBeacon) on every storefront page; stored only under a signed consent token or recorded consent, throttled per route.',
    summary: 'Storefront beacon: store 1-50 visit events if the visitor allowed analytics',
    // The busiest route by far: its own, larger budget, so a flood here cannot starve consent or requests.
    throttle: { rate: 500, burst: 1000 },
    uses: { tables: { visits: ['BatchWriteItem'], consents: ['GetItem'] }, secrets: ['tokenKey'], ispDatabase: true },
    request: { body: BeaconInput },
  },
  {
    id: 'linkVisitor',
    method: 'PUT',
    path: '/v1/members/{memberId}/visitors/{visitorId}',
    handler: 'visits/link-visitor',
    auth: 'iam',
    summary: 'Storefront backend: this visitor id belongs to this member',
    throttle: { rate: 50, burst: 100 },
    uses: { tables: { visits: ['PutItem'] } },
    request: { path: LinkPath },
  },
  {
    id: 'recordOrder',
    method: 'POST',
    path: '/v1/orders',
    handler: 'orders/record-order',
    auth: 'iam',
    summary: 'Storefront backend: a purchase (order id, member, time, amount, items count)',
    throttle: { rate: 50, burst: 100 },
    uses: { tables: { orders: ['PutItem', 'GetItem'] } },
    request: { body: OrderInput },
  },
  {
    id: 'listVisits',
    method: 'GET',
    path: '/v1/admin/visits',
    handler: 'admin/list-visits',
    auth: 'iam',
    summary: 'A visitor\u2019s or member\u2019s visits, newest first, paginated (staff)',
    throttle: { rate: 5, burst: 10 },
    uses: { tables: { visits: ['Query'] } },
    request: { query: VisitQuery },
  },
  {
    id: 'listPolicies',
    method: 'GET',
    path: '/v1/admin/policies',
    handler: 'admin/list-policies',
    auth: 'iam',
    summary: 'Every policy version and the one in force (staff)',
    throttle: { rate: 5, burst: 10 },
    uses: { tables: { policies: ['Query'] } },
  },
  {
    id: 'publishPolicy',
    method: 'POST',
    path: '/v1/admin/policies',
    handler: 'admin/publish-policy',
    auth: 'iam',
    summary: 'Publish a new policy version with its effective date, text hash and changed categories (staff)',
    throttle: { rate: 5, burst: 10 },
    uses: { tables: { policies: ['Query', 'PutItem', 'GetItem'] } },
    request: { body: PublishPolicyInput },
  },
];

/** "GET /v1/policy": the key API Gateway uses for a route (and for its throttling settings). */
export const routeKey = (r: Pick<RouteDef, 'method' | 'path'>) => `${r.method} ${r.path}`;
