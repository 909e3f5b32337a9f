/** Shapes of the privacy-center routes. Module-level schemas are pure-annotated so bundles keep only those they use (see common.ts). */
import * as z from 'zod/mini';
import { Email, Locale } from './requests';

export const SignInLinkInput = /* @__PURE__ */ (() =>
  z.strictObject({
    email: Email,
    /** The shop page with `<div data-shop-privacy-center>`; the link in the mail opens it. */
    pageUrl: z.url({ error: 'must be the URL of the shop page' }).check(z.maxLength(2048)),
    locale: z.optional(Locale),
  }))();

export const SessionInput = /* @__PURE__ */ (() => z.strictObject({ token: z.string().check(z.minLength(1), z.maxLength(4096)) }))();

export const SubscriptionSwitchInput = /* @__PURE__ */ (() => z.strictObject({ subscribed: z.boolean() }))();
