/** GET /v1/admin/processors (DPO): the processor register. */
import { registerStore } from '../../shared/adapters/wiring/registers';
import type { RegisterStore } from '../../shared/domain/ports';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { listProcessorsRoute } from '../../shared/routes';

export const makeHandler = (deps: { registers: RegisterStore }) =>
  route({ auth: listProcessorsRoute.auth }).handler(async () => ok({ items: await deps.registers.list('processor') }));

export const handler = makeHandler({ registers: registerStore() });
