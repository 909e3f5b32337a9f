/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The storefront kit: the one script a shop page embeds to honour the privacy policy in the browser.
 *
 *   <script src="https://api.../v1/kit.js" data-api="https://api..." data-lang="th" defer></script>
 *
 * That URL's answer carries the policy in force (see `carriedPolicy`), so a page view costs one request
 * at most; under `?v=<KIT_VERSION>` the kit is kept a year and asks `GET /v1/policy` itself.
 *
 * - A cookie banner (Thai / English) with the policy's categories: necessary (always on), analytics,
 *   marketing. "Accept all", "Refuse all" and "Choose" are equal buttons; "Choose" opens a modal
 *   settings dialog. The choice is recorded by `POST /v1/consents`; the token and policy version are
 *   kept in a first-party cookie, the visitor id in another. A new policy version asks again only
 *   about the categories the API names in `renewCategories`; one that changes nothing keeps the choice.
 * - Global Privacy Control: marketing is never sent as given (the API enforces it too, from Sec-GPC).
 * - Visit beacons (`POST /v1/visits` via navigator.sendBeacon) only with analytics consent: a page
 *   view with its visible time, searches through `ShopPrivacy.trackSearch`, batched across the page
 *   views of a tab (see "visit beacons" below).
 * - Google Consent Mode v2 signals when the page has `gtag`.
 * - Scripts and iframes the shop marks with a category run only once it is granted, and the cookies
 *   the shop lists for a category are removed when it is withdrawn (shared/storefront/script-gate.ts).
 * - `<div data-shop-privacy-request-form></div>` becomes the data-subject request form.
 * - `<div data-shop-privacy-center></div>` becomes the customer privacy center: its own script
 *   (`/v1/privacy-center.js`) is loaded only on such a page, so the kit on every other page stays small.
 *
 * Plain DOM, no dependencies; bundled by `npm run build:kit` into shared/storefront/kit-bundle.ts.
 * It uses no eval, no inline style attributes and no external assets; its one <style> element carries
 * the nonce of its own <script> tag, so it runs under a strict Content-Security-Policy.
 */
import { REQUEST_TYPE_LABELS } from '../domain/request-types';
import type { VisitEventInput } from '../domain/visits';
import { gateScripts, listedCookies, removeCookies, watchMarkedElements } from './script-gate';
import { FLUSH_AT, MAX_EVENTS, MAX_HOLD_MS } from './batching';
import { h } from './dom';

export type Lang = 'th' | 'en';
export type OptionalCategory = 'analytics' | 'marketing';
export type Category = 'necessary' | OptionalCategory;
export interface Choices {
  necessary: true;
  analytics: boolean;
  marketing: boolean;
}

/** `window.ShopPrivacy`. */
export interface ShopPrivacyApi {
  /**
   * Called with the choices whenever they are made or changed (and at once if already made), and with
   * the changed categories off when a new policy version means asking about them again; returns an unsubscribe function.
   */
  onConsentChange(cb: (choices: Choices) => void): () => void;
  /** Whether the visitor allowed this category under the current policy (`necessary` always). */
  hasConsent(category: Category): boolean;
  /** Opens the settings dialog (e.g. from a "Cookie settings" link in the footer). */
  showSettings(): void;
  /** Records a search (kind e.g. "product", the query and its result count optional), with analytics consent only. */
  trackSearch(kind: string, query?: string, results?: number): void;
  /** The current choices, or null while the visitor has not chosen under the current policy. */
  consent(): Choices | null;
  /** Turns an element into the request form, the address pre-filled (the privacy center uses it). */
  requestForm(host: HTMLElement, email?: string): void;
}

/** What the kit keeps in its consent cookie. */
interface Stored {
  /** Policy version the choice was made under. */
  v: string;
  /** Consent token from the API. */
  t?: string;
  a: boolean;
  m: boolean;
  /** A later policy version already checked with the API and found to change nothing this choice covers. */
  k?: string;
}

/** The beacon shape the API declares (type-only import: nothing of the server is bundled). */
type VisitEvent = Omit<VisitEventInput, 'type' | 'at'> & { type: 'pageview' | 'leave' | 'search'; at: string };

type KitWindow = Window & { ShopPrivacy?: ShopPrivacyApi; gtag?: (...args: unknown[]) => void };

export const VISITOR_COOKIE = 'shop_privacy_vid';
export const CONSENT_COOKIE = 'shop_privacy_consent';
const SESSION_KEY = 'shop_privacy_sid';
const COOKIE_MAX_AGE = 180 * 86_400;
/** Where events wait between page views of one tab (sessionStorage: this tab only, gone when it closes). */
const QUEUE_KEY = 'shop_privacy_q';

const TEXT = {
  th: {
    title: 'คุกกี้บนเว็บไซต์นี้',
    body: 'เราใช้คุกกี้ที่จำเป็นเพื่อให้ร้านค้าทำงานได้ และเมื่อคุณอนุญาต จะใช้คุกกี้เพื่อการวิเคราะห์เพื่อปรับปรุงเว็บไซต์ และคุกกี้เพื่อการตลาดสำหรับโปรโมชั่น คุณเปลี่ยนการเลือกได้ทุกเมื่อ',
    changed: 'นโยบายความเป็นส่วนตัวของเรามีการเปลี่ยนแปลง โปรดเลือกอีกครั้ง',
    renew: 'สิ่งที่เราทำกับคุกกี้{categories}เปลี่ยนไป คุณยังอนุญาตให้ใช้คุกกี้ประเภทนี้หรือไม่',
    and: 'และ',
    allow: 'อนุญาต',
    deny: 'ไม่อนุญาต',
    policy: 'นโยบายความเป็นส่วนตัว',
    accept: 'ยอมรับทั้งหมด',
    refuse: 'ปฏิเสธทั้งหมด',
    choose: 'เลือกเอง',
    settings: 'ตั้งค่าคุกกี้',
    settingsIntro: 'เลือกประเภทคุกกี้ที่คุณอนุญาต คุกกี้ที่จำเป็นเปิดใช้งานเสมอ',
    save: 'บันทึกการเลือก',
    cancel: 'ยกเลิก',
    alwaysOn: 'เปิดใช้งานเสมอ',
    necessary: 'จำเป็น',
    necessaryDesc: 'ทำให้เว็บไซต์ทำงานได้ เช่น ตะกร้าสินค้า การเข้าสู่ระบบ และการจดจำการเลือกนี้',
    analytics: 'การวิเคราะห์',
    analyticsDesc: 'หน้าที่เข้าชม การค้นหา และเวลาที่ใช้ เพื่อปรับปรุงเว็บไซต์',
    marketing: 'การตลาด',
    marketingDesc: 'ข่าวสารและโปรโมชั่นที่ตรงกับความสนใจของคุณ',
    gpc: 'เบราว์เซอร์ของคุณส่งสัญญาณ Global Privacy Control การตลาดจึงปิดอยู่เสมอ',
    formIntro: 'ขอให้เราแก้ไข ลบ หรือส่งสำเนาข้อมูลส่วนบุคคลของคุณ ยกเลิกบัญชี หรือหยุดส่งข่าวสาร เราจะส่งลิงก์ทางอีเมลเพื่อยืนยันว่าเป็นคุณ',
    email: 'อีเมล',
    type: 'คุณต้องการให้เราทำอะไร',
    pick: 'เลือกประเภทคำขอ',
    details: 'รายละเอียด (ไม่บังคับ)',
    send: 'ส่งคำขอ',
    sending: 'กำลังส่ง…',
    badEmail: 'โปรดกรอกอีเมลให้ถูกต้อง',
    badType: 'โปรดเลือกประเภทคำขอ',
    badDetails: 'รายละเอียดยาวเกินไป (ไม่เกิน 4000 ตัวอักษร)',
    fix: 'โปรดแก้ไขช่องที่ระบุ',
    tooMany: 'มีคำขอจากเครือข่ายของคุณมากเกินไปในวันนี้ โปรดลองอีกครั้งในวันพรุ่งนี้ หรือส่งอีเมลถึงเรา',
    failed: 'เกิดข้อผิดพลาด ยังไม่ได้ส่งคำขอ โปรดลองอีกครั้ง',
    doneTitle: 'โปรดตรวจสอบอีเมลของคุณ',
    done: 'เราได้ส่งลิงก์ยืนยันไปที่ {email} คำขอจะเริ่มดำเนินการหลังจากคุณคลิกลิงก์ในอีเมลนั้นเท่านั้น',
    reference: 'หมายเลขอ้างอิง',
  },
  en: {
    title: 'Cookies on this site',
    body: 'We use necessary cookies to run the shop. With your permission we also use analytics cookies to improve the site and marketing cookies for promotions. You can change your choice at any time.',
    changed: 'Our privacy policy has changed; please choose again.',
    renew: 'What we do with {categories} cookies has changed. May we keep using them?',
    and: ' and ',
    allow: 'Allow',
    deny: "Don't allow",
    policy: 'Privacy policy',
    accept: 'Accept all',
    refuse: 'Refuse all',
    choose: 'Choose',
    settings: 'Cookie settings',
    settingsIntro: 'Choose which cookies you allow. Necessary cookies are always on.',
    save: 'Save choices',
    cancel: 'Cancel',
    alwaysOn: 'Always on',
    necessary: 'Necessary',
    necessaryDesc: 'Keep the site working: your basket, sign-in and remembering this choice.',
    analytics: 'Analytics',
    analyticsDesc: 'Pages you visit, searches and time on page, to improve the site.',
    marketing: 'Marketing',
    marketingDesc: 'Newsletters and promotions that match your interests.',
    gpc: 'Your browser sends a Global Privacy Control signal, so marketing stays off.',
    formIntro:
      'Ask us to correct, delete or send you a copy of your personal data, cancel your account or stop newsletters. We will email you a link to confirm it is you.',
    email: 'Email address',
    type: 'What would you like us to do?',
    pick: 'Choose a request type',
    details: 'Details (optional)',
    send: 'Send request',
    sending: 'Sending…',
    badEmail: 'Enter a valid email address',
    badType: 'Choose a request type',
    badDetails: 'Details are too long (at most 4000 characters)',
    fix: 'Please correct the marked fields.',
    tooMany: 'Too many requests from your network today. Please try again tomorrow or email us.',
    failed: 'Something went wrong and the request was not sent. Please try again.',
    doneTitle: 'Check your email',
    done: 'We sent a confirmation link to {email}. Your request starts only after you click the link in that email.',
    reference: 'Reference',
  },
};
type Texts = (typeof TEXT)['en'];

const FORM_TYPES = ['edit', 'delete', 'cancel_account', 'stop_marketing', 'access'] as const;

const CSS = `
.spk-root,.spk-root *{box-sizing:border-box}
.spk-root{font:16px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans Thai","Leelawadee UI",Tahoma,sans-serif;color:#1b1b1b;text-align:left}
.spk-root [hidden],.spk-root[hidden]{display:none!important}
.spk-banner{position:fixed;left:1rem;right:1rem;bottom:1rem;z-index:2147483000;max-width:46rem;margin:0 auto;padding:1rem 1.25rem;background:#fff;border:2px solid #1b1b1b;border-radius:8px;box-shadow:0 4px 24px rgba(0,0,0,.3)}
.spk-h{font-size:1.125rem;font-weight:700;margin:0 0 .5rem;line-height:1.3;color:#1b1b1b}
.spk-p{margin:0 0 .75rem}
.spk-a{color:#0b4f8a;text-decoration:underline;white-space:nowrap}
.spk-row{display:flex;flex-wrap:wrap;gap:.5rem}
.spk-btn{font:inherit;font-weight:600;min-height:44px;min-width:44px;margin:0;padding:.5rem 1.125rem;border:2px solid #0b4f8a;border-radius:6px;background:#0b4f8a;color:#fff;cursor:pointer}
.spk-btn:hover{background:#083a66;border-color:#083a66}
.spk-btn[aria-disabled=true]{cursor:progress}
.spk-root :focus-visible,.spk-root:focus-visible{outline:3px solid #1b1b1b;outline-offset:2px;box-shadow:0 0 0 2px #fff}
.spk-banner:focus{outline:none}
.spk-overlay{position:fixed;top:0;right:0;bottom:0;left:0;z-index:2147483001;display:flex;align-items:center;justify-content:center;padding:1rem;background:rgba(0,0,0,.55)}
.spk-dialog{width:100%;max-width:34rem;max-height:calc(100vh - 2rem);overflow:auto;padding:1.25rem;background:#fff;border-radius:8px}
.spk-cat{display:flex;gap:.75rem;align-items:flex-start;padding:.75rem 0;border-top:1px solid #767676}
.spk-cat input{flex:none;width:24px;height:24px;margin:.125rem 0 0;accent-color:#0b4f8a}
.spk-cat label{font-weight:700}
.spk-desc{margin:0;color:#404040;font-size:.9375rem}
.spk-note{display:block;margin:.5rem 0 0;padding:.5rem .75rem;background:#fff4ce;border-left:4px solid #7a5c00;color:#1b1b1b;font-size:.9375rem}
.spk-fab{position:fixed;left:1rem;bottom:1rem;z-index:2147482999;font:600 14px/1.2 system-ui,-apple-system,"Segoe UI","Noto Sans Thai",Tahoma,sans-serif;min-height:44px;padding:.5rem 1rem;background:#fff;color:#0b4f8a;border:2px solid #0b4f8a;border-radius:22px;box-shadow:0 2px 8px rgba(0,0,0,.25);cursor:pointer}
.spk-form{max-width:34rem}
.spk-field{margin:0 0 1rem}
.spk-field label{display:block;font-weight:700;margin:0 0 .25rem}
.spk-field input,.spk-field select,.spk-field textarea{display:block;width:100%;min-height:44px;padding:.5rem .625rem;font:inherit;color:#1b1b1b;background:#fff;border:2px solid #595959;border-radius:6px}
.spk-field [aria-invalid=true]{border-color:#b00020}
.spk-err{margin:.25rem 0 0;color:#b00020;font-weight:600}
.spk-err:empty{display:none}
.spk-live{margin:0 0 1rem}
.spk-live:empty{display:none}
.spk-live.spk-bad{padding:.5rem .75rem;border-left:4px solid #b00020;color:#b00020;font-weight:600}
.spk-done{padding:1rem;border:2px solid #1e6b35;border-radius:8px}
.spk-ref{font-family:ui-monospace,Menlo,Consolas,monospace;font-weight:700}
`;

// ---------------------------------------------------------------- configuration (read at once: currentScript)

const win = window as KitWindow;
const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[src*="kit.js"]');
const API = (script?.dataset.api || (script?.src ? new URL(script.src, location.href).origin : location.origin)).replace(/\/+$/, '');
const langOf = (value: string | null | undefined): Lang | undefined => (value ? (/^th/i.test(value) ? 'th' : 'en') : undefined);
const LANG: Lang = langOf(script?.dataset.lang) ?? langOf(document.documentElement.lang) ?? langOf(navigator.language) ?? 'en';
const NONCE = script?.nonce ?? '';
const GPC = (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
const SECURE = location.protocol === 'https:';
const LISTED_COOKIES = listedCookies(script);

// ---------------------------------------------------------------- small helpers

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
function randomId(length = 22): string {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => ID_CHARS[b & 63]).join('');
}

function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const at = part.indexOf('=');
    if (part.slice(0, at).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(at + 1).trim());
    } catch {
      return undefined; // not a value this kit wrote
    }
  }
  return undefined;
}

function writeCookie(name: string, value: string, maxAgeSeconds = COOKIE_MAX_AGE) {
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing from Safari and Firefox, which shoppers use
  document.cookie = `${name}=${encodeURIComponent(value)}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; Path=/; SameSite=Lax${SECURE ? '; Secure' : ''}`;
}

function readStored(): Stored | undefined {
  try {
    const value = JSON.parse(readCookie(CONSENT_COOKIE) ?? '') as Partial<Stored>;
    return typeof value.v === 'string'
      ? {
          v: value.v,
          ...(typeof value.t === 'string' ? { t: value.t } : {}),
          a: value.a === true,
          m: value.m === true,
          ...(typeof value.k === 'string' ? { k: value.k } : {}),
        }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The visitor's random id, created (with its cookie) the first time it is needed: when they choose. */
function visitorId(): string {
  const existing = readCookie(VISITOR_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{8,128}$/.test(existing)) return existing;
  const id = randomId();
  writeCookie(VISITOR_COOKIE, id);
  return id;
}

let memorySession: string | undefined;
function sessionId(): string {
  try {
    const stored = sessionStorage.getItem(SESSION_KEY);
    if (stored) return stored;
    const id = randomId(16);
    sessionStorage.setItem(SESSION_KEY, id);
    return id;
  } catch {
    // Storage blocked (private mode, sandboxed frame): one id for this page's life.
    memorySession ??= randomId(16);
    return memorySession;
  }
}

const gtag = (...args: unknown[]) => {
  if (typeof win.gtag === 'function') win.gtag(...args);
};

const cut = (value: string, max: number) => (value.length > max ? value.slice(0, max) : value);

// ---------------------------------------------------------------- consent state

interface Policy {
  version: string;
  url?: string;
  /** What this version changed, per language, as the shop announced it (policy 7). */
  summary?: { th: string; en: string };
}

/**
 * The policy in force, carried by the kit's own answer: `GET /v1/kit.js` (the URL pages embed) puts it
 * here as JSON, so a page view makes no request for it and the gate of marked scripts opens without a
 * round trip. The build leaves this name free (scripts/build-kit.ts checks it occurs once); under
 * `?v=<KIT_VERSION>`, an answer kept a year, the function puts `null` and the kit asks `GET /v1/policy`.
 */
declare const __SHOP_PRIVACY_POLICY__: Policy | null;
function carriedPolicy(): Policy | undefined {
  try {
    return __SHOP_PRIVACY_POLICY__ || undefined;
  } catch {
    // A copy of the bundle served as built (no function put a policy in): ask the API.
    return undefined;
  }
}

let policy: Policy | undefined = carriedPolicy();
let stored = readStored();
/** Choices in force on this page; undefined until the visitor has chosen under the current policy. */
let choices: Choices | undefined;
const listeners: ((c: Choices) => void)[] = [];

async function loadPolicy(): Promise<Policy> {
  const res = await fetch(`${API}/v1/policy`, { credentials: 'omit' });
  if (!res.ok) throw new Error(`policy ${res.status}`);
  return (await res.json()) as Policy;
}

/**
 * Marked third-party scripts wait for the policy check of this page: a stored choice may cover a
 * category whose terms changed, and code that ran cannot be taken back. Beacons need not wait (they
 * are held until the answer), so a stored choice still holds at once for them.
 */
let gateOpen = false;
function openGate() {
  gateOpen = true;
  gateScripts(choices ?? { analytics: false, marketing: false });
}

/** Puts choices in force (undefined: not chosen under the current policy, so nothing optional is allowed). */
function apply(next: { analytics: boolean; marketing: boolean } | undefined) {
  choices = next && { necessary: true, analytics: next.analytics, marketing: next.marketing && !GPC };
  const c: Choices = choices ?? { necessary: true, analytics: false, marketing: false };
  if (gateOpen) gateScripts(c);
  removeCookies(c, LISTED_COOKIES, SECURE);
  const state = (on: boolean) => (on ? 'granted' : 'denied');
  gtag('consent', 'update', {
    analytics_storage: state(c.analytics),
    ad_storage: state(c.marketing),
    ad_user_data: state(c.marketing),
    ad_personalization: state(c.marketing),
  });
  // A deferred request still waiting is taken back: its events follow the new choice below.
  settleDeferred();
  if (!choices) {
    // Asked again: events not sent yet wait for the answer.
    held.push(...readQueue());
    writeQueue([]);
  } else if (c.analytics) {
    for (const event of held.splice(0)) track(event);
    // Answered after the tab was hidden or left (the answer came back meanwhile): handed over as at a
    // hide, since this may be the tab's last moment; otherwise it waits for the batch.
    if (left) handOver();
    else scheduleFlush();
  } else {
    held.length = 0;
    writeQueue([]);
  }
  for (const cb of listeners.slice()) {
    try {
      cb({ ...c });
    } catch {
      // a listener's error must not stop the others
    }
  }
  win.dispatchEvent(new CustomEvent('shopprivacy:consent', { detail: { ...c } }));
  if (choices) showFab();
  else {
    fab?.remove();
    fab = undefined;
  }
}

/** Records the choice with the API, keeps token and version in the cookie, then applies it. */
async function choose(next: { analytics: boolean; marketing: boolean }, method: 'banner' | 'settings') {
  const wanted = { necessary: true as const, analytics: next.analytics, marketing: next.marketing && !GPC };
  closeBanner();
  try {
    policy ??= await loadPolicy();
    const res = await fetch(`${API}/v1/consents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'omit',
      keepalive: true,
      body: JSON.stringify({ visitorId: visitorId(), policyVersion: policy.version, choices: wanted, collectionMethod: method }),
    });
    if (!res.ok) throw new Error(`consent ${res.status}`);
    const answer = (await res.json()) as { token?: string; tokenExpiresAt?: string };
    stored = { v: policy.version, ...(answer.token ? { t: answer.token } : {}), a: wanted.analytics, m: wanted.marketing };
    const tokenLeft = answer.tokenExpiresAt ? (Date.parse(answer.tokenExpiresAt) - Date.now()) / 1000 : COOKIE_MAX_AGE;
    writeCookie(CONSENT_COOKIE, JSON.stringify(stored), Math.min(COOKIE_MAX_AGE, tokenLeft || COOKIE_MAX_AGE));
  } catch {
    // Not recorded: the choice holds for this page only, and the next page asks again.
  }
  apply(wanted);
}

/** Seconds the stored token has left (its `exp` claim), so a rewritten cookie never outlives it. */
function tokenSecondsLeft(token: string | undefined): number {
  try {
    const claims = JSON.parse(atob((token ?? '').split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof claims.exp === 'number' ? Math.min(COOKIE_MAX_AGE, claims.exp - Date.now() / 1000) : COOKIE_MAX_AGE;
  } catch {
    return COOKIE_MAX_AGE;
  }
}

/**
 * A newer policy version is in force. The API knows what it means for this visitor's consent
 * (`renewCategories`: granted categories whose terms changed since; a refusal is never asked again),
 * so the kit asks it instead of asking the visitor everything. A version that changes nothing keeps
 * the choice silently (the API needs no new record for it; the cookie remembers the check). A change
 * asks about the changed categories only; until the answer, what the API still counts as valid keeps
 * running and the changed categories are off.
 */
async function renewFor(current: Policy, kept: Stored) {
  let status: { choices: { analytics: boolean; marketing: boolean }; renewCategories: string[] };
  try {
    const id = readCookie(VISITOR_COOKIE);
    if (!id) throw new Error('no visitor id');
    const res = await fetch(`${API}/v1/consents/${encodeURIComponent(id)}`, { credentials: 'omit' });
    if (!res.ok) throw new Error(`consent status ${res.status}`);
    status = (await res.json()) as typeof status;
  } catch {
    // Without the API's answer nothing shows the old choice covers the new terms: ask everything.
    apply(undefined);
    openBanner(true);
    return;
  }
  const renew = (['analytics', 'marketing'] as const).filter((c) => status.renewCategories.includes(c));
  const valid = {
    analytics: status.choices.analytics === true && !renew.includes('analytics'),
    marketing: status.choices.marketing === true && !renew.includes('marketing'),
  };
  apply(valid);
  if (renew.length) {
    openRenewal(renew, valid);
    return;
  }
  stored = { ...kept, a: valid.analytics, m: valid.marketing, k: current.version };
  writeCookie(CONSENT_COOKIE, JSON.stringify(stored), tokenSecondsLeft(stored.t));
}

// ---------------------------------------------------------------- visit beacons (analytics consent only)

/*
 * Batching across page views: every request costs more than the events in it, so events wait in
 * the tab's sessionStorage while the visitor moves from page to page of the shop, and go out in one
 * beacon when FLUSH_AT are held, when the oldest has waited MAX_HOLD_MS, or when the tab is hidden
 * or left for anything but another page of this site (closed, another site, another app): then
 * navigator.sendBeacon, which the browser delivers after the page is gone. A page's visible time
 * rides on its page view when that is still held (one event per page instead of two).
 *
 * Where the browser has `fetchLater` (Chromium 135+), hiding or leaving sends nothing yet: the queue
 * is handed to the browser as a deferred request, which it sends when the page is closed or left
 * (so nothing is lost) or, at the latest, when the oldest event reaches MAX_HOLD_MS. When the page
 * becomes visible again, or moves on to another page of the shop, the request is aborted if it has
 * not gone out, and the queue, still in sessionStorage, carries on: a tab switched away from and
 * back costs no request. Browsers without it send at every hide, as above.
 */

/** Events of this page held until the visitor decides; dropped if analytics is refused. */
const held: VisitEvent[] = [];
/** Where the queue lives when sessionStorage cannot be used: this page only, sent whenever it hides. */
let memoryQueue: VisitEvent[] = [];
let storageWorks = true;
let flushTimer: ReturnType<typeof setTimeout> | undefined;
/** The page view of this page, whose visible time is added when the visitor leaves. */
let currentPage: VisitEvent | undefined;
/** Set when a navigation to another page of this site has begun: leaving then keeps the queue for it. */
let staysOnSite = false;

function readQueue(): VisitEvent[] {
  if (storageWorks) {
    try {
      const parsed: unknown = JSON.parse(sessionStorage.getItem(QUEUE_KEY) ?? '[]');
      return Array.isArray(parsed) ? (parsed as VisitEvent[]) : [];
    } catch {
      storageWorks = false;
    }
  }
  return memoryQueue.slice();
}

function writeQueue(events: VisitEvent[]) {
  if (storageWorks) {
    try {
      if (events.length) sessionStorage.setItem(QUEUE_KEY, JSON.stringify(events));
      else sessionStorage.removeItem(QUEUE_KEY);
      return;
    } catch {
      // Blocked or full: keep them in this page and send them when it hides.
      storageWorks = false;
    }
  }
  memoryQueue = events.slice();
}

function track(event: VisitEvent) {
  if (!choices) {
    if (held.length < MAX_EVENTS) held.push(event);
    return;
  }
  if (!choices.analytics) return;
  const queue = readQueue();
  queue.push(event);
  writeQueue(queue);
  if (queue.length >= FLUSH_AT) flush();
  // Recorded while hidden, after the queue was handed over: handed over again with it, or sent now.
  else if (deferred) {
    if (!defer()) flush();
  } else scheduleFlush();
}

/** Sends the queue when its oldest event reaches MAX_HOLD_MS (at once if it already has). */
function scheduleFlush() {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = undefined;
  const oldest = readQueue()[0];
  if (!oldest || !choices?.analytics) return;
  const waited = Date.now() - Date.parse(oldest.at);
  if (!(waited < MAX_HOLD_MS)) flush();
  else flushTimer = setTimeout(flush, MAX_HOLD_MS - waited);
}

/** `window.fetchLater` (Deferred fetch, Chromium 135+): sends `init`'s request when the page goes away or after `activateAfter` ms. */
type FetchLater = (url: string, init: RequestInit & { activateAfter?: number }) => { readonly activated: boolean };

/** The queue handed to the browser at the last hide: its first `count` events, and how to call it back. */
let deferred: { result: { readonly activated: boolean }; abort: AbortController; count: number } | undefined;

const beaconBody = (events: VisitEvent[]) => JSON.stringify({ visitorId: visitorId(), sessionId: sessionId(), consentToken: stored?.t, events });

/**
 * Takes back the deferred request of the last hide: aborted if the browser has not sent it (the
 * queue still holds its events), or, if it has, its events are dropped from the queue.
 */
function settleDeferred() {
  if (!deferred) return;
  const { result, abort, count } = deferred;
  deferred = undefined;
  if (result.activated) writeQueue(readQueue().slice(count));
  else abort.abort();
}

/**
 * At a hide or a departure: hands the queue to the browser as a deferred request, due when the
 * oldest event reaches MAX_HOLD_MS, and keeps it queued; false where that cannot be done (no
 * fetchLater, no sessionStorage, a queue larger than one beacon, or the browser's quota refuses it).
 */
function defer(): boolean {
  settleDeferred();
  const fetchLater = (window as unknown as { fetchLater?: FetchLater }).fetchLater;
  if (typeof fetchLater !== 'function' || !storageWorks || !choices?.analytics) return false;
  const queue = readQueue();
  if (!queue.length) return true;
  if (queue.length > MAX_EVENTS) return false;
  const waited = Date.now() - Date.parse(queue[0]!.at);
  const abort = new AbortController();
  try {
    const result = fetchLater(`${API}/v1/visits`, {
      method: 'POST',
      body: beaconBody(queue),
      credentials: 'omit',
      headers: { 'content-type': 'text/plain' },
      signal: abort.signal,
      activateAfter: Math.max(0, MAX_HOLD_MS - (Number.isFinite(waited) ? waited : MAX_HOLD_MS)),
    });
    deferred = { result, abort, count: queue.length };
  } catch {
    return false; // e.g. QuotaExceededError: sent now instead
  }
  // The deferred request keeps the bound while the page is hidden: no timer of its own.
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = undefined;
  return true;
}

function flush() {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = undefined;
  // Undecided (asked again): what was queued waits in `held` for the answer.
  if (!choices?.analytics) return;
  // What a deferred request already sent is not sent again; one not yet sent is replaced by this.
  settleDeferred();
  const queue = readQueue();
  writeQueue([]);
  while (queue.length) {
    const body = beaconBody(queue.splice(0, MAX_EVENTS));
    const url = `${API}/v1/visits`;
    let sent = false;
    try {
      // A string body goes as text/plain;charset=UTF-8, which the API accepts and needs no preflight.
      sent = navigator.sendBeacon(url, body);
    } catch {
      sent = false;
    }
    if (!sent)
      void fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit', headers: { 'content-type': 'text/plain' } }).catch(() => undefined);
  }
}

const now = () => new Date().toISOString();
const pageview = (): VisitEvent => ({
  type: 'pageview',
  path: cut(location.pathname, 2048),
  referrer: cut(document.referrer, 2048),
  title: cut(document.title, 512),
  at: now(),
});

function trackPage() {
  currentPage = pageview();
  track(currentPage);
}

let visibleSince = Date.now();
let left = false;
function leave() {
  if (left) return;
  left = true;
  const durationMs = Math.min(86_400_000, Math.max(0, Date.now() - visibleSince));
  const page = currentPage;
  currentPage = undefined;
  const queue = readQueue();
  const queued = page && queue.find((e) => e.type === 'pageview' && e.at === page.at && e.path === page.path && e.durationMs === undefined);
  if (page && held.includes(page)) page.durationMs = durationMs;
  else if (queued) {
    queued.durationMs = durationMs;
    writeQueue(queue);
  } else track({ type: 'leave', path: cut(location.pathname, 2048), durationMs, at: now() });
  handOver();
}

/** At a hide or a departure: the next page of this site picks the queue up; anything else may be the tab's last moment, so it goes now (or to fetchLater). */
function handOver() {
  if (staysOnSite && storageWorks) settleDeferred();
  else if (!defer()) flush();
}

/** The page is shown again (visible, or back from the back/forward cache): the queue carries on here. */
function resume() {
  left = false;
  staysOnSite = false;
  visibleSince = Date.now();
  settleDeferred();
  scheduleFlush();
}

/** Notes navigations to another document of this site (Navigation API, else a click on a same-origin link). */
function watchNavigations() {
  const onSite = (href: string) => {
    try {
      return new URL(href, location.href).origin === location.origin;
    } catch {
      return false;
    }
  };
  const nav = (window as unknown as { navigation?: EventTarget }).navigation;
  if (nav) {
    nav.addEventListener('navigate', (e) => {
      const event = e as Event & { destination?: { url: string; sameDocument: boolean }; downloadRequest?: string | null };
      if (event.destination && !event.destination.sameDocument && !event.downloadRequest) staysOnSite = onSite(event.destination.url);
    });
    nav.addEventListener('navigateerror', () => {
      staysOnSite = false;
    });
    return;
  }
  document.addEventListener('click', (e) => {
    const link = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
    if (!link || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (link.target && link.target !== '_self') return;
    if (link.hasAttribute('download')) return;
    staysOnSite = onSite(link.href) && new URL(link.href).href.split('#')[0] !== location.href.split('#')[0];
  });
}

// ---------------------------------------------------------------- banner, settings dialog, floating button

let style: HTMLStyleElement | undefined;
function ensureStyle() {
  if (style) return;
  style = h('style', { 'data-shop-privacy': 'kit' });
  if (NONCE) style.nonce = NONCE;
  style.textContent = CSS;
  document.head.append(style);
}

const t: Texts = TEXT[LANG];
let banner: HTMLElement | undefined;
let fab: HTMLButtonElement | undefined;
let dialog: HTMLElement | undefined;

function button(label: string, action: () => void, attrs: Record<string, string> = {}) {
  const el = h('button', { type: 'button', class: 'spk-btn', text: label, ...attrs });
  el.addEventListener('click', action);
  return el;
}

/** The new version's change summary in the visitor's language, when the shop gave one. */
function whatChanged() {
  const summary = policy?.summary?.[LANG];
  return summary ? h('p', { class: 'spk-p', 'data-shop-privacy': 'changes', text: summary }) : null;
}

function openBanner(changed: boolean) {
  ensureStyle();
  banner?.remove();
  const link = policy?.url ? h('a', { class: 'spk-a', href: policy.url, text: t.policy }) : null;
  banner = h(
    'div',
    { class: 'spk-root spk-banner', role: 'region', 'aria-labelledby': 'spk-title', tabindex: '-1', lang: LANG, 'data-shop-privacy': 'banner' },
    h('h2', { class: 'spk-h', id: 'spk-title', text: t.title }),
    changed && h('p', { class: 'spk-p', text: t.changed }),
    changed && whatChanged(),
    h('p', { class: 'spk-p' }, `${t.body} `, link),
    h(
      'div',
      { class: 'spk-row' },
      button(t.accept, () => void choose({ analytics: true, marketing: true }, 'banner'), { 'data-action': 'accept' }),
      button(t.refuse, () => void choose({ analytics: false, marketing: false }, 'banner'), { 'data-action': 'refuse' }),
      button(t.choose, () => showSettings(), { 'data-action': 'choose', 'aria-haspopup': 'dialog' }),
    ),
  );
  document.body.append(banner);
  banner.focus({ preventScroll: true });
}

/** The banner after a policy change: asks only about the categories whose terms changed. */
function openRenewal(categories: OptionalCategory[], valid: { analytics: boolean; marketing: boolean }) {
  ensureStyle();
  banner?.remove();
  const link = policy?.url ? h('a', { class: 'spk-a', href: policy.url, text: t.policy }) : null;
  const answer = (allowed: boolean) => {
    const next = { ...valid };
    for (const c of categories) next[c] = allowed;
    void choose(next, 'banner');
  };
  banner = h(
    'div',
    {
      class: 'spk-root spk-banner',
      role: 'region',
      'aria-labelledby': 'spk-title',
      tabindex: '-1',
      lang: LANG,
      'data-shop-privacy': 'banner',
      'data-renew': categories.join(' '),
    },
    h('h2', { class: 'spk-h', id: 'spk-title', text: t.title }),
    h('p', { class: 'spk-p', text: t.changed }),
    whatChanged(),
    h('p', { class: 'spk-p' }, `${t.renew.replace('{categories}', categories.map((c) => t[c]).join(t.and))} `, link),
    h(
      'div',
      { class: 'spk-row' },
      button(t.allow, () => answer(true), { 'data-action': 'allow' }),
      button(t.deny, () => answer(false), { 'data-action': 'deny' }),
      button(t.choose, () => showSettings(), { 'data-action': 'choose', 'aria-haspopup': 'dialog' }),
    ),
  );
  document.body.append(banner);
  banner.focus({ preventScroll: true });
}

function closeBanner() {
  if (!banner) return;
  const hadFocus = banner.contains(document.activeElement);
  banner.remove();
  banner = undefined;
  if (hadFocus) pendingFocusFab = true;
}

let pendingFocusFab = false;
function showFab() {
  ensureStyle();
  if (!fab) {
    fab = button(t.settings, () => showSettings(), {
      class: 'spk-root spk-fab',
      lang: LANG,
      'aria-haspopup': 'dialog',
      'data-shop-privacy': 'settings-button',
    });
    document.body.append(fab);
  }
  if (pendingFocusFab && !dialog) fab.focus();
  pendingFocusFab = false;
}

const FOCUSABLE = 'a[href],button:not([disabled]),input:not([disabled]),select:not([disabled]),textarea:not([disabled]),[tabindex]:not([tabindex="-1"])';

function showSettings() {
  if (dialog) return;
  ensureStyle();
  const opener = document.activeElement as HTMLElement | null;
  const current = choices ?? (stored ? { analytics: stored.a, marketing: stored.m } : { analytics: false, marketing: false });
  const describe: Record<Category, string> = { necessary: `${t.necessaryDesc} (${t.alwaysOn})`, analytics: t.analyticsDesc, marketing: t.marketingDesc };
  const box = (category: Category, checked: boolean, disabled: boolean, note?: string) => {
    const id = `spk-c-${category}`;
    return h(
      'div',
      { class: 'spk-cat' },
      h('input', { type: 'checkbox', id, name: category, checked, disabled, 'aria-describedby': `${id}-d` }),
      h(
        'div',
        {},
        h('label', { for: id, text: t[category] }),
        h('p', { class: 'spk-desc', id: `${id}-d` }, describe[category], note && h('span', { class: 'spk-note', role: 'note', text: note })),
      ),
    );
  };
  const panel = h(
    'div',
    {
      class: 'spk-dialog',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-labelledby': 'spk-dtitle',
      'aria-describedby': 'spk-dintro',
      lang: LANG,
      'data-shop-privacy': 'settings',
    },
    h('h2', { class: 'spk-h', id: 'spk-dtitle', text: t.settings }),
    h('p', { class: 'spk-p', id: 'spk-dintro', text: t.settingsIntro }),
    box('necessary', true, true),
    box('analytics', current.analytics, false),
    box('marketing', current.marketing && !GPC, GPC, GPC ? t.gpc : undefined),
    h(
      'div',
      { class: 'spk-row' },
      button(
        t.save,
        () => {
          const on = (c: OptionalCategory) => (panel.querySelector(`#spk-c-${c}`) as HTMLInputElement).checked;
          const next = { analytics: on('analytics'), marketing: on('marketing') };
          close(false);
          void choose(next, 'settings');
        },
        { 'data-action': 'save' },
      ),
      button(t.cancel, () => close(true), { 'data-action': 'cancel' }),
    ),
  );
  const overlay = h('div', { class: 'spk-root spk-overlay' }, panel);
  const close = (restore: boolean) => {
    overlay.remove();
    dialog = undefined;
    document.removeEventListener('focusin', keepFocus);
    if (!restore) {
      pendingFocusFab = true;
      return;
    }
    const target = opener && opener !== document.body && document.contains(opener) ? opener : (banner ?? fab);
    target?.focus();
  };
  const focusables = () => Array.from(panel.querySelectorAll<HTMLElement>(FOCUSABLE));
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' || e.key === 'Esc') {
      e.preventDefault();
      close(true);
    } else if (e.key === 'Tab') {
      const all = focusables();
      const first = all[0];
      const last = all[all.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last?.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first?.focus();
      }
    }
  });
  // Focus that escapes the dialog (a click on the backdrop, assistive technology) is brought back.
  const keepFocus = (e: FocusEvent) => {
    if (!panel.contains(e.target as Node)) focusables()[0]?.focus();
  };
  document.addEventListener('focusin', keepFocus);
  dialog = overlay;
  document.body.append(overlay);
  focusables()[0]?.focus();
}

// ---------------------------------------------------------------- request form

let formCount = 0;
function mountRequestForm(host: HTMLElement, prefill?: string) {
  if (host.dataset.shopPrivacyMounted) return;
  host.dataset.shopPrivacyMounted = 'true';
  ensureStyle();
  const lang = langOf(host.dataset.lang) ?? LANG;
  const tx: Texts = TEXT[lang];
  const n = ++formCount;
  const id = (name: string) => `spk-f${n}-${name}`;
  const error = (name: string) => h('p', { class: 'spk-err', id: id(`${name}-err`) });
  const email = h('input', {
    id: id('email'),
    name: 'email',
    type: 'email',
    autocomplete: 'email',
    required: true,
    maxlength: '254',
    'aria-describedby': id('email-err'),
    value: prefill,
  });
  const type = h(
    'select',
    { id: id('type'), name: 'type', required: true, 'aria-describedby': id('type-err') },
    h('option', { value: '', text: tx.pick }),
    ...FORM_TYPES.map((value) => h('option', { value, text: REQUEST_TYPE_LABELS[value][lang] })),
  );
  const details = h('textarea', { id: id('details'), name: 'details', rows: '4', maxlength: '4000', 'aria-describedby': id('details-err') });
  const live = h('div', { class: 'spk-live', role: 'status', 'aria-live': 'polite', id: id('status') });
  const submit = h('button', { type: 'submit', class: 'spk-btn', text: tx.send });
  const field = (name: string, label: string, control: HTMLElement) =>
    h('div', { class: 'spk-field' }, h('label', { for: id(name), text: label }), control, error(name));
  const form = h(
    'form',
    { class: 'spk-form', novalidate: true, 'aria-describedby': id('intro') },
    h('p', { class: 'spk-p', id: id('intro'), text: tx.formIntro }),
    field('email', tx.email, email),
    field('type', tx.type, type),
    field('details', tx.details, details),
    live,
    submit,
  );
  const root = h('div', { class: 'spk-root', lang }, form);
  host.replaceChildren(root);

  const controls: Record<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement> = { email, type, details };
  const fieldMessages: Record<string, string> = { email: tx.badEmail, type: tx.badType, details: tx.badDetails };
  const showErrors = (errors: Record<string, string>, summary: string) => {
    let first: HTMLElement | undefined;
    for (const [name, control] of Object.entries(controls)) {
      const message = errors[name];
      (form.querySelector(`#${id(`${name}-err`)}`) as HTMLElement).textContent = message ?? '';
      if (message) {
        control.setAttribute('aria-invalid', 'true');
        first ??= control;
      } else control.removeAttribute('aria-invalid');
    }
    live.className = summary ? 'spk-live spk-bad' : 'spk-live';
    live.textContent = summary;
    first?.focus();
  };

  // While a request is on its way the button says so with aria-disabled, not `disabled`: disabling the
  // focused button makes Chromium move focus to the page later, which can undo the focus we give the
  // first invalid field when the answer arrives.
  let sending = false;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (sending) return;
    const address = email.value.trim();
    const local: Record<string, string> = {};
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) local.email = tx.badEmail;
    if (!type.value) local.type = tx.badType;
    if (details.value.length > 4000) local.details = tx.badDetails;
    if (Object.keys(local).length) return showErrors(local, tx.fix);
    showErrors({}, '');
    sending = true;
    submit.setAttribute('aria-disabled', 'true');
    submit.textContent = tx.sending;
    try {
      const res = await fetch(`${API}/v1/requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'omit',
        body: JSON.stringify({ email: address, type: type.value, ...(details.value.trim() ? { details: details.value.trim() } : {}), locale: lang }),
      });
      const answer = (await res.json().catch(() => ({}))) as {
        requestId?: string;
        error?: { message?: string; issues?: { path?: string; message?: string }[] };
      };
      if (res.status === 202 && answer.requestId) {
        const done = h(
          'div',
          { class: 'spk-done', role: 'status', tabindex: '-1', 'data-shop-privacy': 'request-sent' },
          h('h3', { class: 'spk-h', text: tx.doneTitle }),
          h('p', { class: 'spk-p', text: tx.done.replace('{email}', address) }),
          h('p', { class: 'spk-p' }, `${tx.reference}: `, h('span', { class: 'spk-ref', 'data-request-id': answer.requestId, text: answer.requestId })),
        );
        root.replaceChildren(done);
        done.focus();
        return;
      }
      if (res.status === 429) return showErrors({}, tx.tooMany);
      if (res.status === 400 && answer.error?.issues?.length) {
        const errors: Record<string, string> = {};
        const other: string[] = [];
        for (const issue of answer.error.issues) {
          const name = (issue.path ?? '').replace(/^body\.?/, '').split('.')[0] ?? '';
          if (name in controls) errors[name] ??= fieldMessages[name] ?? issue.message ?? '';
          else other.push(issue.message ?? '');
        }
        return showErrors(errors, [tx.fix, ...other].join(' '));
      }
      showErrors({}, answer.error?.message ? `${tx.failed} (${answer.error.message})` : tx.failed);
    } catch {
      showErrors({}, tx.failed);
    } finally {
      sending = false;
      submit.removeAttribute('aria-disabled');
      submit.textContent = tx.send;
    }
  });
}

// ---------------------------------------------------------------- start

const api: ShopPrivacyApi = {
  onConsentChange(cb) {
    listeners.push(cb);
    if (choices) cb({ ...choices });
    return () => {
      const at = listeners.indexOf(cb);
      if (at >= 0) listeners.splice(at, 1);
    };
  },
  hasConsent: (category) => category === 'necessary' || (choices?.[category] ?? false),
  showSettings: () => {
    if (document.body) showSettings();
  },
  trackSearch(kind, query, results) {
    if (typeof kind !== 'string' || !kind) return;
    // A whole count only: the searches report counts searches that found nothing (results 0).
    const count = Number.isSafeInteger(results) && (results as number) >= 0 ? { results: results as number } : {};
    track({
      type: 'search',
      searchKind: cut(kind, 64),
      ...(query ? { query: cut(String(query), 512) } : {}),
      ...count,
      path: cut(location.pathname, 2048),
      at: now(),
    });
  },
  consent: () => (choices ? { ...choices } : null),
  requestForm: (host, email) => mountRequestForm(host, email),
};

/** Loads the privacy center's script beside the kit, with the kit's API, language and nonce. */
function loadPrivacyCenter() {
  ensureStyle();
  const center = h('script', { src: `${API}/v1/privacy-center.js`, 'data-api': API, 'data-lang': LANG });
  if (NONCE) center.nonce = NONCE;
  document.head.append(center);
}

async function start() {
  for (const host of Array.from(document.querySelectorAll<HTMLElement>('[data-shop-privacy-request-form]'))) mountRequestForm(host);
  if (document.querySelector('[data-shop-privacy-center]')) loadPrivacyCenter();
  watchNavigations();
  addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') leave();
    else if (left) resume();
  });
  addEventListener('pagehide', leave);
  addEventListener('pageshow', (e) => {
    if (e.persisted) {
      resume();
      trackPage();
    }
  });
  trackPage();
  // A stored choice holds at once (beacons and Consent Mode need not wait, and a page left quickly
  // still counts); if the policy check then finds a newer version, the visitor is asked again and
  // nothing optional is allowed until they answer.
  if (stored) apply({ analytics: stored.a, marketing: stored.m });
  // No choice in force (first visit, or the consent cookie expired): listed cookies left behind go.
  else removeCookies({ analytics: false, marketing: false }, LISTED_COOKIES, SECURE);
  watchMarkedElements(() => (gateOpen && choices) || { analytics: false, marketing: false });
  try {
    policy ??= await loadPolicy();
  } catch {
    // The API is unreachable: a stored choice still holds; otherwise ask (and try to record it then).
    if (!stored) openBanner(false);
    return openGate();
  }
  if (!stored) openBanner(false);
  else if (stored.v !== policy.version && stored.k !== policy.version) await renewFor(policy, stored);
  openGate();
}

if (!win.ShopPrivacy) {
  win.ShopPrivacy = api;
  gtag('consent', 'default', { ad_storage: 'denied', analytics_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void start());
  else void start();
}
