/** GET /v1/admin/visits?visitorId=...|memberId=... (staff): a visitor's or member's visits, newest first. */
import { visitQueryDeps } from '../../shared/adapters/wiring/visits';
import { listVisits } from '../../shared/domain/visit-service';
import { ok } from '../../shared/http/responses';
import { route, staffOf } from '../../shared/http/route';
import { listVisitsRoute } from '../../shared/routes';
import { log } from '../../shared/log';

export const makeHandler = (deps: Parameters<typeof listVisits>[0]) =>
  route({ ...listVisitsRoute.request, auth: listVisitsRoute.auth }).handler(async (event) => {
    const page = await listVisits(deps, event.input.query);
    // Reading someone's visits is itself an access to personal data: say who did it.
    log.info('visits read', { by: staffOf(event).username, visitors: page.visitorIds.length, events: page.items.length });
    return ok({ items: page.items, ...(page.next ? { next: page.next } : {}) });
  });

export const handler = makeHandler(visitQueryDeps());
