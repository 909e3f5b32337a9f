/** POST /v1/admin/breaches/{id}/pdpc-notification (DPO): the notification to the PDPC, or why none is required. */
import { registerDeps } from '../../shared/adapters/wiring/registers';
import { recordPdpcOutcome, type RegisterDeps } from '../../shared/domain/register-service';
import { ok } from '../../shared/http/responses';
import { route, staffActor } from '../../shared/http/route';
import { recordPdpcNotificationRoute } from '../../shared/routes';

export const makeHandler = (deps: RegisterDeps) =>
  route({ ...recordPdpcNotificationRoute.request, auth: recordPdpcNotificationRoute.auth }).handler(async (event) =>
    ok(await recordPdpcOutcome(deps, event.input.path.id, event.input.body, staffActor(event))),
  );

export const handler = makeHandler(registerDeps());
