/** PUT /v1/members/{memberId}/visitors/{visitorId} (IAM): the storefront backend says a visitor id is this member's. */
import { visitLinkDeps } from '../../shared/adapters/wiring';
import { linkVisitor, type LinkDeps } from '../../shared/domain/visit-service';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { LinkPath } from '../../shared/schemas/visits';

export const makeHandler = (deps: LinkDeps) =>
  route({ path: LinkPath }).handler(async (event) => ok(await linkVisitor(deps, event.input.path.memberId, event.input.path.visitorId)));

export const handler = makeHandler(visitLinkDeps());
