/** GET /v1/admin/members?email=|memberId=|visitorId= (staff): who matched (id and status); the data is behind the audited member view. */
import { memberLookupDeps } from '../../shared/adapters/wiring/staff';
import { lookupMember, type MemberLookupDeps } from '../../shared/domain/member-view';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { lookupMemberRoute } from '../../shared/routes';

export const makeHandler = (deps: MemberLookupDeps) =>
  route({ ...lookupMemberRoute.request, auth: lookupMemberRoute.auth }).handler(async (event) => ok(await lookupMember(deps, event.input.query)));

export const handler = makeHandler(memberLookupDeps());
