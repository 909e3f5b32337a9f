/**
 * The route table: the one list of HTTP endpoints. The CDK stack builds API routes, functions and
 * their IAM grants from it; the local server serves it; the API description is generated from it.
 * Adding an endpoint means adding one named entry here, listing it in ROUTES, and its handler file.
 *
 * A route's request schemas are declared here once: its handler passes `<name>Route.request` to
 * `route()`. Each entry is its own export, so a handler's bundle carries its own entry and schemas,
 * not the whole table (the modules are side-effect free and esbuild drops the rest).
 */
import type * as z from 'zod/mini';
import type { StaffAccess } from './domain/staff-access';
import type { BucketKey, QueueKey, SecretKey, TableKey } from './resources';
import { ConsentInput, PublishPolicyInput, VisitorPath } from './schemas/consent';
import { BeaconInput, LinkPath, OrderInput, VisitQuery } from './schemas/visits';
import { CheckInput, EmailPath, LinkInput, OneClickBody } from './schemas/subscriptions';
import {
  AuditPath,
  CancelMemberInput,
  CompleteRequestInput,
  ConfirmFulfilmentInput,
  OverrideFulfilmentInput,
  DisclosureInput,
  DisclosureQuery,
  MemberPath,
  PartnerCheckInput,
  PutMemberInput,
  RequestPath,
  RequestQueueQuery,
  SubmitRequestInput,
  TokenBody,
  TokenQuery,
} from './schemas/requests';

/** Who may call a route; see `RouteDef.auth`. */
export type RouteAuth = 'public' | 'iam' | StaffAccess;

/** DynamoDB actions a function may be granted; `Scan` is deliberately absent. */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchWriteItem' | 'ConditionCheckItem';

/** Everything a function touches; the stack grants exactly this and sets the matching environment. */
export interface FunctionUses {
  tables?: Partial<Record<TableKey, TableAction[]>>;
  secrets?: SecretKey[];
  /** Reads the joint-marketing partners' keys (one secret per partner in the stage settings). */
  partnerKeys?: boolean;
  buckets?: Partial<Record<BucketKey, ('read' | 'write')[]>>;
  /** Queues the function sends to. */
  queues?: Partial<Record<QueueKey, 'send'[]>>;
  /** Sends mail through SES as the stage's sender address. */
  sendsMail?: boolean;
  /** Puts events on the stack's own bus (events out: owed effects of request steps). */
  publishesEvents?: boolean;
  /** Ships the stage's ASN database with the function when the stage looks providers up in one. */
  ispDatabase?: boolean;
}

const AUDIT: TableAction[] = ['Query', 'PutItem'];

export interface RouteDef {
  /** Operation id; also the function's logical id in the stack. */
  id: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path template, e.g. /v1/consents/{visitorId}. */
  path: string;
  /** functions/<handler>.ts exporting `handler`. */
  handler: string;
  /**
   * `public`: the storefront's browsers. `iam`: SigV4-signed machine callers (storefront backend,
   * newsletter sender, partners). `staff`: a signed-in person of the Cognito group `staff` or `dpo`;
   * `dpo`: the group `dpo` only (Cognito ID token checked by the API's JWT authoriser, group by the
   * route middleware).
   */
  auth: RouteAuth;
  /** For public routes: why they have no authoriser (recorded with the cdk-nag acknowledgement). */
  publicBecause?: string;
  summary: string;
  /** Steady rate and burst for this route alone, so a flood on one route cannot starve the others. */
  throttle: { rate: number; burst: number };
  uses: FunctionUses;
  request?: { body?: z.ZodMiniType; path?: z.ZodMiniType; query?: z.ZodMiniType };
}

const STOREFRONT_PAGE = 'Called by shoppers\u2019 browsers on the public storefront, before any sign-in; input is validated and throttled per route.';

export const getHealthRoute = {
  id: 'getHealth',
  method: 'GET',
  path: '/v1/health',
  handler: 'platform/get-health',
  auth: 'public',
  publicBecause: 'Liveness probe for monitors; returns no data.',
  summary: 'Liveness check',
  throttle: { rate: 10, burst: 20 },
  uses: {},
} satisfies RouteDef;

export const getOpenApiRoute = {
  id: 'getOpenApi',
  method: 'GET',
  path: '/v1/openapi.json',
  handler: 'platform/get-openapi',
  auth: 'public',
  publicBecause: 'The API description, generated from the route table; it holds no data.',
  summary: 'This API\u2019s OpenAPI 3.1 description',
  throttle: { rate: 10, burst: 20 },
  uses: {},
} satisfies RouteDef;

export const getKitRoute = {
  id: 'getKit',
  method: 'GET',
  path: '/v1/kit.js',
  handler: 'platform/get-kit',
  auth: 'public',
  publicBecause: 'The storefront\u2019s script (consent banner, beacons, request form), loaded by every shop page; static code that holds no data.',
  summary: 'The storefront kit: consent banner, visit beacons and request form (JavaScript)',
  throttle: { rate: 50, burst: 100 },
  uses: {},
} satisfies RouteDef;

export const getPolicyRoute = {
  id: 'getPolicy',
  method: 'GET',
  path: '/v1/policy',
  handler: 'consent/get-policy',
  auth: 'public',
  publicBecause: STOREFRONT_PAGE,
  summary: 'The privacy-policy version in force',
  throttle: { rate: 200, burst: 400 },
  uses: { tables: { policies: ['Query'] } },
} satisfies RouteDef;

export const policyVersionsRoute = {
  id: 'policyVersions',
  method: 'GET',
  path: '/v1/policy/versions',
  handler: 'consent/policy-versions',
  auth: 'public',
  publicBecause: 'The public announcement of policy changes (policy 7): published versions, dates, summaries and text hashes; it holds no personal data.',
  summary: 'Every privacy-policy version with its date, change summary and the SHA-256 of its text (HTML page; JSON on request)',
  throttle: { rate: 20, burst: 40 },
  uses: { tables: { policies: ['Query'] } },
} satisfies RouteDef;

export const captureConsentRoute = {
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
} satisfies RouteDef;

export const getConsentRoute = {
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
} satisfies RouteDef;

export const recordVisitsRoute = {
  id: 'recordVisits',
  method: 'POST',
  path: '/v1/visits',
  handler: 'visits/record-visits',
  auth: 'public',
  publicBecause:
    'Visit beacons sent by shoppers\u2019 browsers (navigator.sendBeacon) on every storefront page; stored only under a signed consent token or recorded consent, throttled per route.',
  summary: 'Storefront beacon: store 1-50 visit events if the visitor allowed analytics',
  // The busiest route by far: its own, larger budget, so a flood here cannot starve consent or requests.
  throttle: { rate: 500, burst: 1000 },
  uses: { tables: { visits: ['BatchWriteItem'], consents: ['Query'] }, secrets: ['tokenKey'], ispDatabase: true },
  request: { body: BeaconInput },
} satisfies RouteDef;

export const linkVisitorRoute = {
  id: 'linkVisitor',
  method: 'PUT',
  path: '/v1/members/{memberId}/visitors/{visitorId}',
  handler: 'visits/link-visitor',
  auth: 'iam', // machine: the storefront backend links its own members' visitor ids
  summary: 'Storefront backend: this visitor id belongs to this member',
  throttle: { rate: 50, burst: 100 },
  uses: { tables: { visits: ['PutItem'], members: ['GetItem'] } },
  request: { path: LinkPath },
} satisfies RouteDef;

export const recordOrderRoute = {
  id: 'recordOrder',
  method: 'POST',
  path: '/v1/orders',
  handler: 'orders/record-order',
  auth: 'iam', // machine: the storefront backend reports orders
  summary: 'Storefront backend: a purchase (order id, member, time, amount, items count)',
  throttle: { rate: 50, burst: 100 },
  uses: { tables: { orders: ['PutItem', 'GetItem'] } },
  request: { body: OrderInput },
} satisfies RouteDef;

export const listVisitsRoute = {
  id: 'listVisits',
  method: 'GET',
  path: '/v1/admin/visits',
  handler: 'admin/list-visits',
  auth: 'staff', // people: part of member look-up
  summary: 'A visitor\u2019s or member\u2019s visits, newest first, paginated (staff)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { visits: ['Query'] } },
  request: { query: VisitQuery },
} satisfies RouteDef;

export const putMemberRoute = {
  id: 'putMember',
  method: 'PUT',
  path: '/v1/members/{memberId}',
  handler: 'members/put-member',
  auth: 'iam', // machine: the storefront backend syncs its members
  summary: 'Storefront backend: register or update a member (email, name, locale, marketing opt-in)',
  throttle: { rate: 50, burst: 100 },
  uses: { tables: { members: ['GetItem', 'PutItem'], audit: AUDIT }, partnerKeys: true },
  request: { path: MemberPath, body: PutMemberInput },
} satisfies RouteDef;

export const cancelMemberRoute = {
  id: 'cancelMember',
  method: 'POST',
  path: '/v1/members/{memberId}/cancel',
  handler: 'members/cancel-member',
  auth: 'iam', // machine: the storefront backend reports a cancelled account
  summary: 'Storefront backend: the member cancelled their account; deactivate and keep for disputes (policy 2.2)',
  throttle: { rate: 20, burst: 40 },
  uses: {
    tables: { members: ['GetItem', 'PutItem'], audit: AUDIT, subscriptions: ['UpdateItem'], visits: ['Query'], consents: ['BatchWriteItem'] },
    secrets: ['tokenKey'],
    partnerKeys: true,
    sendsMail: true,
    publishesEvents: true,
  },
  request: { path: MemberPath, body: CancelMemberInput },
} satisfies RouteDef;

export const submitRequestRoute = {
  id: 'submitRequest',
  method: 'POST',
  path: '/v1/requests',
  handler: 'requests/submit-request',
  auth: 'public',
  publicBecause:
    'The storefront\u2019s data-request form, open to anyone (PDPA rights need no sign-in); nothing changes until the e-mailed link is confirmed, and submissions are rate-limited per source and address.',
  summary: 'Web form: ask to edit, delete, cancel, stop marketing, get a copy, or other; confirmed by e-mailed link',
  throttle: { rate: 10, burst: 20 },
  uses: {
    tables: { requests: ['GetItem', 'PutItem', 'UpdateItem', 'Query'], members: ['Query'], audit: AUDIT, subscriptions: ['GetItem', 'UpdateItem'] },
    secrets: ['tokenKey'],
    queues: { deadlines: ['send'] },
    sendsMail: true,
    publishesEvents: true,
  },
  request: { body: SubmitRequestInput },
} satisfies RouteDef;

export const requestStatusRoute = {
  id: 'requestStatus',
  method: 'GET',
  path: '/v1/requests/verify',
  handler: 'requests/request-status',
  auth: 'public',
  publicBecause: 'Opened from the confirmation mail; the signed token is the authorisation, and the page changes nothing.',
  summary: 'Status of a request from the e-mailed link (HTML for browsers, JSON otherwise), with a confirm button while it waits',
  throttle: { rate: 20, burst: 40 },
  uses: { tables: { requests: ['GetItem'] }, secrets: ['tokenKey'] },
  request: { query: TokenQuery },
} satisfies RouteDef;

export const confirmRequestRoute = {
  id: 'confirmRequest',
  method: 'POST',
  path: '/v1/requests/verify',
  handler: 'requests/confirm-request',
  auth: 'public',
  publicBecause: 'The requester confirms from the link in the mail sent to the address on file; the signed token is the authorisation.',
  summary: 'Confirm a request (form or JSON { token }); it opens with a due date, or closes when no account has the address',
  throttle: { rate: 20, burst: 40 },
  uses: {
    tables: { requests: ['GetItem', 'PutItem', 'Query'], members: ['Query'], audit: AUDIT, subscriptions: ['GetItem', 'UpdateItem'] },
    secrets: ['tokenKey'],
    queues: { deadlines: ['send'] },
    sendsMail: true,
    publishesEvents: true,
  },
  request: { body: TokenBody },
} satisfies RouteDef;

export const downloadExportRoute = {
  id: 'downloadExport',
  method: 'GET',
  path: '/v1/exports/download',
  handler: 'requests/download-export',
  auth: 'public',
  publicBecause: 'The time-limited link in an access-request mail; the signed token is the authorisation.',
  summary: 'Download the copy of one\u2019s data (redirects to a short-lived S3 link)',
  throttle: { rate: 5, burst: 10 },
  uses: { buckets: { exports: ['read'] }, secrets: ['tokenKey'] },
  request: { query: TokenQuery },
} satisfies RouteDef;

export const listRequestsRoute = {
  id: 'listRequests',
  method: 'GET',
  path: '/v1/admin/requests',
  handler: 'admin/list-requests',
  auth: 'staff', // people: the request queue
  summary: 'Staff queue: requests by status (default open), soonest due first',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { requests: ['Query'] } },
  request: { query: RequestQueueQuery },
} satisfies RouteDef;

export const getRequestRoute = {
  id: 'getRequest',
  method: 'GET',
  path: '/v1/admin/requests/{id}',
  handler: 'admin/get-request',
  auth: 'staff', // people: working a request
  summary: 'One request with its history (staff)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { requests: ['GetItem'] } },
  request: { path: RequestPath },
} satisfies RouteDef;

export const getRawMailRoute = {
  id: 'getRawMail',
  method: 'GET',
  path: '/v1/admin/requests/{id}/raw',
  handler: 'admin/get-raw-mail',
  auth: 'staff', // people: working a request (its original mail)
  summary: 'Short-lived links to the raw mail of a request and of its replies (staff)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { requests: ['GetItem'] }, buckets: { inboundMail: ['read'] } },
  request: { path: RequestPath },
} satisfies RouteDef;

export const completeRequestRoute = {
  id: 'completeRequest',
  method: 'POST',
  path: '/v1/admin/requests/{id}/complete',
  handler: 'admin/complete-request',
  auth: 'staff', // people: working a request
  summary: 'Record the outcome (done / rejected with reason), carry it out and notify the requester (staff)',
  throttle: { rate: 5, burst: 10 },
  uses: {
    tables: {
      requests: ['GetItem', 'PutItem', 'Query'],
      members: ['GetItem', 'PutItem'],
      visits: ['Query', 'BatchWriteItem'],
      consents: ['Query', 'BatchWriteItem'],
      orders: ['Query'],
      disclosures: ['Query'],
      audit: AUDIT,
      subscriptions: ['GetItem', 'UpdateItem'],
    },
    buckets: { exports: ['write'] },
    secrets: ['tokenKey'],
    partnerKeys: true,
    sendsMail: true,
    publishesEvents: true,
  },
  request: { path: RequestPath, body: CompleteRequestInput },
} satisfies RouteDef;

export const confirmFulfilmentRoute = {
  id: 'confirmFulfilment',
  method: 'POST',
  path: '/v1/fulfilment/requests/{id}',
  handler: 'fulfilment/confirm-fulfilment',
  auth: 'iam', // machine: a system of the shop, identified by its own IAM role
  summary:
    'A system of the shop confirms its part of a request (erased / edited / suppressed / deactivated, or failed with a reason), signed as its own IAM role',
  throttle: { rate: 20, burst: 40 },
  uses: { tables: { requests: ['GetItem', 'PutItem', 'Query'], audit: AUDIT }, sendsMail: true, publishesEvents: true },
  request: { path: RequestPath, body: ConfirmFulfilmentInput },
} satisfies RouteDef;

export const overrideFulfilmentRoute = {
  id: 'overrideFulfilment',
  method: 'POST',
  path: '/v1/admin/requests/{id}/fulfilment-override',
  handler: 'admin/override-fulfilment',
  // A DPO alone closes a request without every system's confirmation.
  auth: 'dpo',
  summary: 'Close a carried-out request without every system’s confirmation, with the reason (DPO; audited)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { requests: ['GetItem', 'PutItem', 'Query'], audit: AUDIT }, sendsMail: true, publishesEvents: true },
  request: { path: RequestPath, body: OverrideFulfilmentInput },
} satisfies RouteDef;

export const recordDisclosureRoute = {
  id: 'recordDisclosure',
  method: 'POST',
  path: '/v1/admin/disclosures',
  handler: 'admin/record-disclosure',
  auth: 'dpo', // people: the disclosure register is the DPO's
  summary: 'Record a disclosure: recipient, legal basis, reference, data categories, date (staff)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { disclosures: ['PutItem'], members: ['GetItem'], audit: AUDIT } },
  request: { body: DisclosureInput },
} satisfies RouteDef;

export const listDisclosuresRoute = {
  id: 'listDisclosures',
  method: 'GET',
  path: '/v1/admin/disclosures',
  handler: 'admin/list-disclosures',
  auth: 'dpo', // people: the disclosure register is the DPO's
  summary: 'The disclosure register, newest first, or one member\u2019s disclosures (staff)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { disclosures: ['Query'] } },
  request: { query: DisclosureQuery },
} satisfies RouteDef;

export const getAuditRoute = {
  id: 'getAudit',
  method: 'GET',
  path: '/v1/admin/audit/{subject}',
  handler: 'admin/get-audit',
  auth: 'dpo', // people: audit verification is the DPO's
  summary: 'A member\u2019s audit trail and its hash-chain verification (staff)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { audit: ['Query'] } },
  request: { path: AuditPath },
} satisfies RouteDef;

export const checkMembershipRoute = {
  id: 'checkMembership',
  method: 'POST',
  path: '/v1/partner/membership-checks',
  handler: 'partner/check-membership',
  auth: 'iam', // machine: a partner, identified by its own IAM role
  summary:
    'Joint-marketing partner (identified by its IAM role): did the person with this keyed e-mail hash join through its referral? yes/no, logged as a disclosure',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { members: ['Query'], disclosures: ['PutItem'] } },
  request: { body: PartnerCheckInput },
} satisfies RouteDef;

export const getSubscriptionRoute = {
  id: 'getSubscription',
  method: 'GET',
  path: '/v1/subscriptions/{email}',
  handler: 'subscriptions/get-subscription',
  auth: 'iam', // machine: the shop's mail sender asks before each marketing mail (staff look-up needs its own people route)
  summary: 'The shop\u2019s mail sender: may marketing go to this address? (suppression list)',
  throttle: { rate: 50, burst: 100 },
  uses: { tables: { subscriptions: ['GetItem'] } },
  request: { path: EmailPath },
} satisfies RouteDef;

export const checkSubscriptionsRoute = {
  id: 'checkSubscriptions',
  method: 'POST',
  path: '/v1/subscriptions/check',
  handler: 'subscriptions/check-subscriptions',
  auth: 'iam', // machine: the shop's mail sender
  summary: 'The shop\u2019s mail sender: split up to 100 addresses into subscribed and suppressed',
  throttle: { rate: 20, burst: 40 },
  uses: { tables: { subscriptions: ['BatchGetItem'] } },
  request: { body: CheckInput },
} satisfies RouteDef;

export const createUnsubscribeLinkRoute = {
  id: 'createUnsubscribeLink',
  method: 'POST',
  path: '/v1/admin/unsubscribe-links',
  handler: 'admin/create-unsubscribe-link',
  auth: 'iam', // machine: the newsletter sender
  summary: 'The newsletter sender: the unsubscribe URL and List-Unsubscribe headers for one address',
  throttle: { rate: 50, burst: 100 },
  uses: { tables: { subscriptions: ['UpdateItem'] }, secrets: ['tokenKey'] },
  request: { body: LinkInput },
} satisfies RouteDef;

export const unsubscribePageRoute = {
  id: 'unsubscribePage',
  method: 'GET',
  path: '/v1/unsubscribe',
  handler: 'subscriptions/unsubscribe-page',
  auth: 'public',
  publicBecause: 'The unsubscribe link in every marketing mail; the signed token is the authorisation, and the page changes nothing.',
  summary: 'Unsubscribe page in Thai and English with one confirming button',
  throttle: { rate: 20, burst: 40 },
  uses: { secrets: ['tokenKey'] },
  request: { query: TokenQuery },
} satisfies RouteDef;

export const oneClickUnsubscribeRoute = {
  id: 'oneClickUnsubscribe',
  method: 'POST',
  path: '/v1/unsubscribe',
  handler: 'subscriptions/one-click-unsubscribe',
  auth: 'public',
  publicBecause: 'RFC 8058 one-click unsubscribe, called by mail providers without credentials; the signed token is the authorisation.',
  summary: 'One-click unsubscribe (body List-Unsubscribe=One-Click): suppressed at once, confirmed once',
  throttle: { rate: 20, burst: 40 },
  uses: { tables: { subscriptions: ['GetItem', 'UpdateItem'] }, secrets: ['tokenKey'], sendsMail: true },
  request: { query: TokenQuery, body: OneClickBody },
} satisfies RouteDef;

export const listPoliciesRoute = {
  id: 'listPolicies',
  method: 'GET',
  path: '/v1/admin/policies',
  handler: 'admin/list-policies',
  auth: 'staff', // people: reading which versions exist (public anyway through GET /v1/policy); publishing is the DPO's
  summary: 'Every policy version and the one in force (staff)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { policies: ['Query'] } },
} satisfies RouteDef;

export const publishPolicyRoute = {
  id: 'publishPolicy',
  method: 'POST',
  path: '/v1/admin/policies',
  handler: 'admin/publish-policy',
  auth: 'dpo', // people: policy versions are the DPO's
  summary: 'Publish a new policy version with its effective date, text hash and changed categories (staff)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { policies: ['Query', 'PutItem', 'GetItem'] } },
  request: { body: PublishPolicyInput },
} satisfies RouteDef;

/** Every route, in the order the API description lists them. */
export const ROUTES: RouteDef[] = [
  getHealthRoute,
  getOpenApiRoute,
  getKitRoute,
  getPolicyRoute,
  policyVersionsRoute,
  captureConsentRoute,
  getConsentRoute,
  recordVisitsRoute,
  linkVisitorRoute,
  recordOrderRoute,
  listVisitsRoute,
  putMemberRoute,
  cancelMemberRoute,
  submitRequestRoute,
  requestStatusRoute,
  confirmRequestRoute,
  downloadExportRoute,
  listRequestsRoute,
  getRequestRoute,
  getRawMailRoute,
  completeRequestRoute,
  confirmFulfilmentRoute,
  overrideFulfilmentRoute,
  recordDisclosureRoute,
  listDisclosuresRoute,
  getAuditRoute,
  checkMembershipRoute,
  getSubscriptionRoute,
  checkSubscriptionsRoute,
  createUnsubscribeLinkRoute,
  unsubscribePageRoute,
  oneClickUnsubscribeRoute,
  listPoliciesRoute,
  publishPolicyRoute,
];

/** "GET /v1/policy": the key API Gateway uses for a route (and for its throttling settings). */
export const routeKey = (r: Pick<RouteDef, 'method' | 'path'>) => `${r.method} ${r.path}`;
