/** GET /v1/health: liveness for load balancers, monitors and the local mode's readiness check. */
import { stage } from '../../shared/config';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';

export const handler = route().handler(async () => ok({ status: 'ok', stage: stage() }));
