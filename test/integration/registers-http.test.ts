/**
 * The DPO's registers against the emulator: a breach's 72-hour chain hopping through the real
 * deadlines queue while the test moves the clock (reminders mailed and published to the alarm topic,
 * then the overdue flag), notices to two members found in the outbox, the processor register and the
 * s39 record as CSV and as a page.
 */
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stageFromCdkJson } from '../../infra/stage-config';
import { startLocalServer } from '../../scripts/lib/local-server';
import { sentMail } from '../../scripts/lib/outbox';
import { registerDeps } from '../../shared/adapters/wiring/registers';
import { tellSubject } from '../../shared/domain/breach-notices';
import type { RegisterJob } from '../../shared/domain/ports';
import { processRegisterJob, startRegisterChain } from '../../shared/domain/register-service';
import { ALARM_TOPIC, QUEUES } from '../../shared/resources';
import { httpClient } from '../helpers/http';
import { asStaff, staffHeaders, staffUsername } from '../helpers/staff-auth';

let server: Awaited<ReturnType<typeof startLocalServer>>;
const settings = stageFromCdkJson('local');
const endpoint = inject('motoEndpoint');
const sqs = new SQSClient({});
const call = httpClient(() => server.url);
/** The DPO, signed in: the registers are theirs alone. */
const dpo = asStaff(call, 'dpo');
/** A queue subscribed to the alarm topic: what the alarm topic's subscribers would receive. */
let alarmInbox: string;

beforeAll(async () => {
  server = await startLocalServer({ settings, port: 0 });
  const sns = new SNSClient({});
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: process.env[ALARM_TOPIC.envVar]!.split(':').at(-1)! }));
  expect(TopicArn).toBe(process.env[ALARM_TOPIC.envVar]);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `alarm-inbox-${randomUUID().slice(0, 8)}` }));
  alarmInbox = QueueUrl!;
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn }));
});
afterAll(() => server.close());

const breachBody = (learnedAt: string) => ({
  learnedAt,
  summary: 'Export file of a newsletter tool left public',
  categories: ['contact', 'marketing_preferences'],
  approxAffected: 250,
  risk: 'high',
  riskAssessment: 'Addresses exposed; phishing likely',
});

describe('breach register over HTTP', () => {
  it('records a breach; as the clock moves, reminders reach the DPO and the alarm topic, then the breach is overdue', async ({ signal }) => {
    const created = await dpo('POST', '/v1/admin/breaches', breachBody(new Date(Date.now() - 60_000).toISOString()));
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    expect(Date.parse(created.body.notifyBy) - Date.parse(created.body.learnedAt)).toBe(72 * 3_600_000);

    // A clock the test moves and one-second hops: the 72-hour chain passes in a few real seconds.
    // Restarting the chain here replaces the one the route started (its jobs are then dropped).
    let now = new Date();
    const deps = { ...registerDeps({ tellSubject, startChain: startRegisterChain }), clock: { now: () => now } };
    deps.settings = { ...deps.settings, maxDelaySeconds: 1 };
    expect(await startRegisterChain(deps, 'breach', (await deps.registers.get('breach', id))!)).toBe(true);
    const url = process.env[QUEUES.deadlines.envVar]!;
    const outcomes: string[] = [];
    // Bounded by the jobs handled, not by time: each long poll returns when the next hop is visible.
    while (!outcomes.includes('closed') && outcomes.length < 40) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 }), {
        abortSignal: signal,
      });
      for (const m of Messages) {
        const job = JSON.parse(m.Body!) as RegisterJob;
        if (job.entryId !== id) continue;
        now = new Date(Math.max(now.getTime(), Date.parse(job.at))); // the clock jumps to the job's milestone
        outcomes.push(await processRegisterJob(deps, job));
      }
    }
    expect(outcomes.filter((o) => o === 'acted')).toHaveLength(3);
    expect(outcomes.at(-1)).toBe('closed');

    const breach = await dpo('GET', `/v1/admin/breaches/${id}`);
    expect(breach.body).toMatchObject({ overdue: true, milestones: ['remind-24h', 'remind-48h', 'escalate-60h', 'overdue-72h'] });
    expect(breach.body.owed).toBeUndefined();
    const toDpo = (await sentMail(endpoint)).filter((m) => m.to.includes(settings.escalationAddress) && m.subject.includes(id));
    expect(toDpo.map((m) => m.subject.split(':')[0])).toEqual(['Reminder', 'Reminder', 'Escalation', 'Overdue']);

    const alarms: string[] = [];
    while (alarms.length < 4) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: alarmInbox, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 }), {
        abortSignal: signal,
      });
      alarms.push(...Messages.map((m) => String((JSON.parse(m.Body!) as { Subject?: string }).Subject)).filter((s) => s.includes(id)));
    }
    expect(alarms.map((s) => s.split(':')[0])).toEqual(['Reminder', 'Reminder', 'Escalation', 'Overdue']);

    const listed = await dpo('GET', '/v1/admin/breaches');
    expect(listed.body.items.find((b: { id: string }) => b.id === id)).toMatchObject({ overdue: true });
    const recorded = await dpo('POST', `/v1/admin/breaches/${id}/pdpc-notification`, { notifiedAt: now.toISOString(), reference: 'PDPC-2569-0007' });
    expect(recorded.body).toMatchObject({ pdpc: { reference: 'PDPC-2569-0007' }, overdue: true });
    expect(recorded.body.history.at(-1)).toMatchObject({ event: 'pdpc_recorded', by: expect.stringContaining(staffUsername('dpo')) });
  }, 120_000);

  it('notifies two members, each in their language, and the notices are in the outbox', async () => {
    const suffix = randomUUID().slice(0, 8);
    const th = { id: `m-th-${suffix}`, email: `somchai-${suffix}@example.com` };
    const en = { id: `m-en-${suffix}`, email: `jane-${suffix}@example.com` };
    expect((await call('PUT', `/v1/members/${th.id}`, { email: th.email, locale: 'th', marketingOptIn: false })).status).toBe(201);
    expect((await call('PUT', `/v1/members/${en.id}`, { email: en.email, locale: 'en', marketingOptIn: true })).status).toBe(201);
    const { id } = (await dpo('POST', '/v1/admin/breaches', breachBody(new Date().toISOString()))).body;

    const decided = await dpo('POST', `/v1/admin/breaches/${id}/subject-notice`, { tell: true, reason: 'high risk: phishing', affected: [th.id, en.email] });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ pendingNotices: 0, subjects: { tell: true, reason: 'high risk: phishing' } });
    expect([...decided.body.noticesSent].sort()).toEqual([en.id, th.id].sort());

    const outbox = await sentMail(endpoint);
    const thai = outbox.filter((m) => m.to.includes(th.email));
    const english = outbox.filter((m) => m.to.includes(en.email));
    expect(thai).toHaveLength(1);
    expect(english).toHaveLength(1);
    expect(thai[0]!.subject).toContain('แจ้งเหตุละเมิดข้อมูลส่วนบุคคล');
    expect(english[0]!.subject).toContain('A personal-data breach concerning your data');
    const audit = await dpo('GET', `/v1/admin/audit/${th.id}`);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toContain('breach.notice_sent');

    const unknown = await dpo('POST', `/v1/admin/breaches/${id}/subject-notice`, { tell: true, reason: 'r', affected: ['nobody@example.com'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('unknown_members');
  });

  it('answers bad input with a 4xx and has no way to delete', async () => {
    expect((await dpo('POST', '/v1/admin/breaches', { ...breachBody('yesterday') })).status).toBe(400);
    expect((await dpo('POST', '/v1/admin/breaches', breachBody(new Date(Date.now() + 86_400_000).toISOString()))).body.error.code).toBe('learned_in_future');
    expect((await dpo('GET', '/v1/admin/breaches/B-ABCDEFGH23')).status).toBe(404);
    expect((await dpo('GET', '/v1/admin/breaches/not-an-id')).status).toBe(400);
    expect((await dpo('POST', '/v1/admin/breaches/B-ABCDEFGH23/pdpc-notification', { reference: 'x' })).status).toBe(400);
    expect((await dpo('DELETE', '/v1/admin/breaches/B-ABCDEFGH23')).status).toBeGreaterThanOrEqual(404);
  });

  it('corrects a breach\u2019s assessment over HTTP, keeping the deadline and what changed; refuses bad input and other staff', async () => {
    const { id, notifyBy } = (await dpo('POST', '/v1/admin/breaches', breachBody(new Date().toISOString()))).body;
    const { learnedAt: _learned, ...assessment } = breachBody(new Date().toISOString());
    const corrected = await dpo('PUT', `/v1/admin/breaches/${id}/assessment`, { ...assessment, approxAffected: 900 });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ approxAffected: 900, notifyBy });
    expect(corrected.body.history.at(-1)).toMatchObject({ event: 'reassessed', changes: { approxAffected: 900 } });
    expect((await dpo('PUT', `/v1/admin/breaches/${id}/assessment`, { ...assessment, learnedAt: new Date().toISOString() })).status).toBe(400);
    expect((await dpo('PUT', '/v1/admin/breaches/B-ABCDEFGH23/assessment', assessment)).status).toBe(404);
    expect((await asStaff(call, 'staff')('PUT', `/v1/admin/breaches/${id}/assessment`, assessment)).status).toBe(403);
  });
});

describe('who may see the registers', () => {
  it('answers staff who are not the DPO with 403 and strangers with 401, for breaches and the s39 record alike', async () => {
    const staff = asStaff(call, 'staff');
    for (const path of ['/v1/admin/breaches', '/v1/admin/processors', '/v1/admin/processing-record?format=csv']) {
      const asStaffMember = await staff('GET', path);
      expect([path, asStaffMember.status, asStaffMember.body.error.code]).toEqual([path, 403, 'forbidden']);
      expect((await call('GET', path)).status).toBe(401);
    }
    expect((await staff('POST', '/v1/admin/breaches', breachBody(new Date().toISOString()))).status).toBe(403);
  });
});

describe('processor register and the s39 record over HTTP', () => {
  it('keeps processors with their history, and the record names them, as CSV with a BOM and as a printable page', async () => {
    const name = `Parcel Express ${randomUUID().slice(0, 6)}`;
    const body = {
      name,
      service: 'Courier: delivers orders',
      categories: ['contact', 'delivery_address'],
      country: 'TH',
      agreement: { signedOn: '2026-01-01', reference: 'NDA-2026-007', expiresOn: '2027-06-30' },
      receivesEvents: ['order-shipped'],
    };
    const created = await dpo('POST', '/v1/admin/processors', body);
    expect(created.status).toBe(201);
    const changed = await dpo('PUT', `/v1/admin/processors/${created.body.id}`, { ...body, country: 'SG' });
    expect(changed.body).toMatchObject({ country: 'SG', version: expect.any(Number) });
    expect(changed.body.history.at(-1)).toMatchObject({ event: 'updated', changes: { country: 'SG' } });
    expect((await dpo('POST', '/v1/admin/processors', { ...body, country: 'Thailand' })).status).toBe(400);
    expect((await dpo('GET', '/v1/admin/processors')).body.items.map((p: { id: string }) => p.id)).toContain(created.body.id);

    const res = await fetch(`${server.url}/v1/admin/processing-record?format=csv&lang=th`, { headers: await staffHeaders('dpo') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="processing-record-\d{4}-\d{2}-\d{2}-th\.csv"$/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.toString('utf8');
    expect(csv).toContain('กิจกรรมการประมวลผล');
    expect(csv).toContain(`${name} (Courier: delivers orders; SG; NDA-2026-007`);

    const page = await dpo('GET', '/v1/admin/processing-record?format=html&lang=en');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('Record of processing activities (PDPA s39)');
    const json = await dpo('GET', '/v1/admin/processing-record');
    expect(json.body).toMatchObject({ lang: 'th', items: expect.any(Array) });
    expect((await dpo('GET', '/v1/admin/processing-record?format=pdf')).status).toBe(400);
  });
});
