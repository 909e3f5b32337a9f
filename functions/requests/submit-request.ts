/** POST /v1/requests: the web form. Always 202 with the reference; the request waits for the e-mailed link. */
import { viewerAddressOf } from '../../shared/adapters/viewer-address';
import { secretKey } from '../../shared/adapters/secrets';
import { requestDeps } from '../../shared/adapters/wiring/requests';
import { submitWebRequest, type RequestDeps } from '../../shared/domain/request-service';
import { json } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { submitRequestRoute } from '../../shared/routes';

/** The viewer's address behind CloudFront (the edge key proves it), else the connection's. */
type ViewerAddress = (headers: Record<string, string | undefined>) => Promise<string | undefined>;

export const makeHandler = (deps: RequestDeps, viewerAddress: ViewerAddress = async () => undefined) =>
  route({ ...submitRequestRoute.request, acceptForm: true }).handler(async (event) =>
    // Behind CloudFront the connection is the edge's: the per-source limit must count the viewer.
    json(202, await submitWebRequest(deps, event.input.body, { ip: (await viewerAddress(event.headers)) ?? event.requestContext.http.sourceIp })),
  );

export const handler = makeHandler(requestDeps(), viewerAddressOf(secretKey('edgeKey')));
