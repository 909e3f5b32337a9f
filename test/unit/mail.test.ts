import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SesMailer } from '../../shared/adapters/mail';
import { unsubscribeConfirmed } from '../../shared/domain/notices';

const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

const mailer = () => new SesMailer('Shop <privacy@shop.example.com>', new SESv2Client({}));
const UNSUBSCRIBE_HEADERS = {
  'List-Unsubscribe': '<https://api.example.com/v1/unsubscribe?token=abc.def>, <mailto:privacy@shop.example.com?subject=unsubscribe>',
  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
};

describe('SesMailer', () => {
  it('sends SES simple content: UTF-8 subject, text and HTML parts, and the extra headers as SES message headers', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: '0100019abc-1' });
    const notice = unsubscribeConfirmed({ via: 'link', shopName: 'ร้านตัวอย่าง' }, 'th');
    const sent = await mailer().send({ to: 'somchai@example.com', ...notice, headers: UNSUBSCRIBE_HEADERS });
    expect(sent).toEqual({ messageId: '0100019abc-1' });
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input).toEqual({
      FromEmailAddress: 'Shop <privacy@shop.example.com>',
      Destination: { ToAddresses: ['somchai@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: notice.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: notice.text, Charset: 'UTF-8' }, Html: { Data: notice.html, Charset: 'UTF-8' } },
          Headers: [
            { Name: 'List-Unsubscribe', Value: UNSUBSCRIBE_HEADERS['List-Unsubscribe'] },
            { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
          ],
        },
      },
    });
  });

  it('sends a text-only mail without an HTML part or headers', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-2' });
    await mailer().send({ to: 'a@example.com', subject: 'Hello', text: 'Plain words' });
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input.Content).toEqual({
      Simple: { Subject: { Data: 'Hello', Charset: 'UTF-8' }, Body: { Text: { Data: 'Plain words', Charset: 'UTF-8' } } },
    });
  });

  it.each([
    ['a name with a colon', { 'X-Bad:Name': 'v' }],
    ['a name the request already sets', { Subject: 'again' }],
    ['a value that is not printable ASCII', { 'X-Shop': 'ร้าน' }],
    ['a value with a line break', { 'X-Shop': 'a\r\nBcc: someone@example.net' }],
    ['a value longer than 870 characters', { 'X-Shop': 'a'.repeat(871) }],
  ])('refuses %s before calling SES, as SES would', async (_case, headers) => {
    await expect(mailer().send({ to: 'a@example.com', subject: 's', text: 't', headers })).rejects.toThrow(/header/);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 0);
  });
});
