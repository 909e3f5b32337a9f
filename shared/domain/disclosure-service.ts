/**
 * Disclosure register (policy 5): data leaves the shop only with the customer's authorisation, to
 * complete their transaction, or because the law requires it; each disclosure is recorded with its
 * basis and reference. Partners in joint marketing may ask whether a referred person became a
 * member: they send a keyed hash, learn yes or no, and every answer is itself a recorded disclosure.
 */
import { randomUUID } from 'node:crypto';
import type { AuditLog, Clock, Disclosure, DisclosureStore, LegalBasis, MemberStore } from './ports';
import { InvalidInputError, NotFoundError } from './errors';

export interface DisclosureDeps {
  disclosures: DisclosureStore;
  members: Pick<MemberStore, 'get' | 'findByPartnerHash'>;
  audit: AuditLog;
  clock: Clock;
}

export async function recordDisclosure(
  deps: DisclosureDeps,
  input: {
    memberId?: string;
    recipient: string;
    legalBasis: Exclude<LegalBasis, 'partner_membership_confirmation'>;
    reference?: string;
    categories: string[];
    disclosedAt: string;
    note?: string;
  },
  actor: string,
): Promise<Disclosure> {
  // A disclosure required by law names its order or warrant: the register must show what compelled it.
  if (input.legalBasis === 'required_by_law' && !input.reference?.trim()) {
    throw new InvalidInputError('reference_required', 'A disclosure required by law needs the order or warrant reference', [
      { path: 'body.reference', message: 'required for required_by_law' },
    ]);
  }
  if (input.memberId && !(await deps.members.get(input.memberId))) throw new NotFoundError('Member');
  const disclosure: Disclosure = { id: randomUUID(), ...input, recordedAt: deps.clock.now().toISOString(), recordedBy: actor };
  await deps.disclosures.record(disclosure);
  await deps.audit.append({
    subject: input.memberId ?? 'disclosures',
    actor,
    action: 'disclosure.recorded',
    details: { id: disclosure.id, recipient: input.recipient, legalBasis: input.legalBasis, categories: input.categories },
  });
  return disclosure;
}

export async function confirmMembershipToPartner(deps: DisclosureDeps, emailHash: string, partner: string): Promise<{ member: boolean }> {
  const member = await deps.members.findByPartnerHash(emailHash);
  const now = deps.clock.now().toISOString();
  await deps.disclosures.record({
    id: randomUUID(),
    ...(member ? { memberId: member.memberId } : {}),
    recipient: partner,
    legalBasis: 'partner_membership_confirmation',
    categories: ['membership (yes/no)'],
    disclosedAt: now,
    recordedAt: now,
    recordedBy: 'system:partner-check',
    note: member ? 'answered yes' : 'answered no',
  });
  return { member: Boolean(member) };
}
