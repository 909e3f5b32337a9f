/**
 * POST /v1/fulfilment/requests/{id} (IAM, a system's own role): the system confirms its part of a
 * request. Which system is asking is decided by the IAM principal that signed the call (the stage's
 * `eventConsumers[].confirmRoleArn`), never by the body, so one system cannot confirm for another.
 */
import { fulfilmentDeps } from '../../shared/adapters/wiring/fulfilment';
import { partnerForCaller } from '../../shared/domain/disclosure-service';
import { confirmFulfilment, fulfilmentView, type ConfirmingSystem, type FulfilmentDeps } from '../../shared/domain/fulfilment';
import { HttpError } from '../../shared/http/errors';
import { ok } from '../../shared/http/responses';
import { callerOf, route } from '../../shared/http/route';
import { confirmFulfilmentRoute } from '../../shared/routes';

export const makeHandler = (deps: FulfilmentDeps & { systems: readonly ConfirmingSystem[] }) =>
  route(confirmFulfilmentRoute.request).handler(async (event) => {
    // Same principal matching as partners: a role ARN matches the sessions of that role.
    const system = partnerForCaller(callerOf(event), deps.systems);
    if (!system) throw new HttpError(403, 'not_a_system', 'Only a system of the shop that confirms back may call this, signed as its own IAM role');
    const request = await confirmFulfilment(deps, event.input.path.id, system.id, event.input.body);
    return ok({ requestId: request.id, status: request.status, fulfilment: fulfilmentView(request) });
  });

export const handler = makeHandler(fulfilmentDeps());
