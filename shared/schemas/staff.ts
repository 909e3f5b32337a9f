/**
 * Shapes of the staff console's routes: what each accepts (zod, validated by the route) and what
 * each answers (TypeScript types from the domain that builds them), so the console is typed against
 * the same definitions the routes use.
 */
import * as z from 'zod/mini';
import { REQUEST_OUTCOMES } from '../domain/requests';
import { MemberId, VisitorId } from './common';
import { Email, RequestType } from './requests';

export type { QueueCounts, QueueItem, QueuePage } from '../domain/request-queue';
export type { ActionAnswer, Milestone, RequestDetail } from '../domain/request-staff';
export type { CompletionPreview } from '../domain/request-completion';
export type { Viewer } from '../domain/access-log';
export type { MemberMatch, MemberView } from '../domain/member-view';

/** A person's name as staff are known by (Cognito username or e-mail). */
export const StaffName = /* @__PURE__ */ (() => z.string().check(z.regex(/^[A-Za-z0-9_.@+-]{1,128}$/, 'must be 1-128 letters, digits or _.@+-')))();

export const CompletionPreviewInput = /* @__PURE__ */ (() =>
  z.strictObject({
    outcome: z.enum(REQUEST_OUTCOMES),
    note: z.optional(z.string().check(z.maxLength(2000))),
  }))();

export const ReclassifyInput = /* @__PURE__ */ (() =>
  z.strictObject({
    type: RequestType,
    reason: z.string().check(z.trim(), z.minLength(1, 'say why the mail was misread'), z.maxLength(500)),
  }))();

export const CommentInput = /* @__PURE__ */ (() =>
  z.strictObject({
    text: z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(4000)),
  }))();

/** No assignee (or null) takes the request back. */
export const AssignInput = /* @__PURE__ */ (() => z.strictObject({ assignee: z.optional(z.nullable(StaffName)) }))();

/** Exactly one of e-mail, member id or visitor id. */
export const MemberLookupQuery = /* @__PURE__ */ (() =>
  z.object({ email: z.optional(Email), memberId: z.optional(MemberId), visitorId: z.optional(VisitorId) }).check(
    z.refine((q) => [q.email, q.memberId, q.visitorId].filter((v) => v !== undefined).length === 1, {
      message: 'give exactly one of email, memberId or visitorId',
      path: ['email'],
    }),
  ))();

export const MemberViewQuery = /* @__PURE__ */ (() =>
  z.object({
    /** Visit records on the member view's first page (more through GET /v1/admin/visits). */
    visits: z.optional(z.coerce.number().check(z.int(), z.gte(0), z.lte(100))),
  }))();
