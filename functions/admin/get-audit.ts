/** GET /v1/admin/audit/{subject} (DPO): a member's audit trail and whether its hash chain is intact. */
import { auditLog } from '../../shared/adapters/wiring/common';
import { verifyChain } from '../../shared/domain/audit';
import type { AuditLog } from '../../shared/domain/ports';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { getAuditRoute } from '../../shared/routes';

export const makeHandler = (deps: { audit: Pick<AuditLog, 'entries'> }) =>
  route({ ...getAuditRoute.request, auth: getAuditRoute.auth }).handler(async (event) => {
    const entries = await deps.audit.entries(event.input.path.subject);
    return ok({ subject: event.input.path.subject, verification: verifyChain(entries), entries });
  });

export const handler = makeHandler({ audit: auditLog() });
