/**
 * Events out from table changes (DynamoDB Streams): which write becomes which event, that each event
 * matches its schema in events/schemas/, that a repeat of the same write keeps its eventId, and that
 * suppressions a request step already announces are left out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../infra/stage-config';
import { eventOfChange, eventsOfChanges, type TableChange } from '../../../shared/domain/change-events';
import { addressHash, EVENT_TYPES, schemaFileOf, type EventType, type OutEvent } from '../../../shared/domain/events-out';

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv);
const validators = Object.fromEntries(
  (Object.keys(EVENT_TYPES) as EventType[]).map((type) => [type, ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, schemaFileOf(type)), 'utf8')))]),
) as Record<EventType, ReturnType<Ajv['compile']>>;
const expectValid = (event: OutEvent | undefined) => {
  expect(event).toBeDefined();
  const validate = validators[event!.type];
  expect(validate(event), ajv.errorsText(validate.errors)).toBe(true);
  return event!;
};

const writtenAt = new Date('2026-11-20T03:00:00Z');
const hash = addressHash('somchai@example.com');

const receipt = {
  pk: 'visitor-0001',
  sk: 'RECEIPT#rcpt-1',
  receiptId: 'rcpt-1',
  visitorId: 'visitor-0001',
  policyVersion: '2026-01',
  policyUrl: 'https://shop.example.com/privacy',
  policySha256: 'a'.repeat(64),
  choices: { necessary: true, analytics: true, marketing: false },
  recordedAt: '2026-11-20T02:59:59.000Z',
  collectionMethod: 'banner',
  gpc: false,
  gpcOverrodeMarketing: false,
};
const disclosure = {
  id: 'D-1',
  memberId: 'm-1',
  recipient: 'Kerry Express',
  legalBasis: 'customer_transaction',
  reference: 'order 42',
  categories: ['name', 'address'],
  disclosedAt: '2026-11-19T00:00:00.000Z',
  recordedAt: '2026-11-20T01:00:00.000Z',
  recordedBy: 'dpo@example.com',
};
const registered = { pk: hash, email: 'somchai@example.com', subscribed: true, linkIssuedAt: '2026-11-01T00:00:00.000Z' };
const suppressedBy = (via: string) => ({ ...registered, subscribed: false, unsubscribedAt: '2026-11-20T02:00:00.000Z', via });

const change = (table: TableChange['table'], kind: TableChange['kind'], newItem?: Record<string, unknown>, oldItem?: Record<string, unknown>): TableChange => ({
  table,
  kind,
  ...(newItem ? { newItem } : {}),
  ...(oldItem ? { oldItem } : {}),
  writtenAt,
});

describe('change events: consents', () => {
  it('announces a new receipt as consent.changed with only the visitor id, policy version and the two choices', () => {
    const event = expectValid(eventOfChange(change('consents', 'INSERT', receipt)));
    expect(event).toMatchObject({ type: 'consent.changed', visitorId: 'visitor-0001', policyVersion: '2026-01', occurredAt: receipt.recordedAt });
    expect(event).toHaveProperty('choices', { analytics: true, marketing: false });
  });

  it('leaves out the CURRENT copy written beside the receipt and the erasure of receipts', () => {
    expect(eventOfChange(change('consents', 'INSERT', { ...receipt, sk: 'CURRENT' }))).toBeUndefined();
    expect(eventOfChange(change('consents', 'MODIFY', { ...receipt, sk: 'CURRENT' }, { ...receipt, sk: 'CURRENT' }))).toBeUndefined();
    expect(eventOfChange(change('consents', 'REMOVE', undefined, receipt))).toBeUndefined();
  });

  it('gives the same receipt delivered twice the same eventId, and another receipt another', () => {
    const first = eventOfChange(change('consents', 'INSERT', receipt))!;
    const again = eventOfChange({ ...change('consents', 'INSERT', receipt), writtenAt: new Date() })!;
    const other = eventOfChange(change('consents', 'INSERT', { ...receipt, sk: 'RECEIPT#rcpt-2', receiptId: 'rcpt-2' }))!;
    expect(again.eventId).toBe(first.eventId);
    expect(other.eventId).not.toBe(first.eventId);
  });
});

describe('change events: disclosures', () => {
  it('announces a disclosure once, from its register copy, without the reference, note or who recorded it', () => {
    const events = eventsOfChanges([
      change('disclosures', 'INSERT', { pk: 'M#m-1', sk: `${disclosure.disclosedAt}#D-1`, ...disclosure }),
      change('disclosures', 'INSERT', { pk: 'ALL', sk: `${disclosure.disclosedAt}#D-1`, ...disclosure }),
    ]);
    expect(events).toHaveLength(1);
    const event = expectValid(events[0]);
    expect(event).toMatchObject({
      type: 'disclosure.recorded',
      disclosureId: 'D-1',
      memberId: 'm-1',
      recipient: 'Kerry Express',
      categories: ['name', 'address'],
    });
  });

  it('announces a disclosure about no member without a member id', () => {
    const { memberId: _m, ...aboutNobody } = disclosure;
    const event = expectValid(
      eventOfChange(change('disclosures', 'INSERT', { pk: 'ALL', sk: 'x', ...aboutNobody, legalBasis: 'partner_membership_confirmation' })),
    );
    expect(event).not.toHaveProperty('memberId');
  });
});

describe('change events: subscriptions', () => {
  it.each(['link', 'one-click', 'privacy-center', 'account-cancelled'])('announces a suppression by %s as address.suppressed with the address hash', (via) => {
    const event = expectValid(eventOfChange(change('subscriptions', 'MODIFY', suppressedBy(via), registered)));
    expect(event).toMatchObject({ type: 'address.suppressed', addressHash: hash, via, occurredAt: '2026-11-20T02:00:00.000Z' });
    expect(JSON.stringify(event)).not.toContain('somchai');
  });

  it('announces a suppression of an address never seen before (the item is created by the unsubscribe)', () => {
    expectValid(eventOfChange(change('subscriptions', 'INSERT', suppressedBy('one-click'))));
  });

  it.each(['email', 'deadline', 'staff'])('leaves out a suppression by %s, which its request step already announces', (via) => {
    expect(eventOfChange(change('subscriptions', 'MODIFY', suppressedBy(via), registered))).toBeUndefined();
  });

  it('leaves out a suppression a request step wrote (a confirmed request form is written with via link and its request id)', () => {
    expect(eventOfChange(change('subscriptions', 'MODIFY', { ...suppressedBy('link'), requestId: 'R-ABCDEFGHJK' }, registered))).toBeUndefined();
  });

  it('announces a resubscription as address.resubscribed', () => {
    const resubscribed = { ...registered, resubscribedAt: '2026-11-21T00:00:00.000Z' };
    const event = expectValid(eventOfChange(change('subscriptions', 'MODIFY', resubscribed, suppressedBy('link'))));
    expect(event).toMatchObject({ type: 'address.resubscribed', addressHash: hash, occurredAt: '2026-11-21T00:00:00.000Z' });
  });

  it('announces nothing for writes that do not change the state (a link key registered, a repeat unsubscribe, the notice sent)', () => {
    expect(eventOfChange(change('subscriptions', 'INSERT', registered))).toBeUndefined();
    expect(eventOfChange(change('subscriptions', 'MODIFY', suppressedBy('link'), suppressedBy('link')))).toBeUndefined();
    expect(eventOfChange(change('subscriptions', 'MODIFY', { ...suppressedBy('link'), confirmedAt: 'x' }, suppressedBy('link')))).toBeUndefined();
  });

  it('gives a later suppression of the same address (after a resubscription) a new eventId', () => {
    const first = eventOfChange(change('subscriptions', 'MODIFY', suppressedBy('link'), registered))!;
    const later = eventOfChange(change('subscriptions', 'MODIFY', { ...suppressedBy('link'), unsubscribedAt: '2026-12-01T00:00:00.000Z' }, registered))!;
    expect(later.eventId).not.toBe(first.eventId);
  });
});
