/** GET /v1/admin/breaches (DPO): the breach register, newest first. */
import { registerStore } from '../../shared/adapters/wiring/registers';
import type { RegisterStore } from '../../shared/domain/ports';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { listBreachesRoute } from '../../shared/routes';

export const makeHandler = (deps: { registers: RegisterStore }) =>
  route({ auth: listBreachesRoute.auth }).handler(async () => ok({ items: await deps.registers.list('breach') }));

export const handler = makeHandler({ registers: registerStore() });
