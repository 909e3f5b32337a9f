/** POST /v1/admin/requests/{id}/comments (staff): an internal comment in the request's history. */
import { requestActionDeps } from '../../shared/adapters/wiring/staff';
import { commentOnRequest, actionAnswer, type StaffActionDeps } from '../../shared/domain/request-staff';
import { created } from '../../shared/http/responses';
import { route, staffActor } from '../../shared/http/route';
import { commentOnRequestRoute } from '../../shared/routes';

export const makeHandler = (deps: StaffActionDeps) =>
  route({ ...commentOnRequestRoute.request, auth: commentOnRequestRoute.auth }).handler(async (event) =>
    created(actionAnswer(await commentOnRequest(deps, event.input.path.id, event.input.body, staffActor(event)), deps.clock)),
  );

export const handler = makeHandler(requestActionDeps());
