/**
 * The staff queue (policy 2.1): requests by status, narrowed by type and channel, soonest due first,
 * each with what triage needs (who it is from, whether the sender proved the address, days left),
 * and the counts the console shows at the top. Reads the status index only; nothing here scans.
 */
import { DAY_MS } from './deadlines';
import { InvalidInputError } from './errors';
import type { Clock, QueueFilter, RequestStore } from './ports';
import { REQUEST_STATUSES, type DataRequest, type RequestStatus } from './requests';

/** A status, or `closed`: done, rejected and expired in one list. */
export const QUEUE_VIEWS = [...REQUEST_STATUSES, 'closed'] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];
const CLOSED: readonly RequestStatus[] = ['done', 'rejected', 'expired'];

/** "Due soon" in the counts: due within this many days and not overdue yet. */
export const DUE_SOON_DAYS = 2;

/** Thailand keeps UTC+7 all year (no daylight saving): calendar days are counted in Bangkok. */
const BANGKOK_OFFSET_MS = 7 * 3_600_000;
const bangkokDay = (ms: number) => Math.floor((ms + BANGKOK_OFFSET_MS) / DAY_MS);

/**
 * Calendar days (Asia/Bangkok) from today to the due date: 0 due today, 1 tomorrow, negative when
 * overdue. Days people count, not 24-hour periods: a request due at 09:00 tomorrow is "1" at 23:00.
 */
export const daysLeft = (dueAt: string, now: Date) => bangkokDay(Date.parse(dueAt)) - bangkokDay(now.getTime());

export interface QueueItem {
  id: string;
  type: DataRequest['type'];
  status: RequestStatus;
  /** `email` (arrived by mail) or `web` (the storefront's form). */
  channel: DataRequest['channel'];
  /** The requester's address (as on file once anonymised: a placeholder). */
  from: string;
  memberId?: string;
  receivedAt: string;
  dueAt: string;
  daysLeft: number;
  /** Past its due date while not closed (the deadline chain also flags it). */
  overdue: boolean;
  /** The sender proved the address: an authenticated mail or a click on the link sent to it. */
  identityConfirmed: boolean;
  verifiedAt?: string;
  assignee?: string;
  /** A reply arrived that staff have not read yet. */
  needsAttention?: boolean;
  replyReceivedAt?: string;
  closedAt?: string;
  outcome?: DataRequest['outcome'];
}

export interface QueueCounts {
  open: number;
  /** Open and due within DUE_SOON_DAYS, not overdue yet. */
  dueSoon: number;
  overdue: number;
  awaitingConfirmation: number;
}

export interface QueuePage {
  items: QueueItem[];
  next?: string;
  counts: QueueCounts;
}

export function queueItem(r: DataRequest, now: Date): QueueItem {
  const closed = CLOSED.includes(r.status);
  return {
    id: r.id,
    type: r.type,
    status: r.status,
    channel: r.channel,
    from: r.email,
    ...(r.memberId ? { memberId: r.memberId } : {}),
    receivedAt: r.receivedAt,
    dueAt: r.dueAt,
    daysLeft: daysLeft(r.dueAt, now),
    overdue: !closed && (r.overdue === true || Date.parse(r.dueAt) < now.getTime()),
    identityConfirmed: r.verifiedAt !== undefined,
    ...(r.verifiedAt ? { verifiedAt: r.verifiedAt } : {}),
    ...(r.assignee ? { assignee: r.assignee } : {}),
    ...(r.needsAttention ? { needsAttention: true, ...(r.replyReceivedAt ? { replyReceivedAt: r.replyReceivedAt } : {}) } : {}),
    ...(r.closedAt ? { closedAt: r.closedAt } : {}),
    ...(r.outcome ? { outcome: r.outcome } : {}),
  };
}

export async function queueCounts(deps: { requests: Pick<RequestStore, 'countByStatus'>; clock: Clock }): Promise<QueueCounts> {
  const now = deps.clock.now();
  const [open, dueByThen, overdue, awaitingConfirmation] = await Promise.all([
    deps.requests.countByStatus('open'),
    deps.requests.countByStatus('open', new Date(now.getTime() + DUE_SOON_DAYS * DAY_MS)),
    deps.requests.countByStatus('open', now),
    deps.requests.countByStatus('awaiting_confirmation'),
  ]);
  return { open, dueSoon: dueByThen - overdue, overdue, awaitingConfirmation };
}

/** The queue's cursor: the status a page stopped in and the store's own cursor within it. */
const encodeQueueCursor = (status: RequestStatus, inner: string | undefined) =>
  Buffer.from(JSON.stringify({ s: status, ...(inner ? { n: inner } : {}) })).toString('base64url');

function decodeQueueCursor(cursor: string, statuses: readonly RequestStatus[]): { status: RequestStatus; inner: string | undefined } {
  try {
    const { s, n } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown; n?: unknown };
    if (statuses.includes(s as RequestStatus) && (n === undefined || typeof n === 'string'))
      return { status: s as RequestStatus, inner: n as string | undefined };
  } catch {
    // fall through
  }
  throw new InvalidInputError('invalid_cursor', 'The "next" cursor is not one this API issued for this list', [
    { path: 'query.next', message: 'invalid cursor' },
  ]);
}

export interface QueueQuery extends QueueFilter {
  status?: QueueView;
  limit?: number;
  next?: string;
}

/**
 * One page of the queue. `closed` walks done, rejected and expired one after the other (each soonest
 * due first); its cursor says which status it stopped in.
 */
export async function listQueue(deps: { requests: Pick<RequestStore, 'byStatus' | 'countByStatus'>; clock: Clock }, query: QueueQuery): Promise<QueuePage> {
  const view = query.status ?? 'open';
  const limit = query.limit ?? 50;
  const filter: QueueFilter = { ...(query.type ? { type: query.type } : {}), ...(query.channel ? { channel: query.channel } : {}) };
  const statuses = view === 'closed' ? CLOSED : [view];
  const cursor = query.next ? decodeQueueCursor(query.next, statuses) : { status: statuses[0]!, inner: undefined };
  const now = deps.clock.now();
  const items: DataRequest[] = [];
  let next: string | undefined;
  for (let i = statuses.indexOf(cursor.status); i < statuses.length; i++) {
    const status = statuses[i]!;
    const page = await deps.requests.byStatus(status, limit - items.length, status === cursor.status ? cursor.inner : undefined, undefined, filter);
    items.push(...page.items);
    if (page.next) {
      next = encodeQueueCursor(status, page.next);
      break;
    }
    if (items.length >= limit) {
      // This status is finished and the page is full: the next page starts with the next status.
      next = statuses[i + 1] ? encodeQueueCursor(statuses[i + 1]!, undefined) : undefined;
      break;
    }
  }
  return { items: items.map((r) => queueItem(r, now)), ...(next ? { next } : {}), counts: await queueCounts(deps) };
}
