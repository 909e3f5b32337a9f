/** POST /v1/admin/processors (DPO): add a processor to the register; its agreement's expiry reminders start. */
import { registerDeps } from '../../shared/adapters/wiring/registers';
import { createProcessor, startRegisterChain, type RegisterDeps } from '../../shared/domain/register-service';
import { created } from '../../shared/http/responses';
import { route, staffActor } from '../../shared/http/route';
import { recordProcessorRoute } from '../../shared/routes';

export const makeHandler = (deps: RegisterDeps) =>
  route({ ...recordProcessorRoute.request, auth: recordProcessorRoute.auth }).handler(async (event) =>
    created(await createProcessor(deps, event.input.body, staffActor(event))),
  );

export const handler = makeHandler(registerDeps({ startChain: startRegisterChain }));
