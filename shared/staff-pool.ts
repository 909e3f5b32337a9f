/**
 * Settings of the staff user pool, declared once: the stack's Cognito pool and the local mode's pool
 * in the emulator are both built from these.
 */

/** Strong passwords (policy 4); TOTP on top for the DPO. */
export const STAFF_PASSWORD_POLICY = { minLength: 14, tempPasswordValidityDays: 3 } as const;

/**
 * Short-lived tokens: a stolen ID token is worth half an hour; the console refreshes within a
 * working day and then asks the person to sign in again.
 */
export const STAFF_TOKEN_VALIDITY = { idTokenMinutes: 30, accessTokenMinutes: 30, refreshTokenHours: 10 } as const;
