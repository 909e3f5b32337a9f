/** GET /v1/admin/members/{memberId} (staff): everything about one member; the look is audited first. */
import { memberViewDeps } from '../../shared/adapters/wiring/staff';
import { memberView, type MemberViewDeps } from '../../shared/domain/member-view';
import { ok } from '../../shared/http/responses';
import { callerOf, route } from '../../shared/http/route';
import { getMemberRoute } from '../../shared/routes';

export const makeHandler = (deps: MemberViewDeps) =>
  route(getMemberRoute.request).handler(async (event) =>
    ok(
      await memberView(deps, event.input.path.memberId, callerOf(event), {
        ...(event.input.query.visits !== undefined ? { visits: event.input.query.visits } : {}),
      }),
    ),
  );

export const handler = makeHandler(memberViewDeps());
