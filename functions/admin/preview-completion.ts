/** POST /v1/admin/requests/{id}/completion-preview (staff): the notice completing would send; changes nothing. */
import { previewDeps } from '../../shared/adapters/wiring/staff';
import { previewCompletion } from '../../shared/domain/request-completion';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { previewCompletionRoute } from '../../shared/routes';

export const makeHandler = (deps: Parameters<typeof previewCompletion>[0]) =>
  route({ ...previewCompletionRoute.request, auth: previewCompletionRoute.auth }).handler(async (event) =>
    ok(await previewCompletion(deps, event.input.path.id, event.input.body)),
  );

export const handler = makeHandler(previewDeps());
