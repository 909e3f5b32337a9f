/**
 * Cache lifetimes of the public GETs every storefront page makes: browsers and CloudFront keep
 * these answers, so most page views cost no request for them. The bench's cost model reads them too.
 */

/** `GET /v1/kit.js?v=<KIT_VERSION>`: that URL names one exact code, so it never needs asking again (and carries no policy). */
export const KIT_IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
/**
 * The kit under any other URL (the one pages embed, with the policy in force inside), and
 * `GET /v1/policy`: a new kit or policy reaches pages within 5 minutes.
 */
export const SHORT_PUBLIC_CACHE = 'public, max-age=300';

/** Seconds of a Cache-Control's max-age (0 when it has none). */
export const maxAgeSeconds = (cacheControl: string) => Number(/max-age=(\d+)/.exec(cacheControl)?.[1] ?? 0);
