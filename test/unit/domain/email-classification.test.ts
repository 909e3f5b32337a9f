import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyRequest } from '../../../shared/domain/email-classification';
import { REQUEST_TYPES, type RequestType } from '../../../shared/domain/request-types';

const body = (text: string) => ({ subject: '', text });

describe('classifyRequest recognises how members actually phrase requests', () => {
  const phrasings: [string, RequestType][] = [
    // delete, Thai
    ['ลบข้อมูลของฉันด้วยค่ะ', 'delete'],
    ['รบกวนลบข้อมูลส่วนตัวของผมออกจากระบบครับ', 'delete'],
    ['ขอให้ลบข้อมูลทั้งหมดของดิฉัน', 'delete'],
    ['ช่วยลบประวัติการสั่งซื้อของผมด้วยครับ', 'delete'],
    ['ไม่ต้องการให้ทางร้านเก็บข้อมูลของหนูอีกต่อไปค่ะ', 'delete'],
    ['ลบ ข้อ มูล ส่วน ตัว ให้ ด้วย', 'delete'],
    ['ขอ\u200bให้\u200bลบ\u200bข้อมูล', 'delete'],
    // delete, English
    ['Please delete my data.', 'delete'],
    ['I want you to erase everything you have about me.', 'delete'],
    ['Kindly remove my personal information from your records.', 'delete'],
    ['Under the PDPA I request erasure of my personal data.', 'delete'],
    ['Please remove me from your database.', 'delete'],
    ['I would like my data deleted, thank you.', 'delete'],
    ['DELETE ALL MY PERSONAL DATA NOW', 'delete'],
    // cancel_account, Thai
    ['ต้องการยกเลิกบัญชีค่ะ', 'cancel_account'],
    ['ช่วยปิดบัญชีของผมให้หน่อยครับ', 'cancel_account'],
    ['ขอยกเลิกสมาชิกค่ะ', 'cancel_account'],
    ['ขอยกเลิกการเป็นสมาชิกเว็บไซต์', 'cancel_account'],
    ['ขอลบบัญชีผู้ใช้ครับ', 'cancel_account'],
    ['ขอยกเลิก Account ค่ะ', 'cancel_account'],
    // cancel_account, English
    ['Please close my account.', 'cancel_account'],
    ['I want to cancel my membership.', 'cancel_account'],
    ['Could you deactivate my account?', 'cancel_account'],
    ['Account deletion request', 'cancel_account'],
    // stop_marketing, Thai
    ['ไม่ต้องการรับข่าวสารจากร้านอีกแล้วค่ะ', 'stop_marketing'],
    ['ขอยกเลิกการรับอีเมลโปรโมชั่น', 'stop_marketing'],
    ['เลิกส่งโปรโมชั่นมาได้แล้วครับ', 'stop_marketing'],
    ['หยุดส่ง SMS โฆษณามาที่เบอร์ผม', 'stop_marketing'],
    ['ไม่ประสงค์จะรับข้อมูลข่าวสารทางอีเมล์', 'stop_marketing'],
    ['ขอยกเลิกการสมัครรับจดหมายข่าว', 'stop_marketing'],
    // stop_marketing, English
    ['unsubscribe', 'stop_marketing'],
    ['Please stop sending me promotional emails.', 'stop_marketing'],
    ['No more newsletters please!', 'stop_marketing'],
    ['I want to opt out of marketing.', 'stop_marketing'],
    ['Take me off your mailing list.', 'stop_marketing'],
    ["I don't want to receive your newsletter any more.", 'stop_marketing'],
    // access, Thai
    ['ขอสำเนาข้อมูลส่วนบุคคลของผมครับ', 'access'],
    ['ขอดูข้อมูลที่เก็บไว้ของดิฉันหน่อยค่ะ', 'access'],
    ['ร้านเก็บข้อมูลอะไรของผมไว้บ้างครับ', 'access'],
    ['อยากทราบว่ามีข้อมูลอะไรของหนูบ้างคะ', 'access'],
    // access, English
    ['Please send me a copy of my data.', 'access'],
    ['What data do you hold about me?', 'access'],
    ['This is a subject access request.', 'access'],
    ['I would like access to my personal information.', 'access'],
    // edit, Thai
    ['ขอแก้ไขข้อมูลส่วนตัวค่ะ', 'edit'],
    ['ขอเปลี่ยนที่อยู่จัดส่งเป็นที่อยู่ใหม่ครับ', 'edit'],
    ['ข้อมูลไม่ถูกต้อง ชื่อสะกดผิดค่ะ', 'edit'],
    ['รบกวนเปลี่ยนเบอร์โทรในบัญชีด้วยครับ', 'edit'],
    ['ชื่อ ของ ผม ผิด ครับ', 'edit'],
    // edit, English
    ['Please update my address.', 'edit'],
    ['Can you correct my surname? It is misspelled.', 'edit'],
    ['I need to change my phone number.', 'edit'],
    ['My delivery address is wrong.', 'edit'],
    ["I've moved house, my new address is 12 Example Road.", 'edit'],
    // other
    ['Do you ship to Chiang Mai?', 'other'],
    ['สินค้าจะส่งถึงเมื่อไหร่ครับ', 'other'],
  ];

  it('has at least 40 phrasings in the table', () => {
    expect(phrasings.length).toBeGreaterThanOrEqual(40);
  });

  it.each(phrasings)('reads %j as %s', (text, expected) => {
    expect(classifyRequest(body(text)).type).toBe(expected);
  });

  it.each([
    ['ขอให้ลบข้อมูล', 'delete'],
    ['Unsubscribe', 'stop_marketing'],
    ['Close my account please', 'cancel_account'],
    ['Re: ขอสำเนาข้อมูล', 'access'],
  ] as const)('reads the subject %j as %s when the body is empty', (subject, expected) => {
    expect(classifyRequest({ subject, text: '' }).type).toBe(expected);
  });
});

describe('classifyRequest picks the most far-reaching request when a mail asks for several', () => {
  it.each([
    ['ยกเลิกบัญชีและลบข้อมูลทั้งหมดด้วยค่ะ', 'cancel_account'],
    ['Please delete my data and close my account.', 'cancel_account'],
    ['Unsubscribe me and delete all my personal data.', 'delete'],
    ['ไม่ต้องการรับข่าวสาร และขอแก้ไขที่อยู่ด้วยค่ะ', 'stop_marketing'],
    ['Update my address and send me a copy of my data.', 'access'],
    ['Stop sending me newsletters. Also, what data do you hold about me?', 'stop_marketing'],
  ] as const)('reads %j as %s', (text, expected) => {
    expect(classifyRequest(body(text)).type).toBe(expected);
  });

  it('lists the deciding phrase first and keeps the lesser requests in matched', () => {
    const result = classifyRequest(body('Please update my address and close my account.'));
    expect(result.type).toBe('cancel_account');
    expect(result.matched[0]).toBe('cancel_account: close my account');
    expect(result.matched).toContain('edit: update my address');
  });

  it('lets a request in the subject outrank a lesser one in the body', () => {
    expect(classifyRequest({ subject: 'ลบข้อมูล', text: 'และเปลี่ยนที่อยู่ด้วยครับ' }).type).toBe('delete');
  });
});

describe('classifyRequest does not read a request into words that only look like one', () => {
  it.each([
    ['I deleted your previous email by mistake, please update my address.', 'edit'],
    ['ผมเผลอลบอีเมลก่อนหน้าของร้านไป รบกวนแก้ไขที่อยู่ให้ด้วยครับ', 'edit'],
    ["Please don't delete my account, just change my phone number.", 'edit'],
    ['ไม่ต้องลบข้อมูลนะคะ แค่ขอเปลี่ยนที่อยู่', 'edit'],
    ['Can I cancel my order #10234?', 'other'],
    ['ขอยกเลิกคำสั่งซื้อเลขที่ 10234 ค่ะ', 'other'],
    ["I can't access my account, the password reset link does not work.", 'other'],
    ['How do I change my password?', 'other'],
    ['ขอเปลี่ยนสินค้าเป็นไซซ์ M ได้ไหมคะ', 'other'],
    ['Please remove the red shirt from my order.', 'other'],
    ['ช่วยลบสินค้าออกจากตะกร้าให้หน่อยครับ', 'other'],
    ['ไม่ได้รับอีเมลยืนยันคำสั่งซื้อครับ', 'other'],
    ['Any update on my order? It has not arrived.', 'other'],
    ['หากท่านไม่ใช่ผู้รับที่ถูกต้อง กรุณาลบอีเมลนี้ทันที', 'other'],
    ['If you received this in error, please delete this message.', 'other'],
    ['แอปใช้ไม่ได้ ลบข้อมูลให้ด้วยครับ', 'delete'],
  ] as const)('reads %j as %s', (text, expected) => {
    expect(classifyRequest(body(text)).type).toBe(expected);
  });
});

describe('classifyRequest reads only the sender\u2019s own words', () => {
  it('ignores the shop\u2019s acknowledgement quoted below a reply', () => {
    const text = [
      'Thanks, got it!',
      '',
      'On Tue, 4 Mar 2025 at 10:00, Example Shop <privacy@example.co.th> wrote:',
      '> We have received your request to delete your data.',
      '> Please delete my data was the request we received.',
    ].join('\n');
    expect(classifyRequest({ subject: 'Re: Your request', text })).toEqual({ type: 'other', matched: [] });
  });

  it('ignores a Thai Gmail quote whose attribution wraps over two lines', () => {
    const text = ['ขอบคุณค่ะ', '', 'เมื่อ วันอังคารที่ 4 มี.ค. 2568 เวลา 10:00 Example Shop <privacy@', 'example.co.th> เขียนว่า:', 'ร้านได้รับคำขอลบข้อมูลของท่านแล้ว'].join(
      '\n',
    );
    expect(classifyRequest({ subject: 'ตอบกลับ: คำขอของท่าน', text }).type).toBe('other');
  });

  it('keeps a line of the member\u2019s own that merely ends with "wrote"', () => {
    expect(classifyRequest(body('I am unhappy with the review I wrote\nso please delete my personal data too.')).type).toBe('delete');
  });

  it('ignores lines quoted with ">" even without an attribution', () => {
    expect(classifyRequest(body('ok\n> unsubscribe\n> close my account')).type).toBe('other');
  });

  it('ignores an Outlook-style original message below a reply', () => {
    const text = [
      'Noted.',
      '',
      'From: Example Shop <privacy@example.co.th>',
      'Sent: Tuesday, March 4, 2025 10:00 AM',
      'To: Somchai',
      'Subject: Your deletion request',
      '',
      'Please delete my data (your request)',
    ].join('\n');
    expect(classifyRequest({ subject: 'RE: Your deletion request', text }).type).toBe('other');
  });

  it('classifies the forwarded mail when the sender only forwarded it', () => {
    const text = [
      '---------- Forwarded message ---------',
      'From: Jane Doe <jane.d.old@example.net>',
      'Date: Mon, 3 Feb 2025 at 18:40',
      'Subject: Privacy',
      'To: <privacy@example.co.th>',
      '',
      'Please delete all my personal information.',
    ].join('\n');
    expect(classifyRequest({ subject: 'Fwd: Privacy', text }).type).toBe('delete');
  });

  it('classifies a Thai forwarded mail marked "ส่งต่อ"', () => {
    const text = [
      'ส่งต่อให้ค่ะ',
      '',
      '---------- ข้อความที่ส่งต่อ ---------',
      'จาก: มาลี <malee.s@example.co.th>',
      'วันที่: 1 มี.ค. 2568',
      'เรื่อง: คำขอ',
      'ถึง: <privacy@example.co.th>',
      '',
      'ขอยกเลิกการรับข่าวสารค่ะ',
    ].join('\n');
    expect(classifyRequest({ subject: 'ส่งต่อ: คำขอ', text }).type).toBe('stop_marketing');
  });

  it('treats an Outlook header block as forwarded when the subject says FW:', () => {
    const text = [
      '',
      '________________________________',
      'From: John <john.smith@example.com>',
      'Sent: Monday, 3 March 2025 18:40',
      'To: privacy@example.co.th',
      'Subject: account',
      '',
      'Please close my account.',
    ].join('\n');
    expect(classifyRequest({ subject: 'FW: account', text }).type).toBe('cancel_account');
  });

  it('counts the forwarded subject line as part of the forwarded request', () => {
    const text = ['---------- Forwarded message ---------', 'From: a <a@example.com>', 'Subject: Unsubscribe', '', 'Thanks'].join('\n');
    expect(classifyRequest({ subject: 'Fwd: see below', text }).type).toBe('stop_marketing');
  });

  it('lets the sender\u2019s own request win over what they forwarded', () => {
    const text = ['Please just update my address.', '', '---------- Forwarded message ---------', 'From: a <a@example.com>', '', 'close my account'].join('\n');
    expect(classifyRequest({ subject: 'Fwd: old mail', text }).type).toBe('edit');
  });
});

describe('classifyRequest never drops a mail', () => {
  it('returns other with nothing matched for an empty mail', () => {
    expect(classifyRequest({ subject: '', text: '' })).toEqual({ type: 'other', matched: [] });
  });

  // No stopwatch: elapsed time depends on the machine. A pattern that backtracks catastrophically
  // on 3 MB of text would not finish at all, so the project's test timeout is the guard.
  it('returns a request type for a very long body (3 MB of Thai text)', () => {
    const result = classifyRequest(body(`${'ข้อความ ยาว มาก '.repeat(200_000)} unsubscribe`));
    expect(REQUEST_TYPES).toContain(result.type);
  });

  it('always returns one of the request types for any subject and text', () => {
    const thaiAndEnglish = fc.string({
      unit: fc.constantFrom(...'ลบข้อมูลยกเลิกบัญชีสมาชิก ไม่ต้องการรับข่าวสาร>:\n-delete my data unsubscribe close account wrote'.split('')),
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), thaiAndEnglish), fc.oneof(fc.string({ unit: 'binary' }), thaiAndEnglish), (subject, text) => {
        const result = classifyRequest({ subject, text });
        expect(REQUEST_TYPES).toContain(result.type);
        expect(result.type === 'other').toBe(result.matched.length === 0);
      }),
      { numRuns: 300 },
    );
  });
});
