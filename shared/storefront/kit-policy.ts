/**
 * The kit with the policy in force inside it, as `GET /v1/kit.js` answers the URL pages embed: the
 * built code (a constant, shared/storefront/kit-bundle.ts) with its placeholder replaced by the policy
 * as JSON made safe for a script, so the kit needs no `GET /v1/policy` of its own.
 */
import type { PolicyInForce } from '../domain/policy';
import { KIT_JS, KIT_POLICY_PLACEHOLDER } from './kit-bundle';

// The build checks the placeholder occurs exactly once; the policy goes between these two halves.
const [BEFORE_POLICY, AFTER_POLICY] = KIT_JS.split(KIT_POLICY_PLACEHOLDER) as [string, string];

/**
 * JSON that stays inert wherever a script's text may go: `<`, `>` and `&` as \u escapes (no
 * `</script>` or `<!--` if a page inlines the kit), and every character beyond ASCII too, U+2028 and
 * U+2029 among them (line ends inside string literals for engines before ES2019). The kit then stays
 * pure ASCII, as the build makes it, and reads right whatever charset a page declares.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The kit's code carrying `policy` (null: none, the kit then asks `GET /v1/policy`). */
export function kitWithPolicy(policy: PolicyInForce | null): string {
  // Concatenation, not String.replace: a `$&` or `$'` in a summary must stay text.
  return BEFORE_POLICY + scriptJson(policy) + AFTER_POLICY;
}
