/** PUT /v1/members/{memberId}/visitors/{visitorId} (IAM): the storefront backend says a visitor id is this member's. */
import { visitLinkDeps } from '../../shared/adapters/wiring/visits';
import { linkVisitor, type LinkDeps } from '../../shared/domain/visit-service';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { linkVisitorRoute } from '../../shared/routes';

export const makeHandler = (deps: LinkDeps) =>
  route(linkVisitorRoute.request).handler(async (event) => ok(await linkVisitor(deps, event.input.path.memberId, event.input.path.visitorId)));

export const handler = makeHandler(visitLinkDeps());
