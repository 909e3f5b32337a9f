import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { htmlToText, parseRawEmail, type ParsedEmail } from '../../shared/adapters/mime';
import { classifyRequest } from '../../shared/domain/email-classification';
import { REQUEST_TYPES, type RequestType } from '../../shared/domain/request-types';

const sample = (name: string) => readFileSync(new URL(`../../events/email/${name}`, import.meta.url));
const crlf = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');

interface Expected {
  file: string;
  from?: string;
  subject: string;
  text: string;
  type: RequestType;
}

const samples: Expected[] = [
  {
    file: 'th-delete-utf8-base64.eml',
    from: 'somchai.j@example.com',
    subject: 'ขอให้ลบข้อมูลส่วนตัว',
    text: 'ผมขอให้ลบข้อมูลส่วนตัวทั้งหมดของผมออกจากระบบ',
    type: 'delete',
  },
  { file: 'th-edit-tis620-qp.eml', from: 'malee.s@example.co.th', subject: 'แก้ไขที่อยู่จัดส่ง', text: 'รบกวนเปลี่ยนที่อยู่ในบัญชีสมาชิกเป็น\n99/1 ซอยสุขุมวิท 22', type: 'edit' },
  {
    file: 'th-unsubscribe-windows874.eml',
    from: 'somsri.k@example.co.th',
    subject: 'ยกเลิกการรับข่าวสาร',
    text: 'กรุณาหยุดส่ง “จดหมายข่าว” มาที่',
    type: 'stop_marketing',
  },
  {
    file: 'th-access-unknown-charset.eml',
    from: 'araya.m@example.co.th',
    subject: 'ขอสำเนาข้อมูลส่วนตัว',
    text: 'ขอสำเนาข้อมูลส่วนตัวทั้งหมดที่ร้านเก็บไว้ค่ะ',
    type: 'access',
  },
  {
    file: 'en-access.eml',
    from: 'anna.lee@example.com',
    subject: 'Request for a copy of my personal data',
    text: 'I request a copy of my data',
    type: 'access',
  },
  {
    file: 'en-cancel-account.eml',
    from: 'john.smith@example.com',
    subject: 'Please close my account',
    text: 'Please close my account and stop sending me\nnewsletters.',
    type: 'cancel_account',
  },
  { file: 'html-only-th-delete.eml', from: 'wipa.n@example.co.th', subject: 'คำร้องเรื่องข้อมูลส่วนตัว', text: 'ลบข้อมูลส่วนตัวทั้งหมดที่ร้านเก็บไว้ค่ะ', type: 'delete' },
  {
    file: 'forwarded-en-delete.eml',
    from: 'jane.doe@example.com',
    subject: 'Fwd: Privacy request',
    text: 'Please delete all my personal information from your shop',
    type: 'delete',
  },
  {
    file: 'encoded-subject-th-cancel.eml',
    from: 'napa.w@example.com',
    subject: 'ขอยกเลิกบัญชีสมาชิกของร้าน เนื่องจากไม่ได้ใช้งานแล้ว',
    text: 'ตามหัวข้อเลยค่ะ',
    type: 'cancel_account',
  },
  {
    file: 'spoofed-sender-delete.eml',
    from: 'somchai.j@example.com',
    subject: 'URGENT: delete my data',
    text: 'Please delete all my personal data immediately',
    type: 'delete',
  },
  { file: 'other-question.eml', from: 'piya.t@example.co.th', subject: 'สอบถามเรื่องการจัดส่ง', text: 'ส่งไปเชียงใหม่ใช้เวลากี่วันครับ', type: 'other' },
  { file: 'empty-body.eml', from: 'kittipong.p@example.com', subject: '', text: '', type: 'other' },
  { file: 'garbage.eml', subject: '', text: '', type: 'other' },
];

function expectWellFormed(email: ParsedEmail): void {
  expect(typeof email.subject).toBe('string');
  expect(typeof email.text).toBe('string');
  expect(Array.isArray(email.to)).toBe(true);
  expect(Array.isArray(email.attachments)).toBe(true);
  expect(typeof email.hadHtmlOnly).toBe('boolean');
}

describe('parseRawEmail on the sample mails', () => {
  it.each(samples)('reads $file: sender, subject and text, and the text classifies as $type', async ({ file, from, subject, text, type }) => {
    const email = await parseRawEmail(sample(file));
    expect(email.from?.address).toBe(from);
    expect(email.subject).toBe(subject);
    if (text) expect(email.text).toContain(text);
    else expect(email.text).toBe('');
    expect(email.text).not.toContain('\uFFFD');
    expect(classifyRequest(email).type).toBe(type);
  });

  it('lower-cases addresses and decodes an encoded display name', async () => {
    const email = await parseRawEmail(sample('th-delete-utf8-base64.eml'));
    expect(email.from).toEqual({ address: 'somchai.j@example.com', name: 'สมชาย ใจดี' });
    expect(email.to).toEqual(['privacy@example.co.th']);
    expect(email.messageId).toBe('<CAF1th-delete-0001@mail.example.com>');
    expect(email.date).toBe('2025-03-04T02:15:02.000Z');
  });

  it('reports the From header as claimed and exposes a Reply-To on another domain, without judging it', async () => {
    const email = await parseRawEmail(sample('spoofed-sender-delete.eml'));
    expect(email.from).toEqual({ address: 'somchai.j@example.com', name: 'Somchai Jaidee' });
    expect(email.replyTo).toBe('collector@spoof.example.net');
  });

  it('takes the plain part of a multipart/alternative mail and says it was not HTML-only', async () => {
    const email = await parseRawEmail(sample('en-access.eml'));
    expect(email.hadHtmlOnly).toBe(false);
    expect(email.text.startsWith('Dear Sir or Madam,\n\nUnder the Personal Data Protection Act')).toBe(true);
    expect(email.text).not.toContain('<');
  });

  it('converts an HTML-only mail to text and flags it', async () => {
    const email = await parseRawEmail(sample('html-only-th-delete.eml'));
    expect(email.hadHtmlOnly).toBe(true);
    expect(email.text).not.toMatch(/<|font-family|&nbsp;/);
    expect(email.text).toContain('สวัสดีค่ะ');
  });

  it('returns an empty result for bytes that are not a mail at all', async () => {
    expect(await parseRawEmail(sample('garbage.eml'))).toEqual({ to: [], subject: '', text: '', attachments: [], hadHtmlOnly: false });
  });
});

describe('parseRawEmail decodes Thai legacy charsets', () => {
  it('reads a TIS-620 quoted-printable body and encoded subject (the sample really is TIS-620)', async () => {
    const raw = sample('th-edit-tis620-qp.eml').toString('latin1');
    expect(raw).toContain('charset="TIS-620"');
    expect(raw).toContain('=CA=C7=D1=CA=B4=D5'); // สวัสดี in TIS-620 bytes, not UTF-8 (which would be =E0=B8=...)
    expect(raw).not.toMatch(/=E0=B8/);
    const email = await parseRawEmail(sample('th-edit-tis620-qp.eml'));
    expect(email.text.startsWith('สวัสดีค่ะ')).toBe(true);
    expect(email.from?.name).toBe('มาลี ศรีสุข');
  });

  it('reads a windows-874 8-bit body, including the curly quotes only windows-874 has', async () => {
    const bytes = sample('th-unsubscribe-windows874.eml');
    expect(bytes.includes(Buffer.from([0x93]))).toBe(true);
    expect(bytes.includes(Buffer.from([0xe0, 0xb8]))).toBe(false);
    const email = await parseRawEmail(bytes);
    expect(email.text).toContain('ดิฉันไม่ต้องการรับข่าวสารและโปรโมชั่นทางอีเมลอีกต่อไปค่ะ');
    expect(email.text).toContain('ขอบคุณค่ะ…');
  });

  it('reads an unrecognised charset label as windows-874 where UTF-8 loses the Thai', async () => {
    const bytes = sample('th-access-unknown-charset.eml');
    expect(bytes.toString('latin1')).toContain('charset=x-windows-874');
    expect(() => new TextDecoder('x-windows-874')).toThrow();
    const email = await parseRawEmail(bytes);
    expect(email.subject).toBe('ขอสำเนาข้อมูลส่วนตัว');
    expect(email.text).toBe('เรียน เจ้าหน้าที่\n\nขอสำเนาข้อมูลส่วนตัวทั้งหมดที่ร้านเก็บไว้ค่ะ\n\nอารยา');
  });

  it('keeps UTF-8 text under an unrecognised label as UTF-8', async () => {
    const raw = crlf(
      'From: a@example.com',
      `Subject: =?x-unknown?B?${Buffer.from('ลบข้อมูล').toString('base64')}?=`,
      'Content-Type: text/plain; charset=x-unknown',
      'Content-Transfer-Encoding: 8bit',
      '',
      'ขอลบข้อมูลค่ะ',
      '',
    );
    const email = await parseRawEmail(raw);
    expect(email.subject).toBe('ลบข้อมูล');
    expect(email.text).toBe('ขอลบข้อมูลค่ะ');
  });

  it('reads TIS-620 bytes labelled x-tis620 in the body and in an encoded-word subject', async () => {
    const thai = Buffer.from([0xc5, 0xba, 0xa2, 0xe9, 0xcd, 0xc1, 0xd9, 0xc5]); // ลบข้อมูล in TIS-620
    const qp = [...thai].map((byte) => `=${byte.toString(16).toUpperCase()}`).join('');
    const raw = Buffer.concat([
      crlf('From: a@example.com', `Subject: =?x-tis620?Q?${qp}?=`, 'Content-Type: text/plain; charset=x-tis620', '', ''),
      thai,
      crlf('', ''),
    ]);
    const email = await parseRawEmail(raw);
    expect(email.subject).toBe('ลบข้อมูล');
    expect(email.text).toBe('ลบข้อมูล');
    expect(classifyRequest(email).type).toBe('delete');
  });

  it('reads a known alias such as cp874 without relabelling', async () => {
    const thai = Buffer.from([0xc5, 0xba, 0xa2, 0xe9, 0xcd, 0xc1, 0xd9, 0xc5]); // ลบข้อมูล in TIS-620 / windows-874
    const raw = Buffer.concat([crlf('From: a@example.com', 'Subject: x', 'Content-Type: text/plain; charset=cp874', '', ''), thai, crlf('', '')]);
    expect((await parseRawEmail(raw)).text).toBe('ลบข้อมูล');
  });
});

describe('parseRawEmail describes attachments and keeps none of their content', () => {
  it('parses a mail with a 10 MB attachment, keeping only its name, type and size', async () => {
    const attachment = Buffer.alloc(10 * 1024 * 1024, 0x25);
    const raw = Buffer.concat([
      crlf(
        'From: "Member" <Member@Example.com>',
        'To: privacy@example.co.th, "Staff" <STAFF@example.co.th>',
        `Subject: =?UTF-8?B?${Buffer.from('ขอลบข้อมูล').toString('base64')}?=`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        'แนบสำเนาบัตรประชาชนมาด้วยค่ะ ขอลบข้อมูลทั้งหมด',
        '--b1',
        'Content-Type: application/pdf; name="id-card.pdf"',
        'Content-Disposition: attachment; filename="id-card.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        '',
      ),
      Buffer.from(attachment.toString('base64').replace(/.{76}/g, '$&\r\n')),
      crlf('', '--b1--', ''),
    ]);
    const email = await parseRawEmail(raw);
    expect(email.text).toBe('แนบสำเนาบัตรประชาชนมาด้วยค่ะ ขอลบข้อมูลทั้งหมด');
    expect(email.to).toEqual(['privacy@example.co.th', 'staff@example.co.th']);
    expect(email.attachments).toEqual([{ filename: 'id-card.pdf', contentType: 'application/pdf', size: attachment.length }]);
    expect(JSON.stringify(email).length).toBeLessThan(2000);
    expect(classifyRequest(email).type).toBe('delete');
  });

  it('still flags an HTML-only mail whose attachment is a text file', async () => {
    const raw = crlf(
      'From: a@example.com',
      'Subject: x',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/html; charset=UTF-8',
      '',
      '<p>unsubscribe</p>',
      '--b1',
      'Content-Type: text/plain; name="notes.txt"',
      'Content-Disposition: attachment; filename="notes.txt"',
      '',
      'attached notes: close my account',
      '--b1--',
      '',
    );
    const email = await parseRawEmail(raw);
    expect(email.hadHtmlOnly).toBe(true);
    expect(email.text).toBe('unsubscribe');
    // 32 characters; the parser counts the line break before the closing boundary with an 8-bit part.
    expect(email.attachments).toEqual([{ filename: 'notes.txt', contentType: 'text/plain', size: 33 }]);
  });
});

describe('parseRawEmail finds the words of HTML-only mail wherever the HTML sits', () => {
  it('converts HTML inside multipart/related with an inline logo, which the parser alone leaves without text', async () => {
    const raw = crlf(
      'From: a@example.com',
      `Subject: =?UTF-8?B?${Buffer.from('คำขอ').toString('base64')}?=`,
      'Content-Type: multipart/related; boundary="r1"',
      '',
      '--r1',
      'Content-Type: text/html; charset=UTF-8',
      '',
      '<div>ขอยกเลิกบัญชี<br><img src="cid:logo@example.com"></div>',
      '--r1',
      'Content-Type: image/png',
      'Content-ID: <logo@example.com>',
      'Content-Transfer-Encoding: base64',
      '',
      'iVBORw0KGgo=',
      '--r1--',
      '',
    );
    const email = await parseRawEmail(raw);
    expect(email.hadHtmlOnly).toBe(true);
    expect(email.text).toContain('ขอยกเลิกบัญชี');
    expect(email.text).not.toContain('base64');
    expect(classifyRequest(email).type).toBe('cancel_account');
  });

  it('uses the HTML alternative when the plain alternative is empty', async () => {
    const raw = crlf(
      'From: a@example.com',
      'Subject: hello',
      'Content-Type: multipart/alternative; boundary="a1"',
      '',
      '--a1',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      '',
      '--a1',
      'Content-Type: text/html; charset=UTF-8',
      '',
      '<p>Please <b>unsubscribe</b> me.</p>',
      '--a1--',
      '',
    );
    const email = await parseRawEmail(raw);
    expect(email.text).toBe('Please unsubscribe me.');
    expect(email.hadHtmlOnly).toBe(false);
  });
});

describe('parseRawEmail header details', () => {
  it('leaves out a Date header that is not a date instead of using the current time', async () => {
    const email = await parseRawEmail(crlf('From: a@example.com', 'Date: sometime last week', 'Subject: x', '', 'hi', ''));
    expect(email.date).toBeUndefined();
  });

  it('lists the members of an address group and skips empty groups', async () => {
    const email = await parseRawEmail(
      crlf('From: a@example.com', 'To: Team: One@Example.com, two@example.com;, undisclosed-recipients:;', 'Subject: x', '', 'hi', ''),
    );
    expect(email.to).toEqual(['one@example.com', 'two@example.com']);
  });

  it('gives no sender when From has no address', async () => {
    const email = await parseRawEmail(crlf('From: just a name', 'Subject: x', '', 'hi', ''));
    expect(email.from).toBeUndefined();
  });
});

describe('parseRawEmail never throws', () => {
  const truncated = (file: string, fraction: number) => {
    const bytes = sample(file);
    return bytes.subarray(0, Math.floor(bytes.length * fraction));
  };

  it.each([
    ['empty input', Buffer.alloc(0)],
    ['a blank line only', Buffer.from('\r\n\r\n')],
    ['NUL bytes', Buffer.alloc(4096)],
    ['a mail cut off inside its headers', truncated('th-delete-utf8-base64.eml', 0.3)],
    ['a mail cut off inside its base64 body', truncated('th-delete-utf8-base64.eml', 0.9)],
    ['a multipart mail cut off before its closing boundary', truncated('en-access.eml', 0.7)],
    ['a multipart mail whose boundary never appears', crlf('Content-Type: multipart/mixed; boundary="nope"', '', 'text without parts', '')],
    ['a header block over a megabyte', Buffer.from(`X-Long: ${'a'.repeat(1_200_000)}\r\n\r\nbody`)],
    [
      'multiparts nested deeper than the parser allows',
      Buffer.from(
        `${Array.from({ length: 300 }, (_, i) => `Content-Type: multipart/mixed; boundary="n${i}"\r\n\r\n--n${i}\r\n`).join('')}Content-Type: text/plain\r\n\r\nhi\r\n`,
      ),
    ],
    ['a malformed encoded word and charset', crlf('Subject: =?UTF-8?B?@@@?= =?bogus?Q?=ZZ?=', 'Content-Type: text/plain; charset=', '', '\uFFFD', '')],
  ])('returns a result for %s', async (_name, raw) => {
    expectWellFormed(await parseRawEmail(raw));
  });

  it.each([
    ['unclosed links', '<a href="x'],
    ['unclosed comments', '<!--'],
    ['unclosed styles', '<style>'],
    ['unclosed tags', '<'],
  ])('reads 300 KB of HTML made of %s beside a plain part in one pass', async (_name, unit) => {
    const html = unit.repeat(Math.ceil(300_000 / unit.length));
    const raw = crlf(
      'From: a@example.com',
      'Content-Type: multipart/mixed; boundary="m1"',
      '',
      '--m1',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      '',
      '--m1',
      'Content-Type: text/html; charset=UTF-8',
      '',
      html,
      '--m1--',
      '',
    );
    // The parser's own conversion needed minutes of CPU for this; one pass takes milliseconds, far inside the test's time limit.
    const email = await parseRawEmail(raw);
    expectWellFormed(email);
    expect(email.text).toBe('');
  });

  it('returns an empty result when given something that is not a Buffer', async () => {
    expect(await parseRawEmail(undefined as unknown as Buffer)).toEqual({ to: [], subject: '', text: '', attachments: [], hadHtmlOnly: false });
  });

  it('returns a well-formed result for arbitrary bytes and MIME-like input', async () => {
    const headerLine = fc.constantFrom(
      'From: a@example.com',
      'To: B@Example.com',
      'Subject: =?UTF-8?B?4Lil4Lia4LiC4LmJ4Lit4Lih4Li54Lil?=',
      'Subject: =?TIS-620?Q?=C5=BA?=',
      'Content-Type: multipart/mixed; boundary="x"',
      'Content-Type: text/html; charset=windows-874',
      'Content-Type: text/plain; charset=x-nothing',
      'Content-Transfer-Encoding: base64',
      'Content-Transfer-Encoding: quoted-printable',
      '--x',
      '--x--',
      '',
    );
    const mimeLike = fc
      .tuple(fc.array(headerLine, { maxLength: 12 }), fc.uint8Array({ maxLength: 512 }))
      .map(([lines, tail]) => Buffer.concat([Buffer.from(lines.join('\r\n')), Buffer.from(tail)]));
    const anyBytes = fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes));
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyBytes, mimeLike), async (raw) => {
        const email = await parseRawEmail(raw);
        expectWellFormed(email);
        expect(REQUEST_TYPES).toContain(classifyRequest(email).type);
      }),
      { numRuns: 200 },
    );
  });
});

describe('reply headers', () => {
  it('reads In-Reply-To and References, so a reply can name the mail it answers', async () => {
    const parsed = await parseRawEmail(
      crlf(
        'From: Somchai <somchai.j@example.com>',
        'To: privacy@shop.example.com',
        'Subject: Re: Your request R-7KQ2M9XHPA',
        'In-Reply-To: <0100019abc-1@ap-southeast-1.amazonses.com>',
        'References: <CAF=first@mail.gmail.com>',
        ' <0100019abc-1@ap-southeast-1.amazonses.com>',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'ขอบคุณครับ',
      ),
    );
    expect(parsed.inReplyTo).toBe('<0100019abc-1@ap-southeast-1.amazonses.com>');
    expect(parsed.references).toEqual(['<CAF=first@mail.gmail.com>', '<0100019abc-1@ap-southeast-1.amazonses.com>']);
  });
});

describe('htmlToText', () => {
  it('keeps the words: blocks end lines, the cells of a row share one, entities are decoded, head, scripts, styles and comments are dropped', () => {
    const html =
      '<!DOCTYPE html><html><head><title>t</title><style>p{color:red}</style></head><body>' +
      '<p>ขอ<b>ลบ</b>ข้อมูล&nbsp;ค่ะ</p><!-- note --><script>alert(1)</script>' +
      '<table><tr><th>Ref:</th><td>R-1</td></tr><tr><th>Type:</th><td>delete</td></tr></table>' +
      '<div>Tea &amp; cakes &lt;3 &#3585;&#x0E02; &hellip;<br>line two</div><a href="https://x.example/?a=1&amp;b=2">https://x.example/?a=1&amp;b=2</a></body></html>';
    expect(htmlToText(html)).toBe('ขอลบข้อมูล ค่ะ\n\nRef: R-1\n\nType: delete\n\nTea & cakes <3 กข …\nline two\nhttps://x.example/?a=1&b=2');
  });
});
