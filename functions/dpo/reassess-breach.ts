/** PUT /v1/admin/breaches/{id}/assessment (DPO): the corrected assessment; the history keeps what changed. */
import { registerDeps } from '../../shared/adapters/wiring/registers';
import { reassessBreach, type RegisterDeps } from '../../shared/domain/register-service';
import { ok } from '../../shared/http/responses';
import { route, staffActor } from '../../shared/http/route';
import { reassessBreachRoute } from '../../shared/routes';

export const makeHandler = (deps: RegisterDeps) =>
  route({ ...reassessBreachRoute.request, auth: reassessBreachRoute.auth }).handler(async (event) =>
    ok(await reassessBreach(deps, event.input.path.id, event.input.body, staffActor(event))),
  );

export const handler = makeHandler(registerDeps());
