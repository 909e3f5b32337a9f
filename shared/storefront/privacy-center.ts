/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The customer privacy center, in the shop's own page: `<div data-shop-privacy-center></div>`. The kit
 * loads this script (`/v1/privacy-center.js`) only on a page with that element, with the kit's API
 * origin, language and CSP nonce on its tag; it uses the kit's styles and `window.ShopPrivacy`.
 *
 * Before sign-in it shows one thing: a form for the e-mail address. The API mails a one-time link back
 * to this page with the token in the fragment (never sent to a server, and removed from the address
 * bar at once); the page trades it for a 30-minute session, kept in this tab's sessionStorage only.
 * Signed in, it shows the customer's requests with status and due date, the newsletter switch (in
 * force at once), this browser's cookie choices with the kit's settings dialog, a download of what the
 * shop holds, and the kit's request form with the address filled in. Thai and English, like the kit.
 */
import { REQUEST_TYPE_LABELS, type RequestType } from '../domain/request-types';
import type { ShopPrivacyApi } from './kit';
import { h } from './dom';

type Lang = 'th' | 'en';
type Status = 'awaiting_confirmation' | 'open' | 'done' | 'rejected' | 'expired';
interface Overview {
  email: string;
  requests: { requestId: string; type: RequestType; status: Status; receivedAt: string; dueAt: string; closedAt?: string }[];
  subscription: { subscribed: boolean; unsubscribedAt?: string };
}
interface Session {
  session: string;
  expiresAt: string;
  email: string;
}

const FRAGMENT = 'shop-privacy-center';
const SESSION_KEY = 'shop_privacy_center_session';

const TEXT = {
  th: {
    title: 'ข้อมูลส่วนบุคคลของฉัน',
    intro: 'กรอกอีเมลที่ท่านใช้กับร้าน เราจะส่งลิงก์สำหรับเข้าสู่หน้านี้ไปที่อีเมลนั้น ลิงก์ใช้ได้ครั้งเดียวภายใน 15 นาที',
    email: 'อีเมล',
    sendLink: 'ส่งลิงก์เข้าสู่ระบบ',
    sending: 'กำลังส่ง…',
    badEmail: 'โปรดกรอกอีเมลให้ถูกต้อง',
    sent: 'หาก {email} ใช้กับร้านของเรา ลิงก์เข้าสู่ระบบจะส่งถึงอีเมลนั้นในไม่ช้า โปรดเปิดลิงก์จากอีเมลบนอุปกรณ์นี้',
    tooMany: 'มีการขอลิงก์จากเครือข่ายของคุณมากเกินไปในวันนี้ โปรดลองอีกครั้งในวันพรุ่งนี้',
    failed: 'เกิดข้อผิดพลาด โปรดลองอีกครั้ง',
    badLink: 'ลิงก์นี้ใช้ไม่ได้ หมดอายุ หรือถูกใช้ไปแล้ว โปรดขอลิงก์ใหม่',
    signingIn: 'กำลังเข้าสู่ระบบ…',
    signedInAs: 'เข้าสู่ระบบด้วย',
    signOut: 'ออกจากระบบ',
    requests: 'คำขอของฉัน',
    noRequests: 'ยังไม่มีคำขอ',
    reference: 'หมายเลขอ้างอิง',
    type: 'ประเภท',
    status: 'สถานะ',
    received: 'วันที่ได้รับ',
    due: 'กำหนดตอบ',
    newsletters: 'จดหมายข่าวและโปรโมชั่น',
    newsletterSwitch: 'รับจดหมายข่าวและโปรโมชั่นทางอีเมล',
    subscribedNow: 'บันทึกแล้ว: ท่านจะได้รับจดหมายข่าวและโปรโมชั่น',
    unsubscribedNow: 'บันทึกแล้ว: เราหยุดส่งจดหมายข่าวและโปรโมชั่นถึงท่านตั้งแต่ตอนนี้',
    cookies: 'คุกกี้บนเบราว์เซอร์นี้',
    cookiesNone: 'ท่านยังไม่ได้เลือกการใช้คุกกี้บนเบราว์เซอร์นี้',
    analytics: 'การวิเคราะห์',
    marketing: 'การตลาด',
    allowed: 'อนุญาต',
    refused: 'ไม่อนุญาต',
    changeCookies: 'เปลี่ยนการตั้งค่าคุกกี้',
    download: 'ดาวน์โหลดข้อมูลของฉัน',
    downloadIntro: 'ข้อมูลทั้งหมดที่ร้านเก็บไว้ภายใต้อีเมลนี้ ในรูปแบบไฟล์ JSON',
    downloaded: 'ดาวน์โหลดแล้ว',
    newRequest: 'ส่งคำขอใหม่',
    expired: 'การเข้าสู่ระบบหมดเวลา โปรดขอลิงก์ใหม่',
    statuses: { awaiting_confirmation: 'รอการยืนยันทางอีเมล', open: 'กำลังดำเนินการ', done: 'เสร็จสิ้น', rejected: 'ปฏิเสธ', expired: 'หมดอายุ (ไม่ได้ยืนยัน)' },
  },
  en: {
    title: 'My privacy',
    intro: 'Enter the email address you use with the shop. We will email you a link to this page; it works once, within 15 minutes.',
    email: 'Email address',
    sendLink: 'Email me a sign-in link',
    sending: 'Sending…',
    badEmail: 'Enter a valid email address',
    sent: 'If {email} is used with our shop, a sign-in link is on its way to it. Open the link from the email on this device.',
    tooMany: 'Too many links were asked for from your network today. Please try again tomorrow.',
    failed: 'Something went wrong. Please try again.',
    badLink: 'This link is not valid, has expired or was already used. Please ask for a new one.',
    signingIn: 'Signing in…',
    signedInAs: 'Signed in as',
    signOut: 'Sign out',
    requests: 'My requests',
    noRequests: 'No requests yet.',
    reference: 'Reference',
    type: 'Type',
    status: 'Status',
    received: 'Received',
    due: 'Due',
    newsletters: 'Newsletters and promotions',
    newsletterSwitch: 'Receive newsletters and promotions by email',
    subscribedNow: 'Saved: you will receive newsletters and promotions.',
    unsubscribedNow: 'Saved: we stop sending you newsletters and promotions from now on.',
    cookies: 'Cookies in this browser',
    cookiesNone: 'You have not made a cookie choice in this browser yet.',
    analytics: 'Analytics',
    marketing: 'Marketing',
    allowed: 'allowed',
    refused: 'refused',
    changeCookies: 'Change cookie settings',
    download: 'Download my data',
    downloadIntro: 'Everything the shop holds under this email address, as a JSON file.',
    downloaded: 'Downloaded.',
    newRequest: 'Make a new request',
    expired: 'Your session has ended. Please ask for a new link.',
    statuses: {
      awaiting_confirmation: 'Waiting for email confirmation',
      open: 'In progress',
      done: 'Done',
      rejected: 'Refused',
      expired: 'Expired (not confirmed)',
    },
  },
};

const CSS = `
.spc{max-width:46rem}
.spc section{margin:0 0 1.5rem;padding:1rem 1.25rem;border:1px solid #767676;border-radius:8px;background:#fff}
.spc-table{width:100%;border-collapse:collapse;font-size:.9375rem}
.spc-table th,.spc-table td{text-align:left;padding:.5rem .375rem;border-bottom:1px solid #767676;vertical-align:top}
.spc-switch{display:flex;gap:.75rem;align-items:center}
.spc-switch input{width:24px;height:24px;margin:0;accent-color:#0b4f8a}
.spc-switch label{font-weight:700}
.spc-who{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;justify-content:space-between;margin:0 0 1rem}
`;

const me = document.currentScript as HTMLScriptElement | null;
const API = (me?.dataset.api || location.origin).replace(/\/+$/, '');
const LANG: Lang = /^th/i.test(me?.dataset.lang ?? document.documentElement.lang) ? 'th' : 'en';
const NONCE = me?.nonce ?? '';
const kit = () => (window as Window & { ShopPrivacy?: ShopPrivacyApi }).ShopPrivacy;

const day = (iso: string) =>
  new Date(iso).toLocaleDateString(LANG === 'th' ? 'th-TH' : 'en-GB', { timeZone: 'Asia/Bangkok', year: 'numeric', month: 'long', day: 'numeric' });

function readSession(): Session | undefined {
  try {
    const value = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
    return value && Date.parse(value.expiresAt) > Date.now() ? value : undefined;
  } catch {
    return undefined;
  }
}
function keepSession(session: Session | undefined) {
  try {
    if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // Storage blocked: the session lasts as long as this page.
  }
}

let counter = 0;
function mount(host: HTMLElement) {
  if (host.dataset.shopPrivacyMounted) return;
  host.dataset.shopPrivacyMounted = 'true';
  const lang: Lang = host.dataset.lang ? (/^th/i.test(host.dataset.lang) ? 'th' : 'en') : LANG;
  const t = TEXT[lang];
  const n = ++counter;
  const id = (name: string) => `spc${n}-${name}`;
  const root = h('div', { class: 'spk-root spc', lang, 'data-shop-privacy': 'center' });
  host.replaceChildren(root);
  let session: Session | undefined;

  const live = (text: string, bad = false) => h('p', { class: bad ? 'spk-live spk-bad' : 'spk-live', role: bad ? 'alert' : 'status', text });

  const authorised = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${API}${path}`, {
      ...init,
      credentials: 'omit',
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${session?.session ?? ''}` },
    });
    if (res.status === 401) {
      keepSession(undefined);
      session = undefined;
      showSignIn(t.expired);
      throw new Error('signed out');
    }
    if (!res.ok) throw new Error(`status ${res.status}`);
    return res;
  };

  /** The only view before sign-in: the e-mail form. */
  function showSignIn(message?: string, bad = true) {
    const email = h('input', {
      id: id('email'),
      type: 'email',
      name: 'email',
      autocomplete: 'email',
      required: true,
      maxlength: '254',
      'aria-describedby': id('email-err'),
    });
    const error = h('p', { class: 'spk-err', id: id('email-err') });
    const status = h('div', { 'aria-live': 'polite' }, message ? live(message, bad) : null);
    const submit = h('button', { type: 'submit', class: 'spk-btn', text: t.sendLink });
    const form = h(
      'form',
      { class: 'spk-form', novalidate: true, 'data-shop-privacy': 'center-sign-in' },
      h('p', { class: 'spk-p', text: t.intro }),
      h('div', { class: 'spk-field' }, h('label', { for: id('email'), text: t.email }), email, error),
      status,
      submit,
    );
    root.replaceChildren(h('h2', { class: 'spk-h', text: t.title }), form);
    let sending = false;
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (sending) return;
      const address = email.value.trim();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) {
        error.textContent = t.badEmail;
        email.setAttribute('aria-invalid', 'true');
        email.focus();
        return;
      }
      error.textContent = '';
      email.removeAttribute('aria-invalid');
      sending = true;
      submit.setAttribute('aria-disabled', 'true');
      submit.textContent = t.sending;
      try {
        const pageUrl = location.href.split('#')[0]!;
        const res = await fetch(`${API}/v1/privacy-center/sign-in-links`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          credentials: 'omit',
          body: JSON.stringify({ email: address, pageUrl, locale: lang }),
        });
        status.replaceChildren(
          res.status === 202 ? live(t.sent.replace('{email}', address)) : res.status === 429 ? live(t.tooMany, true) : live(t.failed, true),
        );
      } catch {
        status.replaceChildren(live(t.failed, true));
      } finally {
        sending = false;
        submit.removeAttribute('aria-disabled');
        submit.textContent = t.sendLink;
      }
    });
  }

  async function showCenter() {
    let overview: Overview;
    try {
      overview = (await (await authorised('/v1/privacy-center/overview')).json()) as Overview;
    } catch (error) {
      if ((error as Error).message !== 'signed out') showSignIn(t.failed);
      return;
    }
    const signOut = h('button', { type: 'button', class: 'spk-btn', text: t.signOut, 'data-action': 'sign-out' });
    signOut.addEventListener('click', async () => {
      await authorised('/v1/privacy-center/session', { method: 'DELETE' }).catch(() => undefined);
      keepSession(undefined);
      session = undefined;
      showSignIn();
    });
    const heading = h('h2', { class: 'spk-h', tabindex: '-1', text: t.title });

    const requests = h(
      'section',
      { 'aria-labelledby': id('requests'), 'data-section': 'requests' },
      h('h3', { class: 'spk-h', id: id('requests'), text: t.requests }),
      overview.requests.length
        ? h(
            'table',
            { class: 'spc-table' },
            h('thead', {}, h('tr', {}, ...[t.reference, t.type, t.status, t.received, t.due].map((text) => h('th', { scope: 'col', text })))),
            h(
              'tbody',
              {},
              ...overview.requests.map((r) =>
                h(
                  'tr',
                  { 'data-request-id': r.requestId },
                  h('td', { class: 'spk-ref', text: r.requestId }),
                  h('td', { text: REQUEST_TYPE_LABELS[r.type]?.[lang] ?? r.type }),
                  h('td', { 'data-status': r.status, text: t.statuses[r.status] ?? r.status }),
                  h('td', { text: day(r.receivedAt) }),
                  h('td', { text: day(r.dueAt) }),
                ),
              ),
            ),
          )
        : h('p', { class: 'spk-p', text: t.noRequests }),
    );

    const toggle = h('input', { type: 'checkbox', role: 'switch', id: id('news'), checked: overview.subscription.subscribed });
    const newsStatus = h('div', { 'aria-live': 'polite' });
    toggle.addEventListener('change', async () => {
      const wanted = toggle.checked;
      try {
        const res = await authorised('/v1/privacy-center/subscription', {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ subscribed: wanted }),
        });
        const now = (await res.json()) as Overview['subscription'];
        toggle.checked = now.subscribed;
        newsStatus.replaceChildren(live(now.subscribed ? t.subscribedNow : t.unsubscribedNow));
      } catch (error) {
        toggle.checked = !wanted;
        if ((error as Error).message !== 'signed out') newsStatus.replaceChildren(live(t.failed, true));
      }
    });
    const newsletters = h(
      'section',
      { 'aria-labelledby': id('newsh'), 'data-section': 'newsletters' },
      h('h3', { class: 'spk-h', id: id('newsh'), text: t.newsletters }),
      h('div', { class: 'spc-switch' }, toggle, h('label', { for: id('news'), text: t.newsletterSwitch })),
      newsStatus,
    );

    const cookieState = h('p', { class: 'spk-p', 'data-cookie-state': '' });
    const showChoices = () => {
      const c = kit()?.consent();
      cookieState.textContent = c
        ? `${t.analytics}: ${c.analytics ? t.allowed : t.refused} · ${t.marketing}: ${c.marketing ? t.allowed : t.refused}`
        : t.cookiesNone;
    };
    showChoices();
    kit()?.onConsentChange(showChoices);
    const change = h('button', { type: 'button', class: 'spk-btn', text: t.changeCookies, 'aria-haspopup': 'dialog', 'data-action': 'cookie-settings' });
    change.addEventListener('click', () => kit()?.showSettings());
    const cookies = h(
      'section',
      { 'aria-labelledby': id('cookies'), 'data-section': 'cookies' },
      h('h3', { class: 'spk-h', id: id('cookies'), text: t.cookies }),
      cookieState,
      change,
    );

    const downloadStatus = h('div', { 'aria-live': 'polite' });
    const download = h('button', { type: 'button', class: 'spk-btn', text: t.download, 'data-action': 'download' });
    download.addEventListener('click', async () => {
      try {
        // A short-lived link to the file (sent as an attachment), so the page itself stays.
        const { url } = (await (await authorised('/v1/privacy-center/exports', { method: 'POST' })).json()) as { url: string };
        const link = h('a', { href: url, download: 'my-data.json', hidden: true });
        root.append(link);
        link.click();
        link.remove();
        downloadStatus.replaceChildren(live(t.downloaded));
      } catch (error) {
        if ((error as Error).message !== 'signed out') downloadStatus.replaceChildren(live(t.failed, true));
      }
    });
    const data = h(
      'section',
      { 'aria-labelledby': id('data'), 'data-section': 'download' },
      h('h3', { class: 'spk-h', id: id('data'), text: t.download }),
      h('p', { class: 'spk-p', text: t.downloadIntro }),
      download,
      downloadStatus,
    );

    const formHost = h('div', { 'data-lang': lang });
    const form = h(
      'section',
      { 'aria-labelledby': id('form'), 'data-section': 'request-form' },
      h('h3', { class: 'spk-h', id: id('form'), text: t.newRequest }),
      formHost,
    );

    root.replaceChildren(
      heading,
      h('div', { class: 'spc-who' }, h('p', { class: 'spk-p' }, `${t.signedInAs} `, h('strong', { 'data-owner': '', text: overview.email })), signOut),
      requests,
      newsletters,
      cookies,
      data,
      form,
    );
    kit()?.requestForm(formHost, overview.email);
    heading.focus();
  }

  const token = new URLSearchParams(location.hash.slice(1)).get(FRAGMENT);
  if (token) {
    // Out of the address bar and history at once: the token must not be bookmarked, shared or reused.
    history.replaceState(history.state, '', location.href.split('#')[0]);
    root.replaceChildren(live(t.signingIn));
    void (async () => {
      try {
        const res = await fetch(`${API}/v1/privacy-center/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          credentials: 'omit',
          body: JSON.stringify({ token }),
        });
        if (res.status !== 201) return showSignIn(res.status === 400 ? t.badLink : t.failed);
        session = (await res.json()) as Session;
        keepSession(session);
        await showCenter();
      } catch {
        showSignIn(t.failed);
      }
    })();
    return;
  }
  session = readSession();
  if (session) void showCenter();
  else showSignIn();
}

const style = h('style', { 'data-shop-privacy': 'center-style' });
if (NONCE) style.nonce = NONCE;
style.textContent = CSS;
document.head.append(style);
for (const host of Array.from(document.querySelectorAll<HTMLElement>('[data-shop-privacy-center]'))) mount(host);
