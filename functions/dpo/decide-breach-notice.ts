/**
 * POST /v1/admin/breaches/{id}/subject-notice (DPO): whether to tell the people affected and why;
 * when they are told, each member gets a notice in their language. Notices that could not be sent
 * yet stay owed (the answer's `pending`) and are finished by the hourly sweep.
 */
import { registerDeps } from '../../shared/adapters/wiring/registers';
import { tellSubject } from '../../shared/domain/breach-notices';
import { decideSubjectNotice, type RegisterDeps } from '../../shared/domain/register-service';
import { ok } from '../../shared/http/responses';
import { route, staffActor } from '../../shared/http/route';
import { decideBreachNoticeRoute } from '../../shared/routes';

export const makeHandler = (deps: RegisterDeps) =>
  route({ ...decideBreachNoticeRoute.request, auth: decideBreachNoticeRoute.auth }).handler(async (event) => {
    const { breach, pending } = await decideSubjectNotice(deps, event.input.path.id, event.input.body, staffActor(event));
    return ok({ ...breach, pendingNotices: pending });
  });

export const handler = makeHandler(registerDeps({ tellSubject }));
