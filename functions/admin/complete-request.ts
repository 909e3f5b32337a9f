/** POST /v1/admin/requests/{id}/complete (staff): record the outcome, carry it out, tell the requester. */
import { completionDeps } from '../../shared/adapters/wiring/requests';
import { completeRequest, type CompletionDeps } from '../../shared/domain/request-completion';
import { ok } from '../../shared/http/responses';
import { route, staffActor } from '../../shared/http/route';
import { completeRequestRoute } from '../../shared/routes';

export const makeHandler = (deps: CompletionDeps) =>
  route({ ...completeRequestRoute.request, auth: completeRequestRoute.auth }).handler(async (event) => {
    const { request, replayed } = await completeRequest(deps, event.input.path.id, event.input.body, staffActor(event));
    return ok(request, replayed ? { 'idempotent-replayed': 'true' } : {});
  });

export const handler = makeHandler(completionDeps());
