/** POST /v1/admin/requests/{id}/reclassify (staff): correct a misread type; the due date follows it. */
import { reclassifyDeps } from '../../shared/adapters/wiring/staff';
import { reclassifyRequest, actionAnswer, type StaffActionDeps } from '../../shared/domain/request-staff';
import { ok } from '../../shared/http/responses';
import { route, staffActor } from '../../shared/http/route';
import { reclassifyRequestRoute } from '../../shared/routes';

export const makeHandler = (deps: StaffActionDeps) =>
  route({ ...reclassifyRequestRoute.request, auth: reclassifyRequestRoute.auth }).handler(async (event) =>
    ok(actionAnswer(await reclassifyRequest(deps, event.input.path.id, event.input.body, staffActor(event)), deps.clock)),
  );

export const handler = makeHandler(reclassifyDeps());
