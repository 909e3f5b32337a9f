/**
 * Replies by mail: a "Re:" to one of our mails joins the request it answers (and asks staff to look)
 * instead of opening a new request with its own acknowledgement and 30-day clock; only the request's
 * own address can do that. Mail whose only content is an attachment keeps what staff need to open it.
 */
import { describe, expect, it } from 'vitest';
import { intakeEmail, type InboundMail } from '../../../shared/domain/request-service';
import { deletionMail, member, pass, world } from '../../helpers/request-world';

const reply = (over: Partial<InboundMail> & { subject?: string; from?: string; inReplyTo?: string; references?: string[] }): InboundMail => ({
  sesMessageId: over.sesMessageId ?? 'ses-msg-2',
  verdicts: over.verdicts ?? pass,
  rawMailKey: `inbound/${over.sesMessageId ?? 'ses-msg-2'}`,
  parsed: {
    from: { address: over.from ?? member.email },
    subject: over.subject ?? 'Re: your request',
    text: 'ขอบคุณครับ แนบสำเนาบัตรประชาชนมาให้แล้ว',
    attachments: [{ filename: 'id-card.jpg', contentType: 'image/jpeg', size: 48_213 }],
    ...(over.inReplyTo ? { inReplyTo: over.inReplyTo } : {}),
    ...(over.references ? { references: over.references } : {}),
  },
});

async function opened(w: ReturnType<typeof world>) {
  const first = await intakeEmail(w.deps, deletionMail());
  const [ack] = w.mailTo(member.email);
  return { requestId: first.requestId!, ack: ack! };
}

describe('replies to our mail', () => {
  it('joins a "Re:" naming the reference to its request: no new request, no second acknowledgement, flagged for staff', async () => {
    const w = world();
    const { requestId, ack } = await opened(w);
    const outcome = await intakeEmail(w.deps, reply({ subject: `Re: ${ack.subject}` }));
    expect(outcome).toMatchObject({ outcome: 'replied', requestId });
    expect(w.sim.requests.items.size).toBe(1);
    expect(w.mailTo(member.email)).toHaveLength(1);
    const request = (await w.sim.requests.get(requestId))!;
    expect(request).toMatchObject({ needsAttention: true, replyReceivedAt: w.sim.clock.now().toISOString() });
    expect(request.history.at(-1)).toMatchObject({ event: 'reply_received', by: 'requester' });
    expect(request.replies).toEqual([
      expect.objectContaining({
        sesMessageId: 'ses-msg-2',
        text: expect.stringContaining('ขอบคุณครับ'),
        rawMailKey: 'inbound/ses-msg-2',
        attachments: [{ filename: 'id-card.jpg', contentType: 'image/jpeg', size: 48_213 }],
      }),
    ]);
    // SES redelivers the reply: it joins once.
    await intakeEmail(w.deps, reply({ subject: `Re: ${ack.subject}` }));
    expect((await w.sim.requests.get(requestId))!.replies).toHaveLength(1);
  });

  it('joins a reply whose In-Reply-To or References names the Message-ID SES gave our mail', async () => {
    const w = world();
    const { requestId } = await opened(w);
    // The recording mailer's message ids are m-1, m-2...; SES puts them in Message-ID as <id@region.amazonses.com>.
    const byInReplyTo = await intakeEmail(w.deps, reply({ sesMessageId: 'ses-msg-3', inReplyTo: '<m-1@ap-southeast-1.amazonses.com>' }));
    expect(byInReplyTo).toMatchObject({ outcome: 'replied', requestId });
    const byReferences = await intakeEmail(w.deps, reply({ sesMessageId: 'ses-msg-4', references: ['<CAF=abc@mail.gmail.com>', '<m-1@email.amazonses.com>'] }));
    expect(byReferences).toMatchObject({ outcome: 'replied', requestId });
    expect(w.sim.requests.items.size).toBe(1);
  });

  it('does not let another address join a request by naming its reference', async () => {
    const w = world();
    const { requestId, ack } = await opened(w);
    const outcome = await intakeEmail(w.deps, reply({ from: 'mallory@example.com', subject: `Re: ${ack.subject}` }));
    expect(outcome.outcome).not.toBe('replied');
    expect((await w.sim.requests.get(requestId))!.replies).toBeUndefined();
  });
});

describe('mail whose only content is an attachment', () => {
  it('keeps each attachment\u2019s name, type and size and the raw mail\u2019s key with the request', async () => {
    const w = world();
    const outcome = await intakeEmail(w.deps, {
      sesMessageId: 'ses-msg-9',
      verdicts: pass,
      rawMailKey: 'inbound/ses-msg-9',
      parsed: {
        from: { address: member.email },
        subject: '',
        text: '',
        attachments: [{ filename: 'คำขอ.pdf', contentType: 'application/pdf', size: 120_004 }],
      },
    });
    expect(outcome).toMatchObject({ type: 'other' });
    expect(await w.sim.requests.get(outcome.requestId!)).toMatchObject({
      attachments: [{ filename: 'คำขอ.pdf', contentType: 'application/pdf', size: 120_004 }],
      rawMailKey: 'inbound/ses-msg-9',
    });
  });
});
