/**
 * How the storefront kit batches visit events across page views. One module so the kit, its
 * browser tests and the bench's cost model read the same numbers (the kit's bundle inlines them).
 */

/** Events are sent when this many are held... */
export const FLUSH_AT = 10;
/** ...or when the oldest has waited this long (while a page of the shop is open), or when the tab hides or leaves the shop. */
export const MAX_HOLD_MS = 5 * 60_000;
/** At most this many events per beacon (the API's limit). */
export const MAX_EVENTS = 50;
