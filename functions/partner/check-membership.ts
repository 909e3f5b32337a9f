/**
 * POST /v1/partner/membership-checks (IAM, partner role): `{ emailHash }` -> `{ member: bool }`.
 * The partner learns yes or no and nothing else; each answer is recorded as a disclosure (policy 5).
 */
import { disclosureDeps } from '../../shared/adapters/wiring/members';
import { confirmMembershipToPartner, type DisclosureDeps } from '../../shared/domain/disclosure-service';
import { ok } from '../../shared/http/responses';
import { callerOf, route } from '../../shared/http/route';
import { checkMembershipRoute } from '../../shared/routes';

export const makeHandler = (deps: DisclosureDeps) =>
  route(checkMembershipRoute.request).handler(async (event) => ok(await confirmMembershipToPartner(deps, event.input.body.emailHash, callerOf(event))));

export const handler = makeHandler(disclosureDeps());
