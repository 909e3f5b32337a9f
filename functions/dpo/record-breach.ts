/** POST /v1/admin/breaches (DPO): record a suspected breach; its 72-hour PDPC deadline chain starts. */
import { registerDeps } from '../../shared/adapters/wiring/registers';
import { recordBreach, startRegisterChain, type RegisterDeps } from '../../shared/domain/register-service';
import { created } from '../../shared/http/responses';
import { route, staffActor } from '../../shared/http/route';
import { recordBreachRoute } from '../../shared/routes';

export const makeHandler = (deps: RegisterDeps) =>
  route({ ...recordBreachRoute.request, auth: recordBreachRoute.auth }).handler(async (event) =>
    created(await recordBreach(deps, event.input.body, staffActor(event))),
  );

export const handler = makeHandler(registerDeps({ startChain: startRegisterChain }));
