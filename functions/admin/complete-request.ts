/** POST /v1/admin/requests/{id}/complete (IAM): record the outcome, carry it out, tell the requester. */
import { completionDeps } from '../../shared/adapters/wiring/requests';
import { completeRequest, type CompletionDeps } from '../../shared/domain/request-completion';
import { ok } from '../../shared/http/responses';
import { callerOf, route } from '../../shared/http/route';
import { completeRequestRoute } from '../../shared/routes';

export const makeHandler = (deps: CompletionDeps) =>
  route(completeRequestRoute.request).handler(async (event) => {
    const { request, replayed } = await completeRequest(deps, event.input.path.id, event.input.body, callerOf(event));
    return ok(request, replayed ? { 'idempotent-replayed': 'true' } : {});
  });

export const handler = makeHandler(completionDeps());
