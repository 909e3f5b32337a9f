/** POST /v1/requests: the web form. Always 202 with the reference; the request waits for the e-mailed link. */
import { requestDeps } from '../../shared/adapters/wiring/requests';
import { submitWebRequest, type RequestDeps } from '../../shared/domain/request-service';
import { json } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { submitRequestRoute } from '../../shared/routes';

export const makeHandler = (deps: RequestDeps) =>
  route({ ...submitRequestRoute.request, acceptForm: true }).handler(async (event) =>
    json(202, await submitWebRequest(deps, event.input.body, { ip: event.requestContext.http.sourceIp })),
  );

export const handler = makeHandler(requestDeps());
