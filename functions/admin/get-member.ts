/** GET /v1/admin/members/{memberId} (staff): everything about one member (the audit chain and its viewers for the DPO); the look is audited first. */
import { memberViewDeps } from '../../shared/adapters/wiring/staff';
import { memberView, type MemberViewDeps } from '../../shared/domain/member-view';
import { mayUse } from '../../shared/domain/staff-access';
import { ok } from '../../shared/http/responses';
import { route, staffActor, staffOf } from '../../shared/http/route';
import { getMemberRoute } from '../../shared/routes';

export const makeHandler = (deps: MemberViewDeps) =>
  route({ ...getMemberRoute.request, auth: getMemberRoute.auth }).handler(async (event) =>
    ok(
      await memberView(deps, event.input.path.memberId, staffActor(event), {
        ...(event.input.query.visits !== undefined ? { visits: event.input.query.visits } : {}),
        // The audit chain, its verification and who looked are the DPO's (as GET /v1/admin/audit is).
        withAudit: mayUse('dpo', staffOf(event).groups),
      }),
    ),
  );

export const handler = makeHandler(memberViewDeps());
