/** POST /v1/admin/requests/{id}/assign (staff): give the request to a person, or take it back. */
import { requestActionDeps } from '../../shared/adapters/wiring/staff';
import { assignRequest, actionAnswer, type StaffActionDeps } from '../../shared/domain/request-staff';
import { ok } from '../../shared/http/responses';
import { callerOf, route } from '../../shared/http/route';
import { assignRequestRoute } from '../../shared/routes';

export const makeHandler = (deps: StaffActionDeps) =>
  route(assignRequestRoute.request).handler(async (event) => {
    const { assignee } = event.input.body;
    return ok(actionAnswer(await assignRequest(deps, event.input.path.id, assignee ? { assignee } : {}, callerOf(event)), deps.clock));
  });

export const handler = makeHandler(requestActionDeps());
