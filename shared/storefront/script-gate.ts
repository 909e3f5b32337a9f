/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Third-party scripts and iframes that run only with consent (policy 3: a refusal must be real, so a
 * Facebook Pixel, LINE Tag or Google Analytics the shop embeds must not run without it). Part of the
 * storefront kit, which calls `gateScripts` whenever the choices in force change.
 *
 * The shop marks what belongs to a category, and the browser itself keeps it inert until then:
 *
 *   <script type="text/plain" data-shop-privacy-category="marketing" src="https://connect.facebook.net/…"></script>
 *   <script type="text/plain" data-shop-privacy-category="analytics">gtag('config', 'G-…')</script>
 *   <iframe data-src="https://www.youtube.com/embed/…" data-shop-privacy-category="marketing" title="…"></iframe>
 *
 * A `text/plain` script is never fetched or run by a browser, and an iframe without `src` loads
 * nothing, so no request leaves the page before the category is granted. Several categories
 * (space-separated) must all be granted. A script runs once per page: a withdrawal cannot unload code
 * that already ran, so the kit removes the cookies the shop lists for that category (on its script tag,
 * `data-cookies-marketing="_fbp _fbc"`, `*` at the end matches a prefix), blanks gated iframes, and
 * the next page load keeps the script inert.
 */

export type GatedCategory = 'analytics' | 'marketing';
type Granted = Record<GatedCategory, boolean>;

const MARK = 'data-shop-privacy-category';
/** Set on a marked element once the kit has acted on it (a script's copy was inserted). */
const DONE = 'data-shop-privacy-activated';

const categoriesOf = (el: Element) => (el.getAttribute(MARK) ?? '').split(/\s+/).filter(Boolean);
/** Unknown names count as not granted: a typo in the markup must fail closed, not open. */
const allowed = (el: Element, granted: Granted) => {
  const names = categoriesOf(el);
  return names.length > 0 && names.every((c) => (c === 'analytics' || c === 'marketing') && granted[c]);
};

/**
 * Runs a marked script: a fresh element (a script whose type changes after insertion stays inert), with
 * the original's attributes and its nonce, inserted beside it. `async = false` keeps marked external
 * scripts in document order, as a tag loader and its configuration need.
 */
function activateScript(original: HTMLScriptElement) {
  const copy = document.createElement('script');
  for (const { name, value } of Array.from(original.attributes)) {
    if (name === 'type' || name === MARK) continue;
    copy.setAttribute(name === 'data-type' ? 'type' : name, value);
  }
  // The nonce attribute reads empty once parsed (browsers hide it); the property keeps it.
  if (original.nonce) copy.nonce = original.nonce;
  if (original.src) copy.async = false;
  else copy.text = original.text;
  original.setAttribute(DONE, '');
  original.after(copy);
}

/** Activates what the choices now allow and blanks gated iframes they no longer allow. */
export function gateScripts(granted: Granted) {
  for (const el of Array.from(document.querySelectorAll(`[${MARK}]`))) {
    const ok = allowed(el, granted);
    if (el instanceof HTMLScriptElement) {
      if (ok && el.type === 'text/plain' && !el.hasAttribute(DONE)) activateScript(el);
    } else if (el instanceof HTMLIFrameElement) {
      const src = el.getAttribute('data-src');
      if (ok && src && el.getAttribute('src') !== src) el.src = src;
      else if (!ok && el.hasAttribute('src') && el.getAttribute('src') !== 'about:blank') el.src = 'about:blank';
    }
  }
}

/**
 * Cookie names (or prefixes ending in `*`) listed per category on the kit's script tag:
 * `data-cookies-analytics="_ga _ga_* _gid"`, `data-cookies-marketing="_fbp _fbc"`.
 */
export function listedCookies(script: HTMLScriptElement | null | undefined): Record<GatedCategory, string[]> {
  const list = (value: string | undefined) => (value ?? '').split(/[\s,]+/).filter(Boolean);
  return { analytics: list(script?.dataset.cookiesAnalytics), marketing: list(script?.dataset.cookiesMarketing) };
}

/**
 * Expires the listed cookies of every category not granted. Third-party tags set their cookies on the
 * widest domain they can (`.shop.example` for `www.shop.example`), so each cookie is expired for this
 * host and every parent domain; a domain the browser would not accept is ignored by it.
 */
export function removeCookies(granted: Granted, listed: Record<GatedCategory, string[]>, secure: boolean) {
  const patterns = (['analytics', 'marketing'] as const).filter((c) => !granted[c]).flatMap((c) => listed[c]);
  if (!patterns.length) return;
  const matches = (name: string) => patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
  const labels = location.hostname.split('.');
  const domains = [''];
  for (let i = 0; i < labels.length - 1; i++) domains.push(`; Domain=.${labels.slice(i).join('.')}`);
  for (const part of document.cookie.split(';')) {
    const at = part.indexOf('=');
    const name = (at < 0 ? part : part.slice(0, at)).trim();
    if (!name || !matches(name)) continue;
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing from Safari and Firefox, which shoppers use
    for (const domain of domains) document.cookie = `${name}=; Max-Age=0; Path=/${domain}; SameSite=Lax${secure ? '; Secure' : ''}`;
  }
}

/** Marked elements a page adds later (single-page shops, tag managers) are gated as they arrive. */
export function watchMarkedElements(current: () => Granted) {
  new MutationObserver((records) => {
    if (records.some((r) => Array.from(r.addedNodes).some((n) => n instanceof Element && (n.hasAttribute(MARK) || n.querySelector(`[${MARK}]`)))))
      gateScripts(current());
  }).observe(document.documentElement, { childList: true, subtree: true });
}
