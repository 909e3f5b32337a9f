/**
 * Fulfilment in the shop's other systems: a request carried out here stays open until every system
 * that receives its action event confirms (or a DPO overrides, audited); staff see each system's
 * state; the requester's notice waits for the close; reminders name the systems still waiting; and a
 * confirmation route answers only to a system's own IAM role.
 */
import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { makeHandler as confirmHandler } from '../../../functions/fulfilment/confirm-fulfilment';
import { makeHandler as requestDetail } from '../../../functions/admin/get-request';
import { processJob, startChain } from '../../../shared/domain/deadline-service';
import { DEFAULT_DEADLINES } from '../../../shared/domain/deadlines';
import { confirmFulfilment, overrideFulfilment, type ConfirmingSystem } from '../../../shared/domain/fulfilment';
import { completeRequest } from '../../../shared/domain/request-completion';
import { SWEEP_GRACE_MS, sweepOwedEffects } from '../../../shared/domain/request-effects';
import { anonymiseRequest } from '../../../shared/domain/requests';
import type { RequestType } from '../../../shared/domain/request-types';
import { apiEvent, invoke } from '../../helpers/events';
import { completionWorld, member, type world } from '../../helpers/request-world';
import { staffEvent } from '../../helpers/staff-auth';

const SHOP: ConfirmingSystem = {
  id: 'shop-backend',
  events: ['member.erasure_due', 'request.completed'],
  principalArn: 'arn:aws:iam::123456789012:role/shop-backend',
};
const PAYMENTS: ConfirmingSystem = { id: 'payments', events: ['member.erasure_due'], principalArn: 'arn:aws:iam::123456789012:role/payments' };
const NEWSLETTER: ConfirmingSystem = { id: 'newsletter', events: ['address.suppressed'], principalArn: 'arn:aws:iam::123456789012:role/newsletter' };

const setup = (type: RequestType = 'delete', systems: ConfirmingSystem[] = [SHOP, PAYMENTS, NEWSLETTER], fail: Parameters<typeof world>[0] = {}) =>
  completionWorld({ type, fail, id: 'R-FFFFFFFFFF', deps: { systems } });

describe('fulfilment: a carried-out request waits for the systems that act on it', () => {
  it('keeps a delete open with each erasing system waiting, and holds the requester\u2019s notice back', async () => {
    const { w, deps, request, stateOf } = setup();
    await w.sim.requests.create(request);
    await completeRequest(deps, request.id, { outcome: 'done', note: 'erased here' }, 'staff:somsri');
    const state = await stateOf();
    expect(state.status).toBe('open');
    // The newsletter does not receive erasure_due, so a delete does not wait for it.
    expect(state.fulfilment?.systems).toEqual([
      { system: 'shop-backend', action: 'erased', status: 'waiting' },
      { system: 'payments', action: 'erased', status: 'waiting' },
    ]);
    expect(w.mailTo(member.email)).toEqual([]);
    expect(w.published.map((e) => e.type)).toContain('member.erasure_due');
    expect(w.entries('member.erased', request.id)).toHaveLength(1);
    expect(w.entries('request.done', request.id)).toHaveLength(0);
  });

  it('closes when the last system confirms, then sends the notice once and audits who confirmed', async () => {
    const { w, deps, request, stateOf } = setup();
    await w.sim.requests.create(request);
    await completeRequest(deps, request.id, { outcome: 'done' }, 'staff');
    await confirmFulfilment(w.deps, request.id, 'shop-backend', { outcome: 'erased' });
    expect((await stateOf()).status).toBe('open');
    await confirmFulfilment(w.deps, request.id, 'payments', { outcome: 'erased' });
    await confirmFulfilment(w.deps, request.id, 'payments', { outcome: 'erased' });
    const state = await stateOf();
    expect(state.status).toBe('done');
    expect(state.fulfilment?.systems.map((s) => s.status)).toEqual(['done', 'done']);
    expect(w.mailTo(member.email)).toHaveLength(1);
    expect(w.entries('system.erased', request.id).map((e) => e.actor)).toEqual(['system:shop-backend', 'system:payments']);
    expect(w.entries('request.done', request.id)).toHaveLength(1);
  });

  it('shows a failed system with its reason, stays open, and closes when the system confirms after fixing it', async () => {
    const { w, deps, request, stateOf } = setup('delete', [SHOP]);
    await w.sim.requests.create(request);
    await completeRequest(deps, request.id, { outcome: 'done' }, 'staff');
    await expect(confirmFulfilment(w.deps, request.id, 'shop-backend', { outcome: 'failed' })).rejects.toMatchObject({ code: 'reason_required' });
    await confirmFulfilment(w.deps, request.id, 'shop-backend', { outcome: 'failed', reason: 'open order in dispute' });
    expect((await stateOf()).fulfilment?.systems[0]).toMatchObject({ status: 'failed', reason: 'open order in dispute' });
    expect((await stateOf()).status).toBe('open');
    await confirmFulfilment(w.deps, request.id, 'shop-backend', { outcome: 'erased' });
    expect((await stateOf()).status).toBe('done');
    expect((await stateOf()).fulfilment?.systems[0]).not.toHaveProperty('reason');
  });

  it('refuses a confirmation of another action (400) and answers 404 to a system the request does not wait for', async () => {
    const { w, deps, request } = setup();
    await w.sim.requests.create(request);
    await completeRequest(deps, request.id, { outcome: 'done' }, 'staff');
    await expect(confirmFulfilment(w.deps, request.id, 'shop-backend', { outcome: 'suppressed' })).rejects.toMatchObject({ code: 'wrong_action' });
    await expect(confirmFulfilment(w.deps, request.id, 'newsletter', { outcome: 'suppressed' })).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('waits for the systems of an edit and of an opt-out by their own action events', async () => {
    const edit = setup('edit');
    await edit.w.sim.requests.create(edit.request);
    await completeRequest(edit.deps, edit.request.id, { outcome: 'done', changes: { phone: '+66 81 234 5678' } }, 'staff');
    expect((await edit.stateOf()).fulfilment?.systems).toEqual([{ system: 'shop-backend', action: 'edited', status: 'waiting' }]);
    const optOut = setup('stop_marketing');
    await optOut.w.sim.requests.create(optOut.request);
    await completeRequest(optOut.deps, optOut.request.id, { outcome: 'done' }, 'staff');
    expect((await optOut.stateOf()).fulfilment?.systems).toEqual([{ system: 'newsletter', action: 'suppressed', status: 'waiting' }]);
  });

  it('closes an access request at once: no system acts on it', async () => {
    const { w, deps, request, stateOf } = setup('other');
    await w.sim.requests.create(request);
    await completeRequest(deps, request.id, { outcome: 'done', note: 'answered' }, 'staff');
    expect((await stateOf()).status).toBe('done');
    expect((await stateOf()).fulfilment).toBeUndefined();
  });

  it('answers a retried completion as a replay and refuses to reject what was carried out', async () => {
    const { w, deps, request } = setup();
    await w.sim.requests.create(request);
    await completeRequest(deps, request.id, { outcome: 'done' }, 'staff');
    expect((await completeRequest(deps, request.id, { outcome: 'done' }, 'staff')).replayed).toBe(true);
    await expect(completeRequest(deps, request.id, { outcome: 'rejected', note: 'x' }, 'staff')).rejects.toMatchObject({ code: 'request_carried_out' });
    expect(w.entries('member.erased', request.id)).toHaveLength(1);
  });

  it('lets a DPO close it without the late systems, with the reason audited; a late confirmation is still recorded', async () => {
    const { w, deps, request, stateOf } = setup();
    await w.sim.requests.create(request);
    await completeRequest(deps, request.id, { outcome: 'done' }, 'staff');
    await confirmFulfilment(w.deps, request.id, 'shop-backend', { outcome: 'erased' });
    await overrideFulfilment(w.deps, request.id, 'payments provider keeps card tokens by law; confirmed by phone', 'dpo:arisa');
    await overrideFulfilment(w.deps, request.id, 'again', 'dpo:arisa');
    const state = await stateOf();
    expect(state.status).toBe('done');
    expect(state.fulfilment?.overridden).toMatchObject({ by: 'dpo:arisa', reason: expect.stringContaining('by law') });
    expect(w.entries('request.fulfilment_overridden', request.id)).toEqual([
      expect.objectContaining({ actor: 'dpo:arisa', details: { reason: expect.stringContaining('by law'), late: ['payments (waiting)'] } }),
    ]);
    expect(w.mailTo(member.email)).toHaveLength(1);
    await confirmFulfilment(w.deps, request.id, 'payments', { outcome: 'erased' });
    expect((await stateOf()).fulfilment?.systems.map((s) => s.status)).toEqual(['done', 'done']);
    expect(w.mailTo(member.email)).toHaveLength(1);
  });

  it('sends the held notice once through the sweep when it fails as the last system confirms', async () => {
    const { w, deps, request, stateOf } = setup('delete', [SHOP], { mailer: () => true });
    await w.sim.requests.create(request);
    await completeRequest(deps, request.id, { outcome: 'done' }, 'staff');
    await confirmFulfilment(w.deps, request.id, 'shop-backend', { outcome: 'erased' });
    expect((await stateOf()).status).toBe('done');
    expect(w.mailTo(member.email)).toHaveLength(0);
    w.sim.clock.advance(SWEEP_GRACE_MS + 1000);
    await sweepOwedEffects(w.deps);
    await sweepOwedEffects(w.deps);
    expect(w.mailTo(member.email)).toHaveLength(1);
  });
});

describe('fulfilment: anonymised while waiting (the dispute hold ended first)', () => {
  it('drops the held notice and an edit’s values still owed, and closes without mail when the system confirms', async () => {
    const { w, deps, request, stateOf } = setup('edit', [SHOP], { events: () => true });
    await w.sim.requests.create(request);
    await completeRequest(deps, request.id, { outcome: 'done', changes: { address: { line1: '99/1 Sukhumvit Rd' } } }, 'staff');
    expect((await stateOf()).owed?.map((o) => o.kind)).toEqual(['event']);
    const anonymised = anonymiseRequest(await stateOf(), w.sim.clock.now(), 'system:hold-sweep');
    await w.sim.requests.update(anonymised);
    expect(JSON.stringify(await stateOf())).not.toMatch(/Sukhumvit|somchai/i);
    expect((await stateOf()).fulfilment?.systems).toEqual([{ system: 'shop-backend', action: 'edited', status: 'waiting' }]);
    await confirmFulfilment(w.deps, request.id, 'shop-backend', { outcome: 'edited' });
    expect((await stateOf()).status).toBe('done');
    expect(w.sim.mailer.sent).toEqual([]);
  });
});

describe('fulfilment: deadline reminders name the late systems', () => {
  it('names each system not done in the staff reminder and the escalation', async () => {
    const { w, deps, request } = setup();
    await w.sim.requests.create(request);
    await startChain(w.sim.deps, request);
    await completeRequest(deps, request.id, { outcome: 'done' }, 'staff');
    await confirmFulfilment(w.deps, request.id, 'shop-backend', { outcome: 'erased' });
    for (let job = w.sim.scheduler.next(); job; job = w.sim.scheduler.next()) {
      await processJob(w.sim.deps, job);
      if (w.mailTo('dpo@shop.example.com').some((m) => m.subject.startsWith('Overdue'))) break;
    }
    const staffMail = w.mailTo('dpo@shop.example.com');
    const reminder = staffMail.find((m) => m.subject.startsWith('Reminder'))!;
    const escalation = staffMail.find((m) => m.subject.startsWith('Overdue'))!;
    for (const mail of [reminder, escalation]) {
      expect(mail.text).toContain('payments (waiting)');
      expect(mail.text).not.toContain('shop-backend');
    }
  });
});

describe('fulfilment: the confirmation route and the request detail', () => {
  const systemEvent = (principal: string, id: string, body: unknown): APIGatewayProxyEventV2 => {
    const event = apiEvent('get-policy', { body, headers: { 'content-type': 'application/json' }, pathParameters: { id } });
    event.requestContext = { ...event.requestContext, authorizer: { iam: { userArn: principal } } } as never;
    return event;
  };

  it('takes the system from the signing role: an assumed session of its role confirms, any other principal gets 403', async () => {
    const { w, deps, request, stateOf } = setup('delete', [SHOP]);
    await w.sim.requests.create(request);
    await completeRequest(deps, request.id, { outcome: 'done' }, 'staff');
    const handler = confirmHandler({ ...w.deps, systems: [SHOP] });
    const stranger = await invoke(handler, systemEvent('arn:aws:iam::123456789012:role/someone-else', request.id, { outcome: 'erased' }));
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.code).toBe('not_a_system');
    const bad = await invoke(
      handler,
      systemEvent('arn:aws:sts::123456789012:assumed-role/shop-backend/s1', request.id, { outcome: 'erased', system: 'payments' }),
    );
    expect(bad.status).toBe(400);
    const ok = await invoke(handler, systemEvent('arn:aws:sts::123456789012:assumed-role/shop-backend/s1', request.id, { outcome: 'erased' }));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ requestId: request.id, status: 'done', fulfilment: { systems: [{ system: 'shop-backend', status: 'done' }] } });
    expect((await stateOf()).status).toBe('done');
  });

  it('shows staff per system done / waiting / failed on the request, without the held notice', async () => {
    const { w, deps, request } = setup();
    await w.sim.requests.create(request);
    await completeRequest(deps, request.id, { outcome: 'done' }, 'staff');
    await confirmFulfilment(w.deps, request.id, 'payments', { outcome: 'failed', reason: 'API down' });
    const detail = await invoke(
      requestDetail({
        requests: w.sim.requests,
        members: { get: async (id) => (id === member.memberId ? member : undefined) },
        audit: w.audit,
        clock: w.sim.clock,
        deadlines: DEFAULT_DEADLINES,
      }),
      staffEvent(apiEvent('get-policy', { pathParameters: { id: request.id } })),
    );
    expect(detail.body.fulfilment.systems).toEqual([
      { system: 'shop-backend', action: 'erased', status: 'waiting' },
      expect.objectContaining({ system: 'payments', status: 'failed', reason: 'API down' }),
    ]);
    expect(detail.text).not.toContain(member.email.split('@')[0]!.repeat(2));
    expect(detail.body.fulfilment).not.toHaveProperty('notice');
  });
});
