/** PUT /v1/admin/processors/{id} (DPO): change a processor; the history keeps what changed. */
import { registerDeps } from '../../shared/adapters/wiring/registers';
import { updateProcessor, startRegisterChain, type RegisterDeps } from '../../shared/domain/register-service';
import { ok } from '../../shared/http/responses';
import { route, staffActor } from '../../shared/http/route';
import { updateProcessorRoute } from '../../shared/routes';

export const makeHandler = (deps: RegisterDeps) =>
  route({ ...updateProcessorRoute.request, auth: updateProcessorRoute.auth }).handler(async (event) =>
    ok(await updateProcessor(deps, event.input.path.id, event.input.body, staffActor(event))),
  );

export const handler = makeHandler(registerDeps({ startChain: startRegisterChain }));
