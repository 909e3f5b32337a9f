import { describe, expect, it } from 'vitest';
import { DEFAULT_DEADLINES, dueAt } from '../../../shared/domain/deadlines';
import { anonymise, deactivate, partnerHash, upsertMember } from '../../../shared/domain/members';
import { assessVerdicts, newRequest, newRequestId } from '../../../shared/domain/requests';
import { signLink, verifyLink } from '../../../shared/domain/signed-link';

const now = new Date('2026-11-25T03:00:00.000Z');
const pass = { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS', spam: 'PASS', virus: 'PASS' };

describe('deadlines', () => {
  it('gives requests 30 days from receipt and unsubscribes 7 (policy 6)', () => {
    expect(dueAt('delete', now).toISOString()).toBe('2026-12-25T03:00:00.000Z');
    expect(dueAt('stop_marketing', now).toISOString()).toBe('2026-12-02T03:00:00.000Z');
    expect(dueAt('access', now, { ...DEFAULT_DEADLINES, requestDueDays: 14 }).toISOString()).toBe('2026-12-09T03:00:00.000Z');
  });
});

describe('assessVerdicts', () => {
  it.each([
    ['all pass', pass, 'authenticated'],
    ['a virus', { ...pass, virus: 'FAIL' }, 'virus'],
    ['spam', { ...pass, spam: 'FAIL' }, 'spam'],
    ['DMARC failing though SPF and DKIM pass (another domain signed it)', { ...pass, dmarc: 'FAIL' }, 'unauthenticated'],
    ['no DMARC policy (GRAY)', { ...pass, dmarc: 'GRAY' }, 'unauthenticated'],
    ['DMARC processing failed', { ...pass, dmarc: 'PROCESSING_FAILED' }, 'unauthenticated'],
  ])('%s -> %s', (_name, verdicts, expected) => {
    expect(assessVerdicts(verdicts)).toBe(expected);
  });
});

describe('request references', () => {
  it('derive the same reference from the same SES message id, and random ones otherwise', () => {
    expect(newRequestId('ses:abc')).toBe(newRequestId('ses:abc'));
    expect(newRequestId('ses:abc')).not.toBe(newRequestId('ses:abd'));
    expect(newRequestId()).toMatch(/^R-[A-Z2-9]{10}$/);
    expect(newRequestId()).not.toBe(newRequestId());
  });

  it('open with a due date, a history entry, and closed ones with their outcome', () => {
    const open = newRequest(
      { id: 'R-AAAAAAAAAA', type: 'delete', channel: 'email', email: 'a@example.com', locale: 'th', status: 'open' },
      now,
      DEFAULT_DEADLINES,
      'requester',
    );
    expect(open).toMatchObject({
      dueAt: '2026-12-25T03:00:00.000Z',
      verifiedAt: now.toISOString(),
      version: 1,
      history: [{ event: 'received:open', by: 'requester' }],
    });
    const refused = newRequest(
      { id: 'R-BBBBBBBBBB', type: 'other', channel: 'email', email: 'a@example.com', locale: 'th', status: 'rejected', note: 'spam' },
      now,
      DEFAULT_DEADLINES,
      'system',
    );
    expect(refused).toMatchObject({ outcome: 'rejected', closedAt: now.toISOString(), note: 'spam' });
  });
});

describe('signed links', () => {
  const key = Buffer.from('k'.repeat(40));
  it('verify for their purpose until they expire', () => {
    const token = signLink('request', { rid: 'R-1' }, key, new Date(now.getTime() + 1000));
    expect(verifyLink('request', token, key, now)).toEqual({ ok: true, payload: { rid: 'R-1' } });
    expect(verifyLink('request', token, key, new Date(now.getTime() + 2000))).toEqual({ ok: false, reason: 'expired' });
  });

  it('never work for another purpose, key, or after any edit', () => {
    const token = signLink('unsubscribe', { s: 'abc' }, key);
    expect(verifyLink('request', token, key, now)).toEqual({ ok: false, reason: 'wrong_purpose' });
    expect(verifyLink('unsubscribe', token, Buffer.from('x'.repeat(40)), now)).toEqual({ ok: false, reason: 'bad_signature' });
    const [body, sig] = token.split('.');
    const edited = Buffer.from(JSON.stringify({ p: 'unsubscribe', d: { s: 'abd' } })).toString('base64url');
    expect(verifyLink('unsubscribe', `${edited}.${sig}`, key, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyLink('unsubscribe', `${body}`, key, now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyLink('unsubscribe', `${body}.${sig!.slice(0, 20)}`, key, now)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('members', () => {
  const input = { memberId: 'm-1', email: ' Somchai@Example.COM ', name: 'Somchai', locale: 'th' as const, marketingOptIn: true };

  it('registers with a normalised address and reports which fields a later sync changed', () => {
    const { member } = upsertMember(undefined, input, now);
    expect(member).toMatchObject({ email: 'somchai@example.com', status: 'active' });
    expect(upsertMember(member, { ...input, locale: 'en' }, now).changed).toEqual(['locale']);
    expect(upsertMember(member, input, now).changed).toEqual([]);
  });

  it('deactivates instead of deleting: marketing off, reason and dispute-hold end recorded (policy 2.2)', () => {
    const { member } = upsertMember(undefined, input, now);
    const off = deactivate(member, 'cancelled', now, 730);
    expect(off).toMatchObject({
      status: 'deactivated',
      marketingOptIn: false,
      deactivationReason: 'cancelled',
      holdUntil: '2028-11-24T03:00:00.000Z',
      email: 'somchai@example.com',
    });
    expect(upsertMember(off, { ...input, marketingOptIn: true }, now).member.marketingOptIn).toBe(false);
    expect(deactivate(off, 'again', now, 1)).toBe(off);
  });

  it('anonymises contact details once the hold ends, keeping the id that orders refer to', () => {
    const gone = anonymise(deactivate(upsertMember(undefined, input, now).member, 'x', now, 1), now);
    expect(gone.memberId).toBe('m-1');
    expect(gone.name).toBeUndefined();
    expect(gone.email).not.toContain('somchai');
    expect(gone.status).toBe('anonymised');
  });

  it('hashes e-mail addresses for partners with the shared key, whatever their case', () => {
    const key = Buffer.from('p'.repeat(40));
    expect(partnerHash('A@Example.com', key)).toBe(partnerHash('a@example.com ', key));
    expect(partnerHash('a@example.com', key)).not.toBe(partnerHash('a@example.com', Buffer.from('q'.repeat(40))));
  });
});
