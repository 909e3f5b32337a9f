/** POST /v1/admin/requests/{id}/fulfilment-override (DPO): close a carried-out request without every system's confirmation. */
import { fulfilmentDeps } from '../../shared/adapters/wiring/fulfilment';
import { fulfilmentView, overrideFulfilment, type FulfilmentDeps } from '../../shared/domain/fulfilment';
import { ok } from '../../shared/http/responses';
import { route, staffActor } from '../../shared/http/route';
import { overrideFulfilmentRoute } from '../../shared/routes';

export const makeHandler = (deps: FulfilmentDeps) =>
  route({ ...overrideFulfilmentRoute.request, auth: overrideFulfilmentRoute.auth }).handler(async (event) => {
    const request = await overrideFulfilment(deps, event.input.path.id, event.input.body.reason, staffActor(event));
    return ok({ requestId: request.id, status: request.status, fulfilment: fulfilmentView(request) });
  });

export const handler = makeHandler(fulfilmentDeps());
