/**
 * A request-intake world over the in-memory stores of deadline-sim: a member, an SES mail of theirs,
 * and a mailer, an audit log and a scheduler that each fail once on the first call a predicate picks.
 */
import { startChain } from '../../shared/domain/deadline-service';
import { DEFAULT_DEADLINES } from '../../shared/domain/deadlines';
import type { Member } from '../../shared/domain/members';
import type { AuditInput, DeadlineJob, OutgoingMail } from '../../shared/domain/ports';
import type { CompletionDeps } from '../../shared/domain/request-completion';
import type { InboundMail, RequestDeps } from '../../shared/domain/request-service';
import { newRequest } from '../../shared/domain/requests';
import type { RequestType } from '../../shared/domain/request-types';
import type { DataRequest } from '../../shared/domain/requests';
import type { OutEvent } from '../../shared/domain/events-out';
import { simulation } from './deadline-sim';

export const member: Member = {
  memberId: 'm-1',
  email: 'somchai@example.com',
  locale: 'th',
  marketingOptIn: true,
  status: 'active',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
export const pass = { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS', spam: 'PASS', virus: 'PASS' };
export const deletionMail = (verdicts = pass): InboundMail => ({
  sesMessageId: 'ses-msg-1',
  verdicts,
  parsed: { from: { address: member.email }, subject: 'ขอลบข้อมูล', text: 'กรุณาลบข้อมูลส่วนบุคคลของฉัน' },
});

export type Failing = {
  mailer: (m: OutgoingMail) => boolean;
  audit: (e: AuditInput) => boolean;
  scheduler: () => boolean;
  events: (e: OutEvent) => boolean;
};

/**
 * A world of in-memory stores whose mailer, audit log and scheduler each fail once, on the first
 * call the matching predicate picks (none by default).
 */
export function world(fail: Partial<Failing> = {}) {
  const sim = simulation();
  const armed = { mailer: Boolean(fail.mailer), audit: Boolean(fail.audit), scheduler: Boolean(fail.scheduler), events: Boolean(fail.events) };
  /** Every event accepted by the bus, in order (a repeat would show twice). */
  const published: OutEvent[] = [];
  const events = {
    async publish(batch: OutEvent[]) {
      if (armed.events && batch.some((e) => fail.events!(e))) {
        armed.events = false;
        throw Object.assign(new Error('EventBridge refused 1 of 1 events (ThrottlingException)'), { name: 'EventsNotPublished' });
      }
      published.push(...structuredClone(batch));
    },
  };
  const mailer = {
    async send(mail: OutgoingMail) {
      if (armed.mailer && fail.mailer!(mail)) {
        armed.mailer = false;
        throw Object.assign(new Error('SES throttled'), { name: 'TooManyRequestsException' });
      }
      return sim.mailer.send(mail);
    },
  };
  const audit = {
    async append(entry: AuditInput) {
      if (armed.audit && fail.audit!(entry)) {
        armed.audit = false;
        throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
      }
      return sim.deps.audit.append(entry);
    },
    entries: (subject: string) => sim.deps.audit.entries(subject),
  };
  const scheduler = {
    async schedule(job: DeadlineJob, delay: number) {
      if (armed.scheduler && fail.scheduler!()) {
        armed.scheduler = false;
        throw Object.assign(new Error('queue unavailable'), { name: 'ServiceUnavailable' });
      }
      return sim.scheduler.schedule(job, delay);
    },
  };
  const chainDeps = { ...sim.deps, scheduler };
  const deps: RequestDeps = {
    requests: sim.requests,
    members: { findByEmail: async (email) => (email === member.email ? member : undefined) },
    audit,
    mailer,
    signingKey: async () => Buffer.from('k'.repeat(40)),
    clock: sim.clock,
    settings: {
      deadlines: DEFAULT_DEADLINES,
      publicUrl: 'https://api.example.com',
      linkDays: 7,
      limits: { mailsPerAddressPerDay: 3, requestsPerSourcePerDay: 20 },
    },
    deadlines: (request: DataRequest) => startChain(chainDeps, request),
    subscriptions: sim.deps.subscriptions,
    events,
  };
  const mailTo = (to: string) => sim.mailer.sent.filter((m) => m.to === to);
  const entries = (action: string, requestId?: string) => sim.audit.entries.filter((e) => e.action === action && (!requestId || e.requestId === requestId));
  return { sim, deps, mailer, audit, scheduler, events, published, mailTo, entries };
}

/**
 * A world for carrying out a request: the world above, the member (kept as completion writes it),
 * the data a completion reads and erases (none unless `data` says), and an open request of `type`.
 */
export function completionWorld(
  options: { type?: RequestType; fail?: Partial<Failing>; id?: string; data?: Partial<CompletionDeps['data']>; deps?: Partial<CompletionDeps> } = {},
) {
  const w = world(options.fail);
  let stored: Member = { ...member };
  const deps: CompletionDeps = {
    ...w.deps,
    members: {
      get: async () => stored,
      put: async (m) => {
        stored = m;
      },
    },
    data: {
      visitorIds: async () => [],
      stopProfiling: async () => undefined,
      eraseVisits: async () => 0,
      eraseConsentHistory: async () => 0,
      consentHistory: async () => [],
      visits: async () => [],
      orders: async () => [],
      ...options.data,
    },
    disclosures: { forMember: async () => [] },
    suppressionList: { get: async () => undefined },
    exports: { put: async () => 'exports/x.json' },
    settings: { publicUrl: 'https://api.example.com', holdDays: 730, exportLinkDays: 7 },
    ...options.deps,
  };
  const request = newRequest(
    {
      id: options.id ?? 'R-EEEEEEEEEE',
      type: options.type ?? 'delete',
      channel: 'email',
      email: member.email,
      memberId: member.memberId,
      locale: 'en',
      status: 'open',
    },
    w.sim.clock.now(),
    DEFAULT_DEADLINES,
    'test',
  );
  const stateOf = async () => (await w.sim.requests.get(request.id))!;
  return { w, deps, request, member: () => stored, stateOf };
}
