/**
 * Disclosure register (policy 5): data leaves the shop only with the customer's authorisation, to
 * complete their transaction, or because the law requires it; each disclosure is recorded with its
 * basis and reference. Partners in joint marketing may ask whether a referred person became a
 * member: they send a keyed hash, learn yes or no, and every answer is itself a recorded disclosure.
 */
import { randomUUID } from 'node:crypto';
import type { AuditLog, Clock, Disclosure, DisclosureStore, LegalBasis, MemberStore } from './ports';
import { InvalidInputError, NotFoundError } from './errors';
import { recordView } from './access-log';

/** A joint-marketing partner as the stage declares it: its id and the IAM principal it calls as. */
export interface Partner {
  id: string;
  principalArn: string;
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/;
const ASSUMED_ROLE_ARN = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;

/**
 * Which partner made a call, from the caller ARN API Gateway's IAM authoriser verified (never from
 * anything in the body). A partner calling as its role appears as that role's assumed-role session
 * (`arn:aws:sts::<account>:assumed-role/<role name>/<session>`, the role's path dropped); an IAM user
 * appears as itself.
 */
export function partnerForCaller(callerArn: string, partners: readonly Partner[]): Partner | undefined {
  const session = ASSUMED_ROLE_ARN.exec(callerArn);
  return partners.find((p) => {
    if (p.principalArn === callerArn) return true;
    const role = ROLE_ARN.exec(p.principalArn);
    return Boolean(role && session && role[1] === session[1] && role[2] === session[2] && role[3] === session[3]);
  });
}

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

/**
 * Policy 5 allows confirming only customers who joined through that partner's joint marketing: the
 * answer is yes only for an active member whose recorded referrer is the asking partner. The hash is
 * keyed with that partner's own key, and the referrer is checked as well.
 */
export async function confirmMembershipToPartner(
  deps: Pick<DisclosureDeps, 'disclosures' | 'members' | 'clock'>,
  emailHash: string,
  partner: Pick<Partner, 'id'>,
): Promise<{ member: boolean }> {
  const found = await deps.members.findByPartnerHash(emailHash);
  const member = found && found.status === 'active' && found.referredBy === partner.id ? found : undefined;
  const now = deps.clock.now().toISOString();
  await deps.disclosures.record({
    id: randomUUID(),
    ...(member ? { memberId: member.memberId } : {}),
    recipient: partner.id,
    legalBasis: 'partner_membership_confirmation',
    categories: ['membership (yes/no)'],
    disclosedAt: now,
    recordedAt: now,
    recordedBy: 'system:partner-check',
    note: member ? 'answered yes' : 'answered no',
  });
  return { member: Boolean(member) };
}

/**
 * One member's disclosures for the DPO: what was handed to whom is personal data about that member,
 * so the look is recorded as `viewed` on the member's chain before the list is read (policy 4). The
 * whole register, newest first, is the DPO's own record and is not a look at one person.
 */
export async function disclosuresOfMemberForStaff(
  deps: { disclosures: Pick<DisclosureStore, 'forMember'>; audit: Pick<AuditLog, 'append'> },
  memberId: string,
  actor: string,
): Promise<Disclosure[]> {
  await recordView(deps.audit, { subject: memberId, actor, what: 'disclosures' });
  return deps.disclosures.forMember(memberId);
}
