/** POST /v1/admin/requests/{id}/assign (staff): give the request to a person, or take it back. */
import { requestActionDeps } from '../../shared/adapters/wiring/staff';
import { assignRequest, actionAnswer, type StaffActionDeps } from '../../shared/domain/request-staff';
import { ok } from '../../shared/http/responses';
import { route, staffActor } from '../../shared/http/route';
import { assignRequestRoute } from '../../shared/routes';

export const makeHandler = (deps: StaffActionDeps) =>
  route({ ...assignRequestRoute.request, auth: assignRequestRoute.auth }).handler(async (event) => {
    const { assignee } = event.input.body;
    return ok(actionAnswer(await assignRequest(deps, event.input.path.id, assignee ? { assignee } : {}, staffActor(event)), deps.clock));
  });

export const handler = makeHandler(requestActionDeps());
