import { describe, expect, it } from 'vitest';
import {
  confirmationNeeded,
  formatDate,
  formatDateTime,
  noAccountFound,
  requestAcknowledgement,
  requestCompleted,
  staffEscalation,
  staffReminder,
  unsubscribeConfirmed,
  type Locale,
  type Notice,
} from '../../../shared/domain/notices';
import { REQUEST_TYPE_LABELS } from '../../../shared/domain/request-types';

const LOCALES: Locale[] = ['th', 'en'];

// 18:30 UTC on 14 April is 01:30 on 15 April in Bangkok (UTC+7).
const DUE = '2026-04-14T18:30:00Z';
const DUE_SHOWN = { th: '15 เมษายน 2569', en: '15 April 2026' } as const;
const EXPIRES = '2026-03-01T17:15:00Z';
const EXPIRES_SHOWN = { th: '2 มีนาคม 2569 เวลา 00:15 น.', en: '2 March 2026, 00:15 (Bangkok time)' } as const;

const CONFIRM_URL = 'https://shop.example.com/requests/confirm?token=abc.def&r=REQ-2026-0042';
const DOWNLOAD_URL = 'https://exports.example.com/REQ-2026-0099.zip?X-Amz-Signature=f00&X-Amz-Expires=604800';

/** The words a reader sees in the HTML part: tags dropped, entities decoded, whitespace collapsed. */
function visibleText(html: string): string {
  return html
    .replace(/<head>.*<\/head>/s, ' ')
    .replace(/<br>/g, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** Every word of the text part (bar separator dashes) appears in the visible HTML, so both say the same. */
function expectHtmlSaysWhatTextSays(notice: Notice) {
  const seen = visibleText(notice.html);
  const words = notice.text.split(/\s+/).filter((w) => w && !/^-+$/.test(w));
  const missing = words.filter((w) => !seen.includes(w));
  expect(missing).toEqual([]);
}

function expectBoth(notice: Notice, ...facts: string[]) {
  for (const fact of facts) {
    expect(notice.text).toContain(fact);
    expect(visibleText(notice.html)).toContain(fact);
  }
}

describe('formatDate', () => {
  it('shows the Buddhist-era year in Thai and the Gregorian year in English', () => {
    expect(formatDate('2026-06-10T05:00:00Z', 'th')).toBe('10 มิถุนายน 2569');
    expect(formatDate('2026-06-10T05:00:00Z', 'en')).toBe('10 June 2026');
  });

  it('shows the Bangkok calendar day when the UTC instant is still on the previous day', () => {
    expect(formatDate(DUE, 'th')).toBe(DUE_SHOWN.th);
    expect(formatDate(DUE, 'en')).toBe(DUE_SHOWN.en);
  });

  it('fails loudly on a value that is not a date instead of mailing "Invalid Date"', () => {
    expect(() => formatDate('next week', 'en')).toThrow(RangeError);
  });

  it('adds the Bangkok time for expiring links', () => {
    expect(formatDateTime(EXPIRES, 'th')).toBe(EXPIRES_SHOWN.th);
    expect(formatDateTime(EXPIRES, 'en')).toBe(EXPIRES_SHOWN.en);
  });
});

describe.each(LOCALES)('requestAcknowledgement (%s)', (locale) => {
  const notice = requestAcknowledgement({ requestId: 'REQ-2026-0042', type: 'delete', dueAt: DUE, shopName: 'Precise Shop' }, locale);

  it('names the reference, the request type and the Bangkok due date in both parts', () => {
    expectBoth(notice, 'REQ-2026-0042', REQUEST_TYPE_LABELS.delete[locale], DUE_SHOWN[locale]);
    expect(notice.subject).toContain('REQ-2026-0042');
    expect(notice.text).not.toContain(locale === 'th' ? '14 เมษายน' : '14 April');
  });

  it('says staff will review the request and may contact the customer', () => {
    expect(notice.text).toContain(locale === 'th' ? 'เจ้าหน้าที่ของบริษัทฯ จะตรวจสอบคำขอของท่าน' : 'our staff will review your request');
    expect(notice.text).toContain(locale === 'th' ? 'อาจติดต่อท่าน' : 'we may contact you');
  });

  it('ends with the personal-data footer naming the shop', () => {
    const footer =
      locale === 'th'
        ? 'อีเมลฉบับนี้เกี่ยวกับข้อมูลส่วนบุคคลของท่าน ตามนโยบายความเป็นส่วนตัวของ Precise Shop'
        : 'This email is about your personal data, under the privacy policy of Precise Shop.';
    expect(notice.text.trimEnd().endsWith(footer)).toBe(true);
    expect(notice.html).toContain(footer);
  });

  it('has an HTML part that says what the text part says', () => {
    expectHtmlSaysWhatTextSays(notice);
    expect(notice.html).toContain(`<html lang="${locale}">`);
  });
});

describe('requestAcknowledgement without a shop name', () => {
  it('falls back to "the shop" / "ร้านค้า", written without a stray space in Thai', () => {
    const input = { requestId: 'R-1', type: 'edit' as const, dueAt: DUE };
    expect(requestAcknowledgement(input, 'en').text).toContain('under the privacy policy of the shop.');
    expect(requestAcknowledgement(input, 'th').text).toContain('ตามนโยบายความเป็นส่วนตัวของร้านค้า');
  });
});

describe.each(LOCALES)('confirmationNeeded (%s)', (locale) => {
  const notice = confirmationNeeded({ requestId: 'REQ-2026-0042', type: 'cancel_account', confirmUrl: CONFIRM_URL, expiresAt: EXPIRES }, locale);

  it('names the reference, the request type and when the link expires, in Bangkok time', () => {
    expectBoth(notice, 'REQ-2026-0042', REQUEST_TYPE_LABELS.cancel_account[locale], EXPIRES_SHOWN[locale]);
  });

  it('carries the confirmation link in the text and as an escaped href in the HTML', () => {
    expect(notice.text).toContain(CONFIRM_URL);
    expect(notice.html).toContain(`href="${CONFIRM_URL.replace(/&/g, '&amp;')}"`);
  });

  it('tells a customer who did not ask to ignore the mail, and that nothing changes', () => {
    expect(notice.text).toContain(locale === 'th' ? 'โปรดละเว้นอีเมลฉบับนี้' : 'ignore this email');
    expect(notice.text).toContain(locale === 'th' ? 'ข้อมูลของท่านจะไม่มีการเปลี่ยนแปลง' : 'nothing will change');
  });

  it('has an HTML part that says what the text part says', () => {
    expectHtmlSaysWhatTextSays(notice);
  });
});

describe('confirmationNeeded with a non-web link', () => {
  it('refuses to mail a javascript: URL', () => {
    expect(() => confirmationNeeded({ requestId: 'R', type: 'edit', confirmUrl: 'javascript:alert(1)', expiresAt: EXPIRES }, 'en')).toThrow(RangeError);
  });
});

describe.each(LOCALES)('requestCompleted (%s)', (locale) => {
  const deleted = requestCompleted(
    {
      requestId: 'REQ-2026-0050',
      type: 'delete',
      outcome: 'done',
      kept: [
        { what: 'Order records', why: 'to settle disputes (policy 2.2)', until: '2031-12-31' },
        { what: 'Audit trail', why: 'proof that the request was handled' },
      ],
    },
    locale,
  );

  it('says the request is done and names its reference and type', () => {
    expectBoth(deleted, 'REQ-2026-0050', REQUEST_TYPE_LABELS.delete[locale]);
    expect(deleted.text).toContain(locale === 'th' ? 'ได้ลบข้อมูลส่วนบุคคลของท่าน' : 'We have deleted your personal data');
  });

  it('lists each kept item with why and, where given, until when', () => {
    const until = locale === 'th' ? '(เก็บไว้ถึง 31 ธันวาคม 2574)' : '(kept until 31 December 2031)';
    expectBoth(deleted, `Order records: to settle disputes (policy 2.2) ${until}`, 'Audit trail: proof that the request was handled');
    expect(deleted.html.match(/<li /g)).toHaveLength(2);
  });

  it('has an HTML part that says what the text part says', () => {
    expectHtmlSaysWhatTextSays(deleted);
  });

  it('gives the time-limited download link for an access request', () => {
    const access = requestCompleted(
      { requestId: 'REQ-2026-0099', type: 'access', outcome: 'done', downloadUrl: DOWNLOAD_URL, downloadExpiresAt: EXPIRES },
      locale,
    );
    expectBoth(access, 'REQ-2026-0099', REQUEST_TYPE_LABELS.access[locale], DOWNLOAD_URL, EXPIRES_SHOWN[locale]);
    expect(access.html).toContain(`href="${DOWNLOAD_URL.replace(/&/g, '&amp;')}"`);
    expectHtmlSaysWhatTextSays(access);
  });

  it('gives the reason for a refusal and offers a complaint to the PDPC', () => {
    const rejected = requestCompleted(
      { requestId: 'REQ-2026-0051', type: 'delete', outcome: 'rejected', note: 'Order 1234 is under an open payment dispute.' },
      locale,
    );
    expectBoth(rejected, 'REQ-2026-0051', REQUEST_TYPE_LABELS.delete[locale], 'Order 1234 is under an open payment dispute.');
    expect(rejected.text).toContain(locale === 'th' ? 'เหตุผล: ' : 'Reason: ');
    expect(rejected.text).toContain(locale === 'th' ? 'สคส.' : 'PDPC');
    expect(rejected.text).not.toContain(locale === 'th' ? 'ได้ลบข้อมูลส่วนบุคคลของท่าน' : 'We have deleted');
    expectHtmlSaysWhatTextSays(rejected);
  });

  it('says a cancelled account is deactivated and kept for disputes (policy 2.2)', () => {
    const cancelled = requestCompleted({ requestId: 'REQ-2026-0052', type: 'cancel_account', outcome: 'done' }, locale);
    expect(cancelled.text).toContain(locale === 'th' ? 'Deactivate' : 'deactivated');
    expect(cancelled.text).toContain(locale === 'th' ? 'ข้อ 2.2' : 'clause 2.2');
  });
});

describe('requestCompleted guards', () => {
  it('refuses to send a refusal whose reason is blank', () => {
    expect(() => requestCompleted({ requestId: 'R', type: 'edit', outcome: 'rejected', note: '  ' }, 'en')).toThrow(/reason/);
  });

  it('shows a kept item whose "until" is words, not a date, as written', () => {
    const notice = requestCompleted(
      { requestId: 'R', type: 'delete', outcome: 'done', kept: [{ what: 'Chat log', why: 'open complaint', until: 'the complaint is closed' }] },
      'en',
    );
    expect(notice.text).toContain('- Chat log: open complaint (kept until the complaint is closed)');
  });
});

describe('HTML escaping of injected values', () => {
  const evil = `<script>alert("pwned")</script> O'Neil & Co`;

  it('escapes a shop name and a staff note in every interpolated place, and keeps them out of the subject line breaks', () => {
    const notice = requestCompleted(
      { requestId: 'REQ-1', type: 'edit', outcome: 'done', note: `Changed name to "${evil}"\nsecond line`, shopName: `${evil}\r\nBcc: x@example.com` },
      'en',
    );
    expect(notice.html).not.toContain('<script>');
    expect(notice.html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; O&#39;Neil &amp; Co');
    expect(notice.html).toContain('second line');
    expect(notice.text).toContain(evil);
    expect(notice.subject).not.toMatch(/[\r\n]/);
  });

  it('escapes the reference, kept items and the name in Thai mails too', () => {
    const notice = requestCompleted(
      { requestId: '<b>REQ</b>', type: 'delete', outcome: 'done', kept: [{ what: evil, why: `"quoted" <i>why</i>` }], shopName: evil },
      'th',
    );
    expect(notice.html).not.toMatch(/<(script|b|i)>/);
    expect(notice.html).toContain('&lt;b&gt;REQ&lt;/b&gt;');
    expect(notice.html).toContain('&quot;quoted&quot; &lt;i&gt;why&lt;/i&gt;');
    expectHtmlSaysWhatTextSays(notice);
  });

  it('escapes the title, since the subject is echoed into the HTML head', () => {
    const notice = noAccountFound({ requestId: `"><script>x</script>` }, 'en');
    expect(notice.html).not.toContain('<script>');
  });
});

describe.each(LOCALES)('noAccountFound (%s)', (locale) => {
  it('says no member account is held under this address and asks to write from the other one', () => {
    const notice = noAccountFound({ requestId: 'REQ-2026-0060', shopName: 'Precise Shop' }, locale);
    expectBoth(notice, 'REQ-2026-0060');
    expect(notice.text).toContain(locale === 'th' ? 'ไม่พบบัญชีสมาชิก' : 'we hold no member account under this email address');
    expect(notice.text).toContain(locale === 'th' ? 'กรุณาส่งคำขอจากอีเมลนั้น' : 'please write to us from that address');
    expectHtmlSaysWhatTextSays(notice);
  });

  it('works without a reference', () => {
    const notice = noAccountFound({}, locale);
    expect(notice.text).not.toContain(locale === 'th' ? 'เลขที่อ้างอิง' : 'Reference');
    expect(notice.subject).not.toContain(locale === 'th' ? 'เลขที่อ้างอิง' : 'reference');
  });
});

describe.each(LOCALES)('unsubscribeConfirmed (%s)', (locale) => {
  it('says newsletters and promotions stop', () => {
    const notice = unsubscribeConfirmed({ via: 'link' }, locale);
    expect(notice.text).toContain(locale === 'th' ? 'ท่านจะไม่ได้รับจดหมายข่าวและโปรโมชั่น' : 'You will no longer receive newsletters or promotions');
    expectHtmlSaysWhatTextSays(notice);
  });

  it('says an automatic unsubscribe happened because the 7-day period of the policy ended', () => {
    const notice = unsubscribeConfirmed({ via: 'deadline' }, locale);
    expectBoth(notice, locale === 'th' ? 'ครบกำหนด 7 วันตามนโยบายความเป็นส่วนตัว' : 'the 7-day period set by clause 6 of our privacy policy has ended');
  });

  it('does not mention the deadline when the customer unsubscribed themselves', () => {
    for (const via of ['link', 'one-click', 'email', 'staff'] as const) {
      expect(unsubscribeConfirmed({ via }, locale).text).not.toContain('7');
    }
  });
});

describe('staff mails', () => {
  it('reminds staff of the reference, type, due date and days left, with the queue link', () => {
    const notice = staffReminder({ requestId: 'REQ-2026-0042', type: 'edit', dueAt: DUE, daysLeft: 2, queueUrl: 'https://admin.example.com/queue' }, 'en');
    expectBoth(notice, 'REQ-2026-0042', REQUEST_TYPE_LABELS.edit.en, DUE_SHOWN.en, '2 days left', 'https://admin.example.com/queue');
    expect(notice.subject).toContain('REQ-2026-0042');
    expectHtmlSaysWhatTextSays(notice);
  });

  it('writes staff reminders in English even when asked for Thai', () => {
    const notice = staffReminder({ requestId: 'R', type: 'edit', dueAt: DUE, daysLeft: 1 }, 'th');
    expect(notice.text).toContain(`${DUE_SHOWN.en}: 1 day left`);
  });

  it('escalates an overdue request with how many days it is late', () => {
    const notice = staffEscalation({ requestId: 'REQ-2026-0042', type: 'stop_marketing', dueAt: DUE, overdueDays: 3 }, 'en');
    expectBoth(notice, 'REQ-2026-0042', REQUEST_TYPE_LABELS.stop_marketing.en, DUE_SHOWN.en, 'is 3 days overdue');
    expect(notice.subject).toMatch(/^Overdue: request REQ-2026-0042/);
    expect(notice.text).toContain("customer's personal data");
    expectHtmlSaysWhatTextSays(notice);
  });
});
