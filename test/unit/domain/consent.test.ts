import { describe, expect, it } from 'vitest';
import { consentReceipt, recordConsent } from '../../../shared/domain/consent';
import { policy } from '../../helpers/memory-stores';

const p = policy('2024-01', '2024-01-01T00:00:00Z');
const now = new Date('2026-11-25T03:00:00Z');
const request = { visitorId: 'v-0123456789', policyVersion: '2024-01', choices: { necessary: true as const, analytics: true, marketing: true } };

describe('recordConsent', () => {
  it('records marketing as refused when the browser sends Global Privacy Control, and says so', () => {
    const record = recordConsent(request, { policy: p, now, gpc: true });
    expect(record.choices).toEqual({ necessary: true, analytics: true, marketing: false });
    expect(record.gpc).toBe(true);
    expect(record.gpcOverrodeMarketing).toBe(true);
  });

  it('keeps the visitor\u2019s choices as given without GPC', () => {
    const record = recordConsent(request, { policy: p, now, gpc: false });
    expect(record.choices.marketing).toBe(true);
    expect(record.gpcOverrodeMarketing).toBe(false);
  });

  it('derives the same receipt id from the same idempotency key, and different ones otherwise', () => {
    const a = recordConsent(request, { policy: p, now, gpc: false, idempotencyKey: 'k1' });
    const b = recordConsent(request, { policy: p, now, gpc: false, idempotencyKey: 'k1' });
    const c = recordConsent(request, { policy: p, now, gpc: false, idempotencyKey: 'k2' });
    const d = recordConsent({ ...request, visitorId: 'other-visitor' }, { policy: p, now, gpc: false, idempotencyKey: 'k1' });
    expect(a.receiptId).toBe(b.receiptId);
    expect(new Set([a.receiptId, c.receiptId, d.receiptId]).size).toBe(3);
    expect(recordConsent(request, { policy: p, now, gpc: false }).receiptId).not.toBe(recordConsent(request, { policy: p, now, gpc: false }).receiptId);
  });
});

describe('consentReceipt', () => {
  it('names the policy URL and hash, the jurisdiction, the method and one purpose per category', () => {
    const receipt = consentReceipt(recordConsent(request, { policy: p, now, gpc: false }));
    expect(receipt).toMatchObject({
      recordedAt: now.toISOString(),
      jurisdiction: 'TH',
      collectionMethod: 'banner',
      policyUrl: p.url,
      policySha256: p.sha256,
      subject: { visitorId: 'v-0123456789' },
    });
    expect(receipt.purposes.map((x) => [x.category, x.granted])).toEqual([
      ['necessary', true],
      ['analytics', true],
      ['marketing', true],
    ]);
  });
});
