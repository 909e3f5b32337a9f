/** GET /v1/admin/visits?visitorId=...|memberId=... (staff): a visitor's or member's visits, newest first; the look is audited first. */
import { auditLog } from '../../shared/adapters/wiring/common';
import { visitQueryDeps } from '../../shared/adapters/wiring/visits';
import { listVisitsForStaff } from '../../shared/domain/visit-service';
import { ok } from '../../shared/http/responses';
import { route, staffActor } from '../../shared/http/route';
import { listVisitsRoute } from '../../shared/routes';

export const makeHandler = (deps: Parameters<typeof listVisitsForStaff>[0]) =>
  route({ ...listVisitsRoute.request, auth: listVisitsRoute.auth }).handler(async (event) => {
    const page = await listVisitsForStaff(deps, event.input.query, staffActor(event));
    return ok({ items: page.items, ...(page.next ? { next: page.next } : {}) });
  });

export const handler = makeHandler({ ...visitQueryDeps(), audit: auditLog() });
