/** Members as the storefront backend registers them, the disclosure register and partner checks (policy 2.2, 5). */
import * as z from 'zod/mini';
import { ConfigError, runtimeConfig, tableName } from '../../config';
import type { Partner } from '../../domain/disclosure-service';
import { PartnerId, PartnerPrincipalArn } from '../../schemas/common';
import { systemClock } from '../clock';
import { DynamoDisclosureStore } from '../disclosure-store';
import { documentClient } from '../dynamodb';
import { DynamoMemberStore } from '../member-store';
import { DynamoPersonalData } from '../personal-data';
import { partnerKeys } from '../secrets';
import { auditLog } from './common';

/** Partner keys are read only where members are written, and only for a member's referring partner. */
export const memberStore = () => new DynamoMemberStore(documentClient(), tableName('members'), partnerKeys());
export const disclosureStore = () => new DynamoDisclosureStore(documentClient(), tableName('disclosures'));

export const memberDeps = () => ({
  members: memberStore(),
  audit: auditLog(),
  clock: systemClock,
  holdDays: runtimeConfig().DISPUTE_HOLD_DAYS,
});

export const disclosureDeps = () => ({
  disclosures: disclosureStore(),
  members: memberStore(),
  audit: auditLog(),
  clock: systemClock,
});

// Pure-annotated like the schemas in shared/schemas: a function that never reads the partners drops it.
const PartnerList = /* @__PURE__ */ (() => z.array(z.object({ id: PartnerId, principalArn: PartnerPrincipalArn })))();

/** The stage's partners (ids and IAM principals; no keys), from PARTNERS; none when the stage declares none. */
export function configuredPartners(): Partner[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(runtimeConfig().PARTNERS);
  } catch {
    throw new ConfigError('PARTNERS must be JSON');
  }
  const result = PartnerList.safeParse(parsed);
  if (!result.success) throw new ConfigError('PARTNERS must be a list of { id, principalArn }');
  return result.data;
}

/** Registering a member checks a referral against the declared partners. */
export const memberWriteDeps = () => ({ ...memberDeps(), partnerIds: configuredPartners().map((p) => p.id) });

/** The check reads members and records the disclosure; it writes no audit entry, so it has no audit table. */
export const partnerCheckDeps = () => ({
  disclosures: disclosureStore(),
  members: memberStore(),
  clock: systemClock,
  partners: configuredPartners(),
});

/**
 * What deactivation and the hold sweep need of a member's data: linked visitor ids, the profiling
 * stop, erasure. No orders table: orders are kept, never read or written there.
 */
export const memberDataWithoutOrders = () => new DynamoPersonalData(documentClient(), { visits: tableName('visits'), consents: tableName('consents') });
