/**
 * What `npm run outbox` shows of a mail the system sends: the mailer's SES simple content goes through
 * the emulator (which accepts the extra headers) and comes back with its sender, recipient, subject
 * and the words and links of its HTML part, as a customer reads them.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { linkIn, sentMail } from '../../scripts/lib/outbox';
import { SesMailer } from '../../shared/adapters/mail';
import { runtimeConfig } from '../../shared/config';
import { unsubscribeConfirmed } from '../../shared/domain/notices';

const endpoint = inject('motoEndpoint');

describe('outbox', () => {
  it('shows a Thai notice sent with List-Unsubscribe headers: recipient, subject, and its HTML part as text with working links', async () => {
    const to = `outbox-${randomUUID().slice(0, 8)}@example.com`;
    const notice = unsubscribeConfirmed({ via: 'link', shopName: 'ร้านชาเขียว & ขนม' }, 'th');
    const url = `https://api.example.com/v1/unsubscribe?token=${randomUUID()}.sig`;
    const { messageId } = await new SesMailer(runtimeConfig().SENDER_ADDRESS).send({
      to,
      ...notice,
      html: notice.html.replace('</body>', `<p><a href="${url}">${url}</a></p></body>`),
      headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });

    const mail = (await sentMail(endpoint)).find((m) => m.id === messageId);
    expect(mail).toMatchObject({ to: [to], from: runtimeConfig().SENDER_ADDRESS, subject: notice.subject });
    expect(mail!.html).toContain('<html');
    expect(mail!.text).toContain('ร้านชาเขียว & ขนม');
    expect(mail!.text).not.toMatch(/<[a-z]|&amp;/);
    expect(linkIn(mail!, '/v1/unsubscribe?token=')).toBe(url);
  });
});
