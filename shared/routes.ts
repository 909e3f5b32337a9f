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
import type { ActivityKey } from './processing';
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
import { SessionInput, SignInLinkInput, SubscriptionSwitchInput } from './schemas/privacy-center';
import {
  BreachAssessmentInput,
  BreachInput,
  BreachPath,
  PdpcOutcomeInput,
  ProcessingRecordQuery,
  ProcessorInput,
  ProcessorPath,
  SubjectNoticeInput,
} from './schemas/registers';
import { ReportPath, ReportQuery } from './schemas/reports';
import { AssignInput, CommentInput, CompletionPreviewInput, MemberLookupQuery, MemberViewQuery, ReclassifyInput } from './schemas/staff';

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
  /** Publishes to the stage's alarm topic (SNS): breach deadlines reach whoever the alarms reach. */
  alarmTopic?: boolean;
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
  /**
   * Steady rate and burst for this route alone at API Gateway, so a flood on one route cannot starve
   * the others. Absent on a route that is not served by API Gateway (`edgeOrigin`).
   */
  throttle?: { rate: number; burst: number };
  /**
   * How the storefront's CloudFront distribution reaches a route that is not an API Gateway route.
   * `functionUrl`: the route's function's Lambda function URL, as a second origin of the same
   * distribution (no API Gateway request fee on a hot path); the function answers 403 to any request
   * without the edge key, so it is reachable only through the distribution. The local server serves
   * such a route like any other.
   */
  edgeOrigin?: 'functionUrl';
  uses: FunctionUses;
  request?: { body?: z.ZodMiniType; path?: z.ZodMiniType; query?: z.ZodMiniType };
  /**
   * The processing activity (shared/processing.ts) whose personal data this route collects or
   * changes: the record of processing activities lists the route under it. Required (a unit test
   * checks) for every route that writes a table holding personal data.
   */
  activity?: ActivityKey;
  /** Function settings that differ from the stack's defaults; the bench's cost model reads the same values. */
  runtime?: RouteRuntime;
}

export interface RouteRuntime {
  memoryMb?: number;
  /** `false`: no X-Ray active tracing (the hot path: a trace per beacon would cost more than the beacon). */
  activeTracing?: false;
  /** Share (0-1) of successful requests whose request log line is written; errors are always logged. */
  requestLogSample?: number;
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
  publicBecause:
    'The storefront\u2019s script (consent banner, beacons, request form), loaded by every shop page: static code with the public policy version in force inside; it holds no personal data.',
  summary:
    'The storefront kit: consent banner, visit beacons and request form (JavaScript), carrying the policy in force (as GET /v1/policy answers it) except under ?v=<version>',
  // Every page view's kit (and, inside it, policy) request: the policy route's own limits.
  throttle: { rate: 200, burst: 400 },
  // The policy store, read for the policy the kit carries.
  uses: { tables: { policies: ['Query'] } },
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
  activity: 'consent',
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
    'Visit beacons sent by shoppers\u2019 browsers (navigator.sendBeacon) on every storefront page; stored only under a signed consent token or recorded consent; reachable only through the storefront\u2019s CloudFront distribution (edge key).',
  summary: 'Storefront beacon: store 1-50 visit events if the visitor allowed analytics',
  // The busiest route by far: an API Gateway request would cost more than everything else a beacon
  // costs (npm run bench, cost model), so CloudFront calls the function's URL instead.
  edgeOrigin: 'functionUrl',
  uses: { tables: { visits: ['PutItem'], consents: ['Query'] }, secrets: ['tokenKey', 'edgeKey'], ispDatabase: true },
  request: { body: BeaconInput },
  // Visit logging's cost is mostly per beacon: settings chosen from the bench's figures (README: Cost).
  runtime: { memoryMb: 256, activeTracing: false, requestLogSample: 0.01 },
  activity: 'visitAnalytics',
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
  activity: 'visitAnalytics',
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
  activity: 'orders',
} satisfies RouteDef;

export const listVisitsRoute = {
  id: 'listVisits',
  method: 'GET',
  path: '/v1/admin/visits',
  handler: 'admin/list-visits',
  auth: 'staff', // people: part of member look-up
  summary: 'A visitor\u2019s or member\u2019s visits, newest first, paginated (staff; audited as `viewed`)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { visits: ['Query'], audit: AUDIT } },
  request: { query: VisitQuery },
  // Reading it appends a viewed entry to the audit trail.
  activity: 'audit',
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
  activity: 'membership',
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
  activity: 'membership',
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
    // The edge key: behind CloudFront, the per-source limit counts the viewer's address.
    secrets: ['tokenKey', 'edgeKey'],
    queues: { deadlines: ['send'] },
    sendsMail: true,
    publishesEvents: true,
  },
  request: { body: SubmitRequestInput },
  activity: 'dataRequests',
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
  activity: 'dataRequests',
} satisfies RouteDef;

export const downloadExportRoute = {
  id: 'downloadExport',
  method: 'GET',
  path: '/v1/exports/download',
  handler: 'requests/download-export',
  auth: 'public',
  publicBecause: 'The time-limited link in an access-request mail; the signed token is the authorisation.',
  summary: 'Download the copy of one\u2019s data (redirects to a short-lived S3 link; the opening is audited as `viewed`)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { requests: ['GetItem'], audit: AUDIT }, buckets: { exports: ['read'] }, secrets: ['tokenKey'] },
  request: { query: TokenQuery },
  // Reading it appends a viewed entry to the audit trail.
  activity: 'audit',
} satisfies RouteDef;

export const listRequestsRoute = {
  id: 'listRequests',
  method: 'GET',
  path: '/v1/admin/requests',
  handler: 'admin/list-requests',
  auth: 'staff', // people: the request queue
  summary:
    'Staff queue: requests by status (default open; `closed` for done, rejected and expired), type and channel, soonest due first, with the counts of open, due-soon and overdue requests',
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
  summary:
    'One request with everything to decide: type and why, the mail as text, verdicts, the member, history, milestones, folded repeats (staff; the look is audited as `viewed`)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { requests: ['GetItem'], members: ['GetItem'], audit: AUDIT } },
  request: { path: RequestPath },
  // Reading it appends a viewed entry to the audit trail.
  activity: 'audit',
} satisfies RouteDef;

export const getRawMailRoute = {
  id: 'getRawMail',
  method: 'GET',
  path: '/v1/admin/requests/{id}/raw',
  handler: 'admin/get-raw-mail',
  auth: 'staff', // people: working a request (its original mail)
  summary: 'Short-lived links to the raw mail of a request and of its replies (staff; audited as `viewed`)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { requests: ['GetItem'], audit: AUDIT }, buckets: { inboundMail: ['read'] } },
  request: { path: RequestPath },
  // Reading it appends a viewed entry to the audit trail.
  activity: 'audit',
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
  activity: 'dataRequests',
} satisfies RouteDef;

export const previewCompletionRoute = {
  id: 'previewCompletion',
  method: 'POST',
  path: '/v1/admin/requests/{id}/completion-preview',
  handler: 'admin/preview-completion',
  auth: 'staff', // people: working a request
  summary: 'The notice completing a request would send (subject and text in the requester\u2019s language), changing nothing (staff)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { requests: ['GetItem'], members: ['GetItem'] } },
  request: { path: RequestPath, body: CompletionPreviewInput },
} satisfies RouteDef;

export const reclassifyRequestRoute = {
  id: 'reclassifyRequest',
  method: 'POST',
  path: '/v1/admin/requests/{id}/reclassify',
  handler: 'admin/reclassify-request',
  auth: 'staff', // people: working a request
  summary: 'Correct the type of a misread request, with the reason; the due date follows the new type from receipt and the deadline chain restarts (staff)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { requests: ['GetItem', 'PutItem'], audit: AUDIT }, queues: { deadlines: ['send'] } },
  request: { path: RequestPath, body: ReclassifyInput },
  activity: 'dataRequests',
} satisfies RouteDef;

export const commentOnRequestRoute = {
  id: 'commentOnRequest',
  method: 'POST',
  path: '/v1/admin/requests/{id}/comments',
  handler: 'admin/comment-on-request',
  auth: 'staff', // people: working a request
  summary: 'Add an internal comment to a request\u2019s history, never sent to the requester (staff)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { requests: ['GetItem', 'PutItem'], audit: AUDIT } },
  request: { path: RequestPath, body: CommentInput },
  activity: 'dataRequests',
} satisfies RouteDef;

export const assignRequestRoute = {
  id: 'assignRequest',
  method: 'POST',
  path: '/v1/admin/requests/{id}/assign',
  handler: 'admin/assign-request',
  auth: 'staff', // people: working a request
  summary: 'Assign a request to a person, or take it back (staff)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { requests: ['GetItem', 'PutItem'], audit: AUDIT } },
  request: { path: RequestPath, body: AssignInput },
  activity: 'dataRequests',
} satisfies RouteDef;

export const lookupMemberRoute = {
  id: 'lookupMember',
  method: 'GET',
  path: '/v1/admin/members',
  handler: 'admin/lookup-member',
  auth: 'staff', // people: member look-up
  summary: 'Find a member by e-mail, member id or linked visitor id: the id and status only (staff)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { members: ['GetItem', 'Query'], visits: ['Query'] } },
  request: { query: MemberLookupQuery },
} satisfies RouteDef;

export const getMemberRoute = {
  id: 'getMember',
  method: 'GET',
  path: '/v1/admin/members/{memberId}',
  handler: 'admin/get-member',
  auth: 'staff', // people: member look-up (the audit chain and viewers only for the DPO)
  summary:
    'One member: profile and status, consents with receipts, marketing and its history, visits, orders, requests, disclosures, the verified audit chain and who viewed it (staff; audited as `viewed`)',
  throttle: { rate: 5, burst: 10 },
  uses: {
    tables: {
      members: ['GetItem'],
      visits: ['Query'],
      consents: ['Query'],
      orders: ['Query'],
      requests: ['Query'],
      disclosures: ['Query'],
      subscriptions: ['GetItem'],
      audit: AUDIT,
    },
  },
  request: { path: MemberPath, query: MemberViewQuery },
  // Reading it appends a viewed entry to the audit trail.
  activity: 'audit',
} satisfies RouteDef;

export const getSuppressionRoute = {
  id: 'getSuppression',
  method: 'GET',
  path: '/v1/admin/suppressions/{email}',
  handler: 'admin/get-suppression',
  auth: 'staff', // people: unsubscribe look-up
  summary: 'Staff: is this address on the suppression list, since when and through which channel (policy 6)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { subscriptions: ['GetItem'] } },
  request: { path: EmailPath },
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
  // Closing a data-subject request across the shop's systems.
  activity: 'dataRequests',
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
  // Closing a data-subject request across the shop's systems.
  activity: 'dataRequests',
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
  activity: 'disclosures',
} satisfies RouteDef;

export const listDisclosuresRoute = {
  id: 'listDisclosures',
  method: 'GET',
  path: '/v1/admin/disclosures',
  handler: 'admin/list-disclosures',
  auth: 'dpo', // people: the disclosure register is the DPO's
  summary: 'The disclosure register, newest first, or one member\u2019s disclosures (staff; that look audited as `viewed`)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { disclosures: ['Query'], audit: AUDIT } },
  request: { query: DisclosureQuery },
  // Writes only the `viewed` entry of a look at one member's disclosures.
  activity: 'audit',
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
  activity: 'disclosures',
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
  activity: 'marketingPreferences',
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
  activity: 'marketingPreferences',
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

const CENTER_SESSION =
  'The customer\u2019s privacy center in the shop\u2019s page, before any shop sign-in; the session token from a one-time link mailed to the address (Authorization: Bearer) is the authorisation, and it reaches that address\u2019s data only.';

export const getPrivacyCenterScriptRoute = {
  id: 'getPrivacyCenterScript',
  method: 'GET',
  path: '/v1/privacy-center.js',
  handler: 'platform/get-privacy-center',
  auth: 'public',
  publicBecause: 'The privacy center\u2019s script, loaded by the kit only on a page with <div data-shop-privacy-center>; static code that holds no data.',
  summary: 'The customer privacy center (JavaScript), loaded by the kit where a page has one',
  throttle: { rate: 20, burst: 40 },
  uses: {},
} satisfies RouteDef;

export const requestCenterSignInRoute = {
  id: 'requestCenterSignIn',
  method: 'POST',
  path: '/v1/privacy-center/sign-in-links',
  handler: 'privacy-center/request-sign-in',
  auth: 'public',
  publicBecause:
    'The privacy center\u2019s e-mail form, open to anyone: it only mails a one-time link to the address given, answers the same whether or not anyone has that address, and is limited per address and per source.',
  summary: 'Mail a one-time sign-in link to the privacy center (the page URL must be on a storefront origin); always 202',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { requests: ['UpdateItem', 'PutItem'] }, secrets: ['tokenKey'], sendsMail: true },
  request: { body: SignInLinkInput },
  // The customer's privacy center: their own requests, export and newsletter switch.
  activity: 'dataRequests',
} satisfies RouteDef;

export const startCenterSessionRoute = {
  id: 'startCenterSession',
  method: 'POST',
  path: '/v1/privacy-center/sessions',
  handler: 'privacy-center/start-session',
  auth: 'public',
  publicBecause: 'Opened from the sign-in link mailed to the address; the signed one-time token is the authorisation.',
  summary: 'Use a sign-in link (once): returns a 30-minute session token for that address',
  throttle: { rate: 10, burst: 20 },
  uses: { tables: { requests: ['UpdateItem', 'GetItem'] }, secrets: ['tokenKey'] },
  request: { body: SessionInput },
  // The customer's privacy center: their own requests, export and newsletter switch.
  activity: 'dataRequests',
} satisfies RouteDef;

export const endCenterSessionRoute = {
  id: 'endCenterSession',
  method: 'DELETE',
  path: '/v1/privacy-center/session',
  handler: 'privacy-center/end-session',
  auth: 'public',
  publicBecause: CENTER_SESSION,
  summary: 'Sign out of the privacy center: the session token stops working',
  throttle: { rate: 10, burst: 20 },
  uses: { tables: { requests: ['GetItem', 'UpdateItem'] }, secrets: ['tokenKey'] },
  // The customer's privacy center: their own requests, export and newsletter switch.
  activity: 'dataRequests',
} satisfies RouteDef;

export const getCenterOverviewRoute = {
  id: 'getCenterOverview',
  method: 'GET',
  path: '/v1/privacy-center/overview',
  handler: 'privacy-center/get-overview',
  auth: 'public',
  publicBecause: CENTER_SESSION,
  summary: 'The signed-in customer\u2019s requests (status, due date) and newsletter subscription',
  throttle: { rate: 20, burst: 40 },
  uses: { tables: { requests: ['GetItem', 'Query'], subscriptions: ['GetItem'] }, secrets: ['tokenKey'] },
} satisfies RouteDef;

export const setCenterSubscriptionRoute = {
  id: 'setCenterSubscription',
  method: 'PUT',
  path: '/v1/privacy-center/subscription',
  handler: 'privacy-center/set-subscription',
  auth: 'public',
  publicBecause: CENTER_SESSION,
  summary: 'The signed-in customer\u2019s newsletter switch, in force at once (off: unsubscribed and told; on: subscribed again)',
  throttle: { rate: 10, burst: 20 },
  uses: {
    tables: { requests: ['GetItem'], subscriptions: ['GetItem', 'UpdateItem'], members: ['Query'], audit: AUDIT },
    secrets: ['tokenKey'],
    sendsMail: true,
  },
  request: { body: SubscriptionSwitchInput },
  // The customer's privacy center: their own requests, export and newsletter switch.
  activity: 'marketingPreferences',
} satisfies RouteDef;

export const createCenterExportRoute = {
  id: 'createCenterExport',
  method: 'POST',
  path: '/v1/privacy-center/exports',
  handler: 'privacy-center/create-export',
  auth: 'public',
  publicBecause: CENTER_SESSION,
  summary: 'Download what the shop holds about the signed-in customer: the access export, answered as a 5-minute link',
  throttle: { rate: 2, burst: 5 },
  uses: {
    tables: {
      requests: ['GetItem', 'Query'],
      members: ['Query'],
      visits: ['Query'],
      consents: ['Query'],
      orders: ['Query'],
      disclosures: ['Query'],
      subscriptions: ['GetItem'],
      audit: AUDIT,
    },
    buckets: { exports: ['write', 'read'] },
    secrets: ['tokenKey'],
  },
  // The customer's privacy center: their own requests, export and newsletter switch.
  activity: 'dataRequests',
} satisfies RouteDef;

// The DPO's registers (policy 5, PDPA s37(4), s39): the DPO group only.
const REGISTER_READ: TableAction[] = ['Query'];

export const recordBreachRoute = {
  id: 'recordBreach',
  method: 'POST',
  path: '/v1/admin/breaches',
  handler: 'dpo/record-breach',
  auth: 'dpo',
  summary: 'Record a suspected personal-data breach; starts its 72-hour PDPC deadline chain (DPO)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { registers: ['GetItem', 'PutItem'], audit: AUDIT }, queues: { deadlines: ['send'] } },
  request: { body: BreachInput },
  activity: 'breaches',
} satisfies RouteDef;

export const listBreachesRoute = {
  id: 'listBreaches',
  method: 'GET',
  path: '/v1/admin/breaches',
  handler: 'dpo/list-breaches',
  auth: 'dpo',
  summary: 'The breach register, newest first, with deadlines and overdue flags (DPO)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { registers: REGISTER_READ } },
} satisfies RouteDef;

export const getBreachRoute = {
  id: 'getBreach',
  method: 'GET',
  path: '/v1/admin/breaches/{id}',
  handler: 'dpo/get-breach',
  auth: 'dpo',
  summary: 'One breach with its history (DPO)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { registers: ['GetItem'] } },
  request: { path: BreachPath },
} satisfies RouteDef;

export const reassessBreachRoute = {
  id: 'reassessBreach',
  method: 'PUT',
  path: '/v1/admin/breaches/{id}/assessment',
  handler: 'dpo/reassess-breach',
  auth: 'dpo',
  summary: 'Correct a breach\u2019s assessment (what happened, data categories, people affected, risk); the history keeps what changed (DPO)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { registers: ['GetItem', 'PutItem'], audit: AUDIT } },
  request: { path: BreachPath, body: BreachAssessmentInput },
  activity: 'breaches',
} satisfies RouteDef;

export const recordPdpcNotificationRoute = {
  id: 'recordPdpcNotification',
  method: 'POST',
  path: '/v1/admin/breaches/{id}/pdpc-notification',
  handler: 'dpo/record-pdpc-notification',
  auth: 'dpo',
  summary: 'Record the notification to the PDPC (date, reference), or why none is required; ends the deadline chain (DPO)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { registers: ['GetItem', 'PutItem'], audit: AUDIT } },
  request: { path: BreachPath, body: PdpcOutcomeInput },
  activity: 'breaches',
} satisfies RouteDef;

export const decideBreachNoticeRoute = {
  id: 'decideBreachNotice',
  method: 'POST',
  path: '/v1/admin/breaches/{id}/subject-notice',
  handler: 'dpo/decide-breach-notice',
  auth: 'dpo',
  summary: 'Decide whether to tell the people affected and why; when told, each member gets a notice in their language (DPO)',
  throttle: { rate: 2, burst: 4 },
  uses: { tables: { registers: ['GetItem', 'PutItem'], members: ['GetItem', 'Query'], audit: AUDIT }, sendsMail: true },
  request: { path: BreachPath, body: SubjectNoticeInput },
  activity: 'breaches',
} satisfies RouteDef;

export const recordProcessorRoute = {
  id: 'recordProcessor',
  method: 'POST',
  path: '/v1/admin/processors',
  handler: 'dpo/record-processor',
  auth: 'dpo',
  summary: 'Add a processor: what it does, data categories, confidentiality agreement, country, events it receives (DPO)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { registers: ['GetItem', 'PutItem'], audit: AUDIT }, queues: { deadlines: ['send'] } },
  request: { body: ProcessorInput },
  activity: 'processors',
} satisfies RouteDef;

export const updateProcessorRoute = {
  id: 'updateProcessor',
  method: 'PUT',
  path: '/v1/admin/processors/{id}',
  handler: 'dpo/update-processor',
  auth: 'dpo',
  summary: 'Change a processor (the history keeps what changed); a new expiry date restarts its reminders (DPO)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { registers: ['GetItem', 'PutItem'], audit: AUDIT }, queues: { deadlines: ['send'] } },
  request: { path: ProcessorPath, body: ProcessorInput },
  activity: 'processors',
} satisfies RouteDef;

export const listProcessorsRoute = {
  id: 'listProcessors',
  method: 'GET',
  path: '/v1/admin/processors',
  handler: 'dpo/list-processors',
  auth: 'dpo',
  summary: 'The processor register (DPO)',
  throttle: { rate: 5, burst: 10 },
  uses: { tables: { registers: REGISTER_READ } },
} satisfies RouteDef;

export const getProcessingRecordRoute = {
  id: 'getProcessingRecord',
  method: 'GET',
  path: '/v1/admin/processing-record',
  handler: 'dpo/get-processing-record',
  auth: 'dpo',
  summary:
    'The record of processing activities (PDPA s39), generated from the declarations and registers: JSON, CSV or a printable page, Thai or English (DPO)',
  throttle: { rate: 2, burst: 4 },
  uses: { tables: { registers: REGISTER_READ, disclosures: ['Query'] } },
  request: { query: ProcessingRecordQuery },
} satisfies RouteDef;

/**
 * Reports (policy 1.2: visit data is collected to improve the site). Reading one records nothing
 * personal (every number counts several people or none, small ones are suppressed, and requests are
 * counted by type only), so unlike the visit list no `viewed` audit entry is written.
 */
export const getSiteReportRoute = {
  id: 'getSiteReport',
  method: 'GET',
  path: '/v1/reports/{report}',
  handler: 'reports/get-site-report',
  auth: 'staff',
  summary:
    'A report about the site (traffic, searches, technology) for a range of Bangkok days, as JSON sections or CSV (UTF-8 with BOM), Thai or English; counts of fewer than 5 visitors show as "< 5" (staff)',
  throttle: { rate: 2, burst: 5 },
  uses: { tables: { reports: ['Query'] } },
  request: { path: ReportPath, query: ReportQuery },
} satisfies RouteDef;

export const getComplianceReportRoute = {
  id: 'getComplianceReport',
  method: 'GET',
  path: '/v1/admin/reports/{report}',
  handler: 'reports/get-compliance-report',
  auth: 'dpo',
  summary:
    'A compliance report (consent, requests) for a range of Bangkok days, as JSON sections or CSV; requests overdue now are read from the staff queue\u2019s index (DPO)',
  throttle: { rate: 2, burst: 5 },
  uses: { tables: { reports: ['Query'], requests: ['Query'] } },
  request: { path: ReportPath, query: ReportQuery },
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
  previewCompletionRoute,
  reclassifyRequestRoute,
  commentOnRequestRoute,
  assignRequestRoute,
  lookupMemberRoute,
  getMemberRoute,
  getSuppressionRoute,
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
  getPrivacyCenterScriptRoute,
  requestCenterSignInRoute,
  startCenterSessionRoute,
  endCenterSessionRoute,
  getCenterOverviewRoute,
  setCenterSubscriptionRoute,
  createCenterExportRoute,
  recordProcessorRoute,
  updateProcessorRoute,
  listProcessorsRoute,
  recordBreachRoute,
  listBreachesRoute,
  getBreachRoute,
  reassessBreachRoute,
  recordPdpcNotificationRoute,
  decideBreachNoticeRoute,
  getProcessingRecordRoute,
  getSiteReportRoute,
  getComplianceReportRoute,
];

/** Whether API Gateway serves this route (every route but those CloudFront sends to a function URL). */
export const servedByApiGateway = (r: Pick<RouteDef, 'edgeOrigin'>) => r.edgeOrigin === undefined;

/** "GET /v1/policy": the key API Gateway uses for a route (and for its throttling settings). */
export const routeKey = (r: Pick<RouteDef, 'method' | 'path'>) => `${r.method} ${r.path}`;
