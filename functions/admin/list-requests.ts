/** GET /v1/admin/requests?status=open (staff): the staff queue, soonest due first. */
import { requestStore } from '../../shared/adapters/wiring/request-store';
import type { RequestStore } from '../../shared/domain/ports';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { listRequestsRoute } from '../../shared/routes';

export const makeHandler = (deps: { requests: Pick<RequestStore, 'byStatus'> }) =>
  route({ ...listRequestsRoute.request, auth: listRequestsRoute.auth }).handler(async (event) => {
    const { status = 'open', limit = 50, next } = event.input.query;
    const page = await deps.requests.byStatus(status, limit, next);
    // The queue shows what staff need to triage; details and history are on the request itself.
    // `needsAttention` / `replyReceivedAt` stay: a reply waiting to be read is part of triage.
    const items = page.items.map(({ history: _h, details: _d, verdicts: _v, version: _version, replies: _r, owed: _o, ...summary }) => summary);
    return ok({ items, ...(page.next ? { next: page.next } : {}) });
  });

export const handler = makeHandler({ requests: requestStore() });
