/** GET /v1/admin/requests?status=&type=&channel= (staff): the queue, soonest due first, with its counts. */
import { systemClock } from '../../shared/adapters/clock';
import { requestStore } from '../../shared/adapters/wiring/request-store';
import { listQueue } from '../../shared/domain/request-queue';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { listRequestsRoute } from '../../shared/routes';

export const makeHandler = (deps: Parameters<typeof listQueue>[0]) =>
  route({ ...listRequestsRoute.request, auth: listRequestsRoute.auth }).handler(async (event) => ok(await listQueue(deps, event.input.query)));

export const handler = makeHandler({ requests: requestStore(), clock: systemClock });
