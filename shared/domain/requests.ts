/**
 * Data-subject requests (policy 2.1, 2.2; PDPA): their life cycle and the decisions along it.
 *   awaiting_confirmation -> open -> done | rejected
 *   awaiting_confirmation -> expired (never confirmed)
 * A request gets a reference, a due date, a verified identity before anything changes, and a
 * history. Nothing is ever deleted: refused requests and their reasons stay on record (PDPA s.39).
 */
import { createHash, randomBytes } from 'node:crypto';
import { dueAt as dueDate, type DeadlineSettings } from './deadlines';
import type { Locale } from './members';
import type { RequestType } from './request-types';
import type { OwedEffect } from './request-effects';
import type { Fulfilment } from './fulfilment';

/**
 * Life cycle of a request, in the order the staff queue lists its filters. `expired`: never confirmed
 * within the stage's unconfirmedExpiryDays (closed, no outcome, no mail).
 */
export const REQUEST_STATUSES = ['open', 'awaiting_confirmation', 'done', 'rejected', 'expired'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
/** How staff close a request. */
export const REQUEST_OUTCOMES = ['done', 'rejected'] as const satisfies readonly RequestStatus[];
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];
/** How a request arrived: by mail (SES) or through the storefront's web form. */
export const CHANNELS = ['email', 'web'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface HistoryEntry {
  at: string;
  event: string;
  by: string;
  note?: string;
}

export interface Verdicts {
  spf: string;
  dkim: string;
  dmarc: string;
  spam: string;
  virus: string;
}

/** What is kept of an attachment: never its content (staff open the raw mail for that). */
export interface MailAttachment {
  filename?: string;
  contentType: string;
  size: number;
}

/** A reply by mail from the request's own address, joined to its history. */
export interface MailReply {
  at: string;
  sesMessageId: string;
  subject?: string;
  text?: string;
  attachments?: MailAttachment[];
  /** Where the raw mail lies in the inbound bucket (staff open it through the raw-mail route). */
  rawMailKey?: string;
  /** DMARC passed for the From address. */
  authenticated: boolean;
}

export interface DataRequest {
  id: string;
  type: RequestType;
  status: RequestStatus;
  channel: Channel;
  email: string;
  memberId?: string;
  locale: Locale;
  details?: string;
  subject?: string;
  receivedAt: string;
  dueAt: string;
  verifiedAt?: string;
  closedAt?: string;
  outcome?: RequestOutcome;
  /** Why it was refused, or what staff noted on completion. */
  note?: string;
  overdue?: boolean;
  sesMessageId?: string;
  verdicts?: Verdicts;
  /** The mail's attachments (name, type, size), and the raw mail's key in the inbound bucket. */
  attachments?: MailAttachment[];
  rawMailKey?: string;
  /** Why a mail was read as its type: every phrase that matched (`type: phrase`, the deciding one first), kept from intake. */
  matched?: string[];
  /** The person (staff username or e-mail) working on it; set and changed by staff. */
  assignee?: string;
  /** A reply arrived that staff have not seen yet: the staff queue shows it. */
  needsAttention?: boolean;
  replyReceivedAt?: string;
  /** Replies by mail, newest last (at most MAX_REPLIES kept). */
  replies?: MailReply[];
  history: HistoryEntry[];
  /** Deadline milestones already handled (reminders, due, overdue-N): a duplicate job skips them. */
  milestones?: string[];
  /** Set when the member's dispute hold ended: the address is then only this SHA-256. */
  emailHash?: string;
  anonymisedAt?: string;
  /** Effects a step owes and no delivery has finished yet (see request-effects.ts). */
  owed?: OwedEffect[];
  /** Carried out here and waiting for the shop's other systems to confirm (see fulfilment.ts). */
  fulfilment?: Fulfilment;
  /** Optimistic concurrency: every write increments it. */
  version: number;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: read aloud on the phone

function reference(bytes: Uint8Array): string {
  let out = 'R-';
  for (let i = 0; i < 10; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return out;
}

/** A reference people can read out; derived from the SES message id for mail, so redelivery maps to one request. */
export const newRequestId = (seed?: string) => reference(seed ? createHash('sha256').update(seed).digest() : randomBytes(10));

export const MAX_DETAILS_CHARS = 4000;
export const MAX_REPLIES = 20;
/** Matched phrases kept per request: enough to show why, bounded so a hostile mail cannot bloat the item. */
const MAX_MATCHED = 20;
const MAX_ATTACHMENTS = 20;

/** Attachments as kept: bounded in number and name length, so a hostile mail cannot bloat the item. */
export const keptAttachments = (attachments: MailAttachment[] | undefined): MailAttachment[] | undefined =>
  attachments?.length
    ? attachments
        .slice(0, MAX_ATTACHMENTS)
        .map((a) => ({ ...(a.filename ? { filename: a.filename.slice(0, 200) } : {}), contentType: a.contentType.slice(0, 100), size: a.size }))
    : undefined;

/** A request reference as it appears in our mail's subjects (e.g. "Re: ... R-7KQ2M9XHPA"). */
export const REFERENCE_PATTERN = /\bR-[A-HJ-NP-Z2-9]{10}\b/g;

export function newRequest(
  input: Pick<
    DataRequest,
    | 'id'
    | 'type'
    | 'channel'
    | 'email'
    | 'memberId'
    | 'locale'
    | 'details'
    | 'subject'
    | 'status'
    | 'sesMessageId'
    | 'verdicts'
    | 'note'
    | 'attachments'
    | 'rawMailKey'
    | 'matched'
  >,
  now: Date,
  deadlines: DeadlineSettings,
  by: string,
): DataRequest {
  const closed = input.status === 'done' || input.status === 'rejected';
  return {
    id: input.id,
    type: input.type,
    status: input.status,
    channel: input.channel,
    email: input.email,
    ...(input.memberId ? { memberId: input.memberId } : {}),
    locale: input.locale,
    ...(input.details ? { details: input.details.slice(0, MAX_DETAILS_CHARS) } : {}),
    ...(input.subject ? { subject: input.subject.slice(0, 500) } : {}),
    receivedAt: now.toISOString(),
    dueAt: dueDate(input.type, now, deadlines).toISOString(),
    ...(input.status === 'open' ? { verifiedAt: now.toISOString() } : {}),
    ...(closed ? { closedAt: now.toISOString(), outcome: input.status as RequestOutcome } : {}),
    ...(input.note ? { note: input.note } : {}),
    ...(input.sesMessageId ? { sesMessageId: input.sesMessageId } : {}),
    ...(input.verdicts ? { verdicts: input.verdicts } : {}),
    ...(keptAttachments(input.attachments) ? { attachments: keptAttachments(input.attachments) } : {}),
    ...(input.rawMailKey ? { rawMailKey: input.rawMailKey } : {}),
    ...(input.matched?.length ? { matched: input.matched.slice(0, MAX_MATCHED).map((m) => m.slice(0, 200)) } : {}),
    history: [{ at: now.toISOString(), event: `received:${input.status}`, by, ...(input.note ? { note: input.note } : {}) }],
    version: 1,
  };
}

export function withEvent(request: DataRequest, change: Partial<DataRequest>, event: HistoryEntry): DataRequest {
  return { ...request, ...change, history: [...request.history, event], version: request.version + 1 };
}

/**
 * The audit chain a request's entries go to: its member's, else one per requester address (a hash,
 * no address in clear), else the request's own. Unrelated people never share a chain, so their
 * appends never contend for the same sequence number.
 */
export const auditSubject = (r: Pick<DataRequest, 'id' | 'memberId' | 'email'>) =>
  r.memberId ?? (r.email && r.email !== 'unknown' ? `email:${createHash('sha256').update(r.email.toLowerCase()).digest('hex').slice(0, 32)}` : r.id);

/**
 * The request with everything that names its requester removed (the address, the mail's subject and
 * text and the phrases quoted from it, replies, attachment names, the raw mail's key, staff notes and
 * comments, mail still owed), keeping what the audit trail needs: ids, type, channel,
 * dates, statuses, SES verdicts and a hash of the address.
 */
export function anonymiseRequest(request: DataRequest, now: Date, by: string): DataRequest {
  const { details: _d, subject: _s, note: _n, owed, replies, attachments, rawMailKey: _raw, matched: _m, fulfilment, ...kept } = request;
  // Mail still owed names the requester; so does an event still owed that carries an edit's values.
  const stillOwed = (owed ?? []).filter((o) => o.kind !== 'mail' && !(o.kind === 'event' && o.events.some((e) => 'changes' in e)));
  return withEvent(
    {
      ...kept,
      email: `anonymised+${request.id}@invalid`,
      emailHash: request.emailHash ?? createHash('sha256').update(request.email.toLowerCase()).digest('hex'),
      anonymisedAt: now.toISOString(),
      history: request.history.map(({ note: _note, ...entry }) => entry),
      // Types and sizes say what arrived; names and text could say who sent it.
      ...(attachments ? { attachments: attachments.map(({ contentType, size }) => ({ contentType, size })) } : {}),
      ...(replies ? { replies: replies.map(({ at, sesMessageId, authenticated }) => ({ at, sesMessageId, authenticated })) } : {}),
      ...(stillOwed.length ? { owed: stillOwed } : {}),
      // The other systems' states stay; the notice waiting for them (address and text) goes.
      ...(fulfilment ? { fulfilment: withoutNotice(fulfilment) } : {}),
    },
    {},
    { at: now.toISOString(), event: 'anonymised', by },
  );
}

/** A fulfilment without what names the requester: the notice waiting for the systems, and staff's note. */
function withoutNotice(fulfilment: Fulfilment): Fulfilment {
  const { notice: _notice, note: _note, ...rest } = fulfilment;
  return rest;
}

export const isClosed = (r: Pick<DataRequest, 'status'>) => r.status === 'done' || r.status === 'rejected' || r.status === 'expired';

/**
 * SES verdicts to a decision. Spam or virus: recorded, not acted on. The From address counts as
 * authenticated only when DMARC passes (DMARC is what ties SPF/DKIM to the From domain); anything
 * else waits for the sender to confirm through a link sent to the address on file.
 */
export function assessVerdicts(v: Verdicts): 'spam' | 'virus' | 'authenticated' | 'unauthenticated' {
  if (v.virus === 'FAIL') return 'virus';
  if (v.spam === 'FAIL') return 'spam';
  return v.dmarc === 'PASS' ? 'authenticated' : 'unauthenticated';
}
