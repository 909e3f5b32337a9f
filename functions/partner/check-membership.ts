/**
 * POST /v1/partner/membership-checks (IAM, partner role): `{ emailHash }` -> `{ member: bool }`.
 * The asking partner is the one whose IAM role signed the call (the stage's `partners`), never a claim
 * in the body; it learns yes or no about its own referrals and nothing else, and each answer is
 * recorded as a disclosure naming it (policy 5).
 */
import { partnerCheckDeps } from '../../shared/adapters/wiring/members';
import { confirmMembershipToPartner, partnerForCaller, type Partner } from '../../shared/domain/disclosure-service';
import { HttpError } from '../../shared/http/errors';
import { ok } from '../../shared/http/responses';
import { callerOf, route } from '../../shared/http/route';
import { checkMembershipRoute } from '../../shared/routes';

export const makeHandler = (deps: Parameters<typeof confirmMembershipToPartner>[0] & { partners: readonly Partner[] }) =>
  route(checkMembershipRoute.request).handler(async (event) => {
    const partner = partnerForCaller(callerOf(event), deps.partners);
    if (!partner) throw new HttpError(403, 'not_a_partner', 'Only a joint-marketing partner of the shop may ask, signed as its own IAM role');
    return ok(await confirmMembershipToPartner(deps, event.input.body.emailHash, partner));
  });

export const handler = makeHandler(partnerCheckDeps());
