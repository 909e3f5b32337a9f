/** GET /v1/admin/requests/{id} (staff): one request with its history and verdicts. */
import { requestStore } from '../../shared/adapters/wiring/request-store';
import { NotFoundError } from '../../shared/domain/errors';
import { fulfilmentView } from '../../shared/domain/fulfilment';
import type { RequestStore } from '../../shared/domain/ports';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { getRequestRoute } from '../../shared/routes';

export const makeHandler = (deps: { requests: Pick<RequestStore, 'get'> }) =>
  route({ ...getRequestRoute.request, auth: getRequestRoute.auth }).handler(async (event) => {
    const request = await deps.requests.get(event.input.path.id);
    if (!request) throw new NotFoundError('Request');
    // What is still owed, without the mail itself (a pending confirmation mail holds a live link);
    // the other systems' part per system (done / waiting / failed), without the notice that waits.
    const { owed, fulfilment: _f, ...rest } = request;
    const fulfilment = fulfilmentView(request);
    return ok({
      ...rest,
      ...(owed ? { owed: owed.map(({ id, kind, since, claimedUntil, claims }) => ({ id, kind, since, claimedUntil, claims })) } : {}),
      ...(fulfilment ? { fulfilment } : {}),
    });
  });

export const handler = makeHandler({ requests: requestStore() });
