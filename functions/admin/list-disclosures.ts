/** GET /v1/admin/disclosures[?memberId=] (DPO): the register, newest first, or one member's disclosures (that look audited first). */
import { auditLog } from '../../shared/adapters/wiring/common';
import { disclosureStore } from '../../shared/adapters/wiring/members';
import { disclosuresOfMemberForStaff } from '../../shared/domain/disclosure-service';
import type { AuditLog, DisclosureStore } from '../../shared/domain/ports';
import { ok } from '../../shared/http/responses';
import { route, staffActor } from '../../shared/http/route';
import { listDisclosuresRoute } from '../../shared/routes';

export const makeHandler = (deps: { disclosures: DisclosureStore; audit: Pick<AuditLog, 'append'> }) =>
  route({ ...listDisclosuresRoute.request, auth: listDisclosuresRoute.auth }).handler(async (event) => {
    const { memberId, limit = 50, next } = event.input.query;
    if (memberId) return ok({ items: await disclosuresOfMemberForStaff(deps, memberId, staffActor(event)) });
    const page = await deps.disclosures.recent(limit, next);
    return ok({ items: page.items, ...(page.next ? { next: page.next } : {}) });
  });

export const handler = makeHandler({ disclosures: disclosureStore(), audit: auditLog() });
