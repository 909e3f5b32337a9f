/** Fulfilment in the shop's other systems: the systems that confirm back, and what confirming needs. */
import * as z from 'zod/mini';
import { ConfigError, runtimeConfig } from '../../config';
import { EVENT_TYPES, type EventType } from '../../domain/events-out';
import type { ConfirmingSystem, FulfilmentDeps } from '../../domain/fulfilment';
import { PartnerId, PartnerPrincipalArn } from '../../schemas/common';
import { systemClock } from '../clock';
import { auditLog, eventPublisher, mailer, reportUnsettled } from './common';
import { requestStore } from './request-store';

// Pure-annotated like the schemas in shared/schemas: a function that never reads the systems drops it.
const SystemList = /* @__PURE__ */ (() =>
  z.array(z.object({ id: PartnerId, events: z.array(z.enum(Object.keys(EVENT_TYPES) as [EventType, ...EventType[]])), principalArn: PartnerPrincipalArn })))();

/** The stage's confirming systems, from CONFIRMING_SYSTEMS; none when the stage declares none. */
export function configuredSystems(): ConfirmingSystem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(runtimeConfig().CONFIRMING_SYSTEMS);
  } catch {
    throw new ConfigError('CONFIRMING_SYSTEMS must be JSON');
  }
  const result = SystemList.safeParse(parsed);
  if (!result.success) throw new ConfigError('CONFIRMING_SYSTEMS must be a list of { id, events, principalArn }');
  return result.data;
}

export const fulfilmentDeps = (): FulfilmentDeps & { systems: ConfirmingSystem[] } => ({
  onUnsettled: reportUnsettled,
  requests: requestStore(),
  audit: auditLog(),
  mailer: mailer(),
  events: eventPublisher(),
  clock: systemClock,
  systems: configuredSystems(),
});
