/** GET /v1/admin/breaches/{id} (DPO): one breach with its history. */
import { registerStore } from '../../shared/adapters/wiring/registers';
import { NotFoundError } from '../../shared/domain/errors';
import type { RegisterStore } from '../../shared/domain/ports';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { getBreachRoute } from '../../shared/routes';

export const makeHandler = (deps: { registers: RegisterStore }) =>
  route({ ...getBreachRoute.request, auth: getBreachRoute.auth }).handler(async (event) => {
    const breach = await deps.registers.get('breach', event.input.path.id);
    if (!breach) throw new NotFoundError('Breach');
    return ok(breach);
  });

export const handler = makeHandler({ registers: registerStore() });
