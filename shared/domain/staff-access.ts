/**
 * Who of the shop's people may do what (policy 4: strict measures against access to personal data).
 * Two Cognito groups: `staff` works the queue, requests, member look-up and unsubscribe status; `dpo`
 * has all of that plus the registers (disclosures, partner settings, policy versions, audit
 * verification). Plain rules, used by the route middleware, the pre-token-generation trigger in AWS
 * and the local server's stand-in for it.
 */

export const STAFF_GROUPS = ['staff', 'dpo'] as const;
export type StaffGroup = (typeof STAFF_GROUPS)[number];

/** The access a people route declares: `staff` lets in either group, `dpo` only the DPO group. */
export type StaffAccess = StaffGroup;

/** A signed-in person, as the verified ID token names them. */
export interface StaffMember {
  username: string;
  email?: string;
  groups: StaffGroup[];
}

const isStaffGroup = (g: string): g is StaffGroup => (STAFF_GROUPS as readonly string[]).includes(g);

/**
 * The `cognito:groups` claim as API Gateway's JWT authoriser hands it to the function: array claims
 * arrive flattened into one string, `"[staff dpo]"`. A real array (a decoded token) is read too.
 * Unknown group names are dropped: only the two groups above mean anything here.
 */
export function parseGroupsClaim(value: unknown): StaffGroup[] {
  const names = Array.isArray(value)
    ? value.map(String)
    : typeof value === 'string'
      ? value
          .replace(/^\[|\]$/g, '')
          .split(/[\s,]+/)
          .filter(Boolean)
      : [];
  return [...new Set(names.filter(isStaffGroup))];
}

/** Whether a person in these groups may call a route declaring this access. */
export function mayUse(access: StaffAccess, groups: readonly StaffGroup[]): boolean {
  return access === 'dpo' ? groups.includes('dpo') : groups.some(isStaffGroup);
}

/**
 * The groups a new token may carry. Cognito has no per-group MFA switch, so the `dpo` group counts
 * only for a user whose TOTP authenticator is set up: Cognito then asks for a code at every sign-in,
 * so a token naming `dpo` was always issued after a TOTP code. A DPO without TOTP is signed in as
 * `staff` (what staff may do needs no TOTP) and gets 403 on DPO routes until the authenticator is set up.
 */
export function groupsForToken(groups: readonly string[], totpEnabled: boolean): string[] {
  if (totpEnabled || !groups.includes('dpo')) return [...groups];
  return [...new Set(groups.map((g) => (g === 'dpo' ? 'staff' : g)))];
}

/** How history and audit name the person: the e-mail people know them by, else the user name. */
export const actorName = (member: Pick<StaffMember, 'username' | 'email'>): string => member.email ?? member.username;
