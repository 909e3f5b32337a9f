/** POST /v1/privacy-center/sign-in-links: mails a one-time sign-in link; the same 202 for every address. */
import { signInDeps } from '../../shared/adapters/wiring/privacy-center';
import { requestSignIn } from '../../shared/domain/privacy-center';
import { json } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { requestCenterSignInRoute } from '../../shared/routes';

export const makeHandler = (deps: Parameters<typeof requestSignIn>[0]) =>
  route(requestCenterSignInRoute.request).handler(async (event) => {
    await requestSignIn(deps, event.input.body, { ip: event.requestContext.http.sourceIp });
    return json(202, { status: 'sent' });
  });

export const handler = makeHandler(signInDeps());
