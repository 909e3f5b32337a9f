/**
 * Cognito pre-token-generation trigger of the staff pool: the `dpo` group goes into a token only for
 * a user whose TOTP authenticator is set up (Cognito then asks for a code at every sign-in), so every
 * token that opens a DPO route was issued after a TOTP code. The rule is groupsForToken.
 */
import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { groupsForToken } from '../../shared/domain/staff-access';

export interface TotpLookup {
  /** Whether this user has TOTP (software token) MFA enabled. */
  totpEnabled(userPoolId: string, username: string): Promise<boolean>;
}

export const makeHandler =
  (deps: TotpLookup) =>
  async (event: PreTokenGenerationTriggerEvent): Promise<PreTokenGenerationTriggerEvent> => {
    const { groupsToOverride: groups = [], iamRolesToOverride, preferredRole } = event.request.groupConfiguration;
    // Only a DPO costs a look-up; everyone else's token keeps the groups Cognito put in it.
    if (!groups.includes('dpo')) return event;
    const allowed = groupsForToken(groups, await deps.totpEnabled(event.userPoolId, event.userName));
    event.response = {
      claimsOverrideDetails: {
        groupOverrideDetails: { groupsToOverride: allowed, iamRolesToOverride, ...(preferredRole ? { preferredRole } : {}) },
      },
    };
    return event;
  };

const cognito = new CognitoIdentityProviderClient({});

export const handler = makeHandler({
  async totpEnabled(userPoolId, username) {
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
    return user.UserMFASettingList?.includes('SOFTWARE_TOKEN_MFA') ?? false;
  },
});
