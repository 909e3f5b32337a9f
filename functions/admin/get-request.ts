/** GET /v1/admin/requests/{id} (staff): one request with everything to decide; the look is audited first. */
import { requestReadDeps } from '../../shared/adapters/wiring/staff';
import { requestDetail, type StaffReadDeps } from '../../shared/domain/request-staff';
import { ok } from '../../shared/http/responses';
import { route, staffActor } from '../../shared/http/route';
import { getRequestRoute } from '../../shared/routes';

export const makeHandler = (deps: StaffReadDeps) =>
  route({ ...getRequestRoute.request, auth: getRequestRoute.auth }).handler(async (event) =>
    ok(await requestDetail(deps, event.input.path.id, staffActor(event))),
  );

export const handler = makeHandler(requestReadDeps());
