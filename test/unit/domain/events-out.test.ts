/**
 * Events out: what each request step publishes for the shop's other systems, that every published
 * event matches its schema in events/schemas/, and that publishing is an owed effect like the others:
 * a bus that fails once leaves the event owed, and the redelivery, the retried call or the sweep
 * publishes it, once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../infra/stage-config';
import { addressHash, EVENT_TYPES, outEvent, schemaFileOf, type EventType, type OutEvent } from '../../../shared/domain/events-out';
import type { Member } from '../../../shared/domain/members';
import { completeRequest, type CompletionInput } from '../../../shared/domain/request-completion';
import { SWEEP_GRACE_MS, sweepOwedEffects } from '../../../shared/domain/request-effects';
import { confirmRequest, intakeEmail } from '../../../shared/domain/request-service';
import type { RequestType } from '../../../shared/domain/request-types';
import { completionWorld as sharedCompletionWorld, deletionMail, member, pass, world } from '../../helpers/request-world';
import { anonymiseEndedHolds, cancelMember } from '../../../shared/domain/member-service';
import { deactivate } from '../../../shared/domain/members';

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv);
const validators = Object.fromEntries(
  (Object.keys(EVENT_TYPES) as EventType[]).map((type) => [type, ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, schemaFileOf(type)), 'utf8')))]),
) as Record<EventType, ReturnType<Ajv['compile']>>;

/** Every event the tests below saw published; each is checked against its schema at the end. */
const seen: OutEvent[] = [];
const publishedBy = (w: ReturnType<typeof world>) => {
  seen.push(...w.published);
  return w.published;
};
const typesOf = (events: OutEvent[]) => events.map((e) => e.type).sort();

/** A completion that erases a visitor's records and suppresses the address, as the real one does. */
const completionWorld = (fail: Parameters<typeof world>[0] = {}, type: RequestType = 'delete') =>
  sharedCompletionWorld({
    fail,
    type,
    data: { visitorIds: async () => ['visitor-0001'], eraseVisits: async () => 3, eraseConsentHistory: async () => 1 },
    deps: { suppress: async () => undefined },
  });

describe('events out: what each step publishes', () => {
  it('publishes request.opened for an authenticated mail, naming the member and never the address', async () => {
    const w = world();
    const { requestId } = await intakeEmail(w.deps, deletionMail());
    const [opened, ...rest] = publishedBy(w);
    expect(rest).toEqual([]);
    expect(opened).toMatchObject({ type: 'request.opened', requestId, requestType: 'delete', memberId: member.memberId, schemaVersion: 1 });
    expect(JSON.stringify(opened)).not.toContain(member.email);
  });

  it('publishes request.opened only when the link confirms an unauthenticated mail', async () => {
    const w = world();
    await intakeEmail(w.deps, deletionMail({ ...pass, dmarc: 'FAIL' }));
    expect(publishedBy(w)).toEqual([]);
    const token = new URL(/https:\/\/\S+verify\?token=[^\s"<]+/.exec(w.mailTo(member.email)[0]!.text)![0]).searchParams.get('token')!;
    await confirmRequest(w.deps, token);
    await confirmRequest(w.deps, token);
    expect(typesOf(publishedBy(w))).toEqual(['request.opened']);
  });

  it('publishes erasure due, deactivation, suppression and completion when a delete is carried out', async () => {
    const { w, deps, request } = completionWorld();
    await w.sim.requests.create(request);
    await completeRequest(deps, request.id, { outcome: 'done' }, 'staff:somsri');
    const events = publishedBy(w);
    expect(typesOf(events)).toEqual(['address.suppressed', 'member.deactivated', 'member.erasure_due', 'request.completed']);
    expect(events.find((e) => e.type === 'member.erasure_due')).toMatchObject({ requestId: request.id, memberId: member.memberId, dueAt: request.dueAt });
    expect(events.find((e) => e.type === 'address.suppressed')).toMatchObject({ addressHash: addressHash(member.email), via: 'staff' });
    expect(events.find((e) => e.type === 'request.completed')).toMatchObject({ outcome: 'done', requestType: 'delete' });
    expect(JSON.stringify(events)).not.toContain(member.email);
  });

  it('passes an edit\u2019s phone and address on in the completion event without storing them on the member', async () => {
    const { w, deps, request, member: stored } = completionWorld({}, 'edit');
    await w.sim.requests.create(request);
    const changes: CompletionInput['changes'] = {
      name: 'Somchai J.',
      phone: '+66 81 234 5678',
      address: { line1: '99/1 Sukhumvit Rd', province: 'Bangkok', postalCode: '10110', country: 'TH' },
    };
    await completeRequest(deps, request.id, { outcome: 'done', changes }, 'staff:somsri');
    const [completed] = publishedBy(w);
    expect(completed).toMatchObject({ type: 'request.completed', requestType: 'edit', changes });
    expect(stored().name).toBe('Somchai J.');
    expect(JSON.stringify(stored())).not.toMatch(/Sukhumvit|234 5678/);
    expect(JSON.stringify(await w.sim.requests.get(request.id))).not.toMatch(/Sukhumvit|234 5678/);
    expect(w.entries('member.corrected', request.id)[0]!.details).toEqual({ fields: ['name', 'phone', 'address'] });
  });

  it('accepts an edit that only other systems hold (an address), and refuses one that changes nothing', async () => {
    const { w, deps, request } = completionWorld({}, 'edit');
    await w.sim.requests.create(request);
    await expect(completeRequest(deps, request.id, { outcome: 'done', changes: { name: member.name } }, 'staff')).rejects.toMatchObject({ code: 'no_changes' });
    await completeRequest(deps, request.id, { outcome: 'done', changes: { address: { line1: '1 Silom Rd' } } }, 'staff');
    expect(publishedBy(w)[0]).toMatchObject({ changes: { address: { line1: '1 Silom Rd' } } });
  });

  it('publishes a cancellation as member.deactivated with the end of the dispute hold', async () => {
    const { w, deps, request, member: stored } = completionWorld({}, 'cancel_account');
    await w.sim.requests.create(request);
    await completeRequest(deps, request.id, { outcome: 'done' }, 'staff');
    expect(publishedBy(w).find((e) => e.type === 'member.deactivated')).toMatchObject({ reason: 'cancellation', holdUntil: stored().holdUntil });
  });

  it('publishes address.suppressed when an authenticated opt-out mail is applied', async () => {
    const w = world();
    await intakeEmail(w.deps, {
      ...deletionMail(),
      parsed: { from: { address: member.email }, subject: 'unsubscribe', text: 'Please unsubscribe me from the newsletter' },
    });
    expect(publishedBy(w).find((e) => e.type === 'address.suppressed')).toMatchObject({
      addressHash: addressHash(member.email),
      via: 'email',
      memberId: member.memberId,
    });
  });
});

describe('events out: publishing survives the bus failing once', () => {
  it('keeps the completion event owed when the bus fails, and the sweep publishes it once', async () => {
    const { w, deps, request } = completionWorld({ events: (e) => e.type === 'member.erasure_due' });
    await w.sim.requests.create(request);
    await completeRequest(deps, request.id, { outcome: 'done' }, 'staff');
    expect((await w.sim.requests.get(request.id))?.status).toBe('done');
    expect((await w.sim.requests.get(request.id))?.owed?.map((o) => o.id)).toEqual(['event:completed']);
    expect(w.published.some((e) => e.type === 'member.erasure_due')).toBe(false);
    w.sim.clock.advance(SWEEP_GRACE_MS + 1000);
    await sweepOwedEffects(w.deps);
    await sweepOwedEffects(w.deps);
    expect(publishedBy(w).filter((e) => e.type === 'member.erasure_due')).toHaveLength(1);
    expect(w.published.filter((e) => e.type === 'request.completed')).toHaveLength(1);
    expect((await w.sim.requests.get(request.id))?.owed ?? []).toEqual([]);
  });

  it('publishes once when the SES retry follows a failed publish of request.opened', async () => {
    const w = world({ events: () => true });
    await expect(intakeEmail(w.deps, deletionMail())).rejects.toThrow(/EventBridge refused/);
    const retry = await intakeEmail(w.deps, deletionMail());
    await intakeEmail(w.deps, deletionMail());
    expect(retry.outcome).toBe('duplicate');
    expect(publishedBy(w).map((e) => e.type)).toEqual(['request.opened']);
    expect(w.mailTo(member.email)).toHaveLength(1);
  });

  it('republishes with the same event id, so a consumer can drop a repeat', () => {
    const at = new Date('2026-11-01T00:00:00Z');
    const data = { type: 'member.anonymised' as const, memberId: 'm-1' };
    expect(outEvent(data, 'm-1:anonymised', at).eventId).toBe(outEvent(data, 'm-1:anonymised', new Date('2026-11-02T00:00:00Z')).eventId);
    expect(outEvent(data, 'm-1:anonymised', at).eventId).not.toBe(outEvent(data, 'm-2:anonymised', at).eventId);
  });
});

/** Members in memory with a bus that refuses the first publish when `failOnce`. */
function memberWorld(failOnce: boolean) {
  const w = world();
  const stored = new Map<string, Member>([[member.memberId, { ...member }]]);
  let failing = failOnce;
  const published: OutEvent[] = [];
  const suppressed: { email: string; via: string }[] = [];
  const deps = {
    suppress: async (email: string, via: 'account-cancelled') => {
      suppressed.push({ email, via });
    },
    members: {
      get: async (id: string) => stored.get(id),
      put: async (m: Member) => {
        stored.set(m.memberId, m);
      },
      findByEmail: async () => undefined,
      findByPartnerHash: async () => undefined,
      holdsEndedBefore: async (now: Date) => [...stored.values()].filter((m) => m.status === 'deactivated' && m.holdUntil! < now.toISOString()),
    },
    audit: w.deps.audit,
    clock: w.sim.clock,
    holdDays: 1,
    data: {
      visitorIds: async () => [],
      consentHistory: async () => [],
      visits: async () => [],
      orders: async () => [],
      eraseVisits: async () => 0,
      eraseConsentHistory: async () => 0,
      stopProfiling: async () => undefined,
    },
    requests: w.sim.requests,
    events: {
      async publish(batch: OutEvent[]) {
        if (failing) {
          failing = false;
          throw Object.assign(new Error('EventBridge refused 1 of 1 events (ThrottlingException)'), { name: 'EventsNotPublished' });
        }
        published.push(...batch);
      },
    },
  };
  return { w, stored, deps, published, suppressed };
}

describe('events out: member changes outside requests', () => {
  it('publishes a cancellation; when the bus fails, the storefront backend’s retry publishes it with the same id', async () => {
    const { stored, deps, published, suppressed } = memberWorld(true);
    await expect(cancelMember(deps, member.memberId, 'account closed', 'backend')).rejects.toThrow(/EventBridge refused/);
    expect(stored.get(member.memberId)?.status).toBe('deactivated');
    await cancelMember(deps, member.memberId, 'account closed', 'backend');
    expect(published.map((e) => e.type)).toEqual(['member.deactivated']);
    expect(published[0]).toMatchObject({ memberId: member.memberId, reason: 'cancellation', holdUntil: stored.get(member.memberId)?.holdUntil });
    await cancelMember(deps, member.memberId, 'account closed', 'backend');
    expect(new Set(published.map((e) => e.eventId)).size).toBe(1);
    // Suppressed once, under its own `via`, which the stream worker announces as address.suppressed.
    expect(suppressed).toEqual([{ email: member.email, via: 'account-cancelled' }]);
    seen.push(...published);
  });

  it('publishes member.anonymised before the member leaves the sweep, so a failed publish is redone by the next run', async () => {
    const { w, stored, deps, published } = memberWorld(true);
    stored.set(member.memberId, deactivate(member, 'cancellation request', w.sim.clock.now(), 1));
    w.sim.clock.advance(2 * 86_400_000);
    await expect(anonymiseEndedHolds(deps)).rejects.toThrow(/EventBridge refused/);
    expect(stored.get(member.memberId)?.status).toBe('deactivated');
    expect(await anonymiseEndedHolds(deps)).toMatchObject({ anonymised: 1 });
    expect(stored.get(member.memberId)?.status).toBe('anonymised');
    expect(published).toEqual([expect.objectContaining({ type: 'member.anonymised', memberId: member.memberId })]);
    expect(await anonymiseEndedHolds(deps)).toMatchObject({ anonymised: 0 });
    expect(published).toHaveLength(1);
    seen.push(...published);
  });
});

describe('events out: schemas and events in step', () => {
  it('has one schema file per event type and version, and no schema without a type', () => {
    const files = readdirSync(join(REPO_ROOT, 'events/schemas')).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual((Object.keys(EVENT_TYPES) as EventType[]).map((t) => schemaFileOf(t).split('/').pop()).sort());
  });

  it('rejects an event that carries more than its schema allows (an address in clear)', () => {
    const event = outEvent({ type: 'address.suppressed', addressHash: addressHash(member.email), via: 'link' }, 'k', new Date());
    expect(validators['address.suppressed'](event)).toBe(true);
    expect(validators['address.suppressed']({ ...event, email: member.email })).toBe(false);
  });

  afterAll(() => {
    // Runs after every test above: each event they saw published matches its type's schema.
    expect(seen.length).toBeGreaterThan(10);
    for (const event of seen) {
      const validate = validators[event.type];
      expect(validate(event), `${event.type}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });
});
