/**
 * Simulated time for deadline chains: in-memory stores with the same contracts as the DynamoDB
 * adapters, a scheduler that holds messages until their delay has passed on a fake clock, and a
 * mailer that records what was sent. A chain of 7 or 30 days runs in milliseconds.
 */
import type { SubscriptionDeps } from '../../shared/domain/subscriptions';
import type { DeadlineDeps } from '../../shared/domain/deadline-service';
import { DEFAULT_DEADLINES } from '../../shared/domain/deadlines';
import { ConflictError } from '../../shared/domain/errors';
import type { OutEvent } from '../../shared/domain/events-out';
import type {
  AuditEntry,
  AuditInput,
  ChainState,
  ChainStore,
  DeadlineJob,
  OutgoingMail,
  Page,
  QueueFilter,
  RegisterJob,
  RequestStore,
  Subscription,
  SubscriptionStore,
  UnsubscribeVia,
} from '../../shared/domain/ports';
import { isClosed, type DataRequest, type RequestStatus } from '../../shared/domain/requests';
import type { Locale } from '../../shared/domain/members';
import { FixedClock } from './memory-stores';

export class MemoryRequestStore implements RequestStore {
  readonly items = new Map<string, DataRequest>();
  /** Open-request slots: (address, type) -> the request holding it. */
  readonly slots = new Map<string, string>();
  async create(r: DataRequest) {
    if (this.items.has(r.id)) return 'duplicate' as const;
    this.items.set(r.id, structuredClone(r));
    return 'created' as const;
  }
  async createOpen(r: DataRequest, slot: string, replacing?: string) {
    const holder = this.slots.get(slot);
    if (holder !== undefined && holder !== replacing) return { created: false as const, holder };
    if (this.items.has(r.id)) throw new Error(`request ${r.id} exists`);
    this.slots.set(slot, r.id);
    this.items.set(r.id, structuredClone(r));
    return { created: true as const };
  }
  async get(id: string) {
    const r = this.items.get(id);
    return r ? structuredClone(r) : undefined;
  }
  async update(r: DataRequest) {
    const stored = this.items.get(r.id);
    if (!stored || stored.version !== r.version - 1) throw new ConflictError('request_changed', 'changed');
    this.items.set(r.id, structuredClone(r));
  }
  async byStatus(status: RequestStatus, limit: number, _cursor?: string, dueBefore?: Date, filter: QueueFilter = {}): Promise<Page<DataRequest>> {
    return {
      items: [...this.items.values()]
        .filter((r) => r.status === status && (!dueBefore || r.dueAt < dueBefore.toISOString()))
        .filter((r) => (!filter.type || r.type === filter.type) && (!filter.channel || r.channel === filter.channel))
        .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
        .slice(0, limit)
        .map((r) => structuredClone(r)),
    };
  }
  async countByStatus(status: RequestStatus, dueBefore?: Date) {
    return [...this.items.values()].filter((r) => r.status === status && (!dueBefore || r.dueAt < dueBefore.toISOString())).length;
  }
  async byEmail(email: string) {
    return [...this.items.values()].filter((r) => r.email === email).map((r) => structuredClone(r));
  }
  async openByEmail(email: string) {
    return [...this.items.values()].filter((r) => r.email === email && !isClosed(r)).map((r) => structuredClone(r));
  }
  async owingSince(before: Date, limit: number): Promise<Page<DataRequest>> {
    const oldest = (r: DataRequest) => r.owed!.map((o) => o.since).sort()[0]!;
    return {
      items: [...this.items.values()]
        .filter((r) => r.owed?.length && oldest(r) < before.toISOString())
        .sort((a, b) => oldest(a).localeCompare(oldest(b)))
        .slice(0, limit)
        .map((r) => structuredClone(r)),
    };
  }
  readonly sentMail = new Map<string, string>();
  async rememberSentMail(messageId: string, requestId: string) {
    this.sentMail.set(messageId, requestId);
  }
  async requestOfSentMail(messageId: string) {
    return this.sentMail.get(messageId);
  }
  async takeQuota() {
    return true;
  }
}

export class MemoryChainStore implements ChainStore {
  readonly chains = new Map<string, ChainState>();
  /** Chains in the sweep's index (the sparse byQuietChain). */
  readonly live = new Set<string>();
  async quietSince(before: Date, limit: number) {
    return {
      items: [...this.chains.entries()]
        .filter(([id, c]) => this.live.has(id) && c.seenAt < before.toISOString())
        .sort((a, b) => a[1].seenAt.localeCompare(b[1].seenAt))
        .slice(0, limit)
        .map(([requestId, c]) => ({ requestId, ...c })),
    };
  }
  async retire(id: string, chainId: string) {
    if (this.chains.get(id)?.chainId === chainId) this.live.delete(id);
  }
  async get(id: string) {
    const c = this.chains.get(id);
    return c ? { ...c } : undefined;
  }
  async start(id: string, chainId: string, now: Date) {
    this.chains.set(id, { chainId, hop: 0, seenAt: now.toISOString() });
    this.live.add(id);
  }
  async advance(id: string, chainId: string, hop: number, now: Date) {
    const c = this.chains.get(id);
    if (!c || c.chainId !== chainId || c.hop !== hop) return false;
    this.chains.set(id, { chainId, hop: hop + 1, seenAt: now.toISOString() });
    return true;
  }
}

export class MemorySubscriptionStore implements SubscriptionStore {
  readonly items = new Map<string, Subscription>();
  async get(key: string) {
    return this.items.get(key);
  }
  async getMany(keys: string[]) {
    return keys.map((k) => this.items.get(k)).filter((s): s is Subscription => Boolean(s));
  }
  async register(key: string, email: string, now: Date) {
    if (!this.items.has(key)) this.items.set(key, { key, email, subscribed: true, linkIssuedAt: now.toISOString() });
  }
  async suppress(key: string, email: string, via: UnsubscribeVia, now: Date) {
    const s = this.items.get(key);
    if (s && !s.subscribed) return false;
    this.items.set(key, {
      ...(s ?? { key, email }),
      key,
      email: s?.email ?? email,
      subscribed: false,
      unsubscribedAt: s?.unsubscribedAt ?? now.toISOString(),
      via: s?.via ?? via,
    });
    return true;
  }
  async markConfirmed(key: string, now: Date) {
    const s = this.items.get(key);
    if (!s || s.confirmedAt || (s.noticeClaimedUntil && s.noticeClaimedUntil > now.toISOString())) return false;
    s.confirmedAt = now.toISOString();
    delete s.noticeOwedSince;
    delete s.noticeLocale;
    return true;
  }
  async claimNotice(key: string, now: Date, until: Date, locale: Locale) {
    const s = this.items.get(key);
    if (!s || s.confirmedAt || (s.noticeClaimedUntil && s.noticeClaimedUntil > now.toISOString())) return false;
    s.noticeClaimedUntil = until.toISOString();
    s.noticeOwedSince ??= now.toISOString();
    s.noticeLocale ??= locale;
    return true;
  }
  async owedNotices(before: Date, limit: number) {
    return [...this.items.values()]
      .filter((s) => s.noticeOwedSince !== undefined && s.noticeOwedSince < before.toISOString())
      .sort((a, b) => a.noticeOwedSince!.localeCompare(b.noticeOwedSince!))
      .slice(0, limit)
      .map((s) => structuredClone(s));
  }
  async noticeSent(key: string, now: Date) {
    const s = this.items.get(key);
    if (!s) return;
    s.confirmedAt ??= now.toISOString();
    delete s.noticeClaimedUntil;
    delete s.noticeOwedSince;
    delete s.noticeLocale;
  }
  async releaseNotice(key: string, until: Date) {
    const s = this.items.get(key);
    if (s?.noticeClaimedUntil === until.toISOString()) delete s.noticeClaimedUntil;
  }
  async resubscribe(key: string, email: string, now: Date) {
    const {
      unsubscribedAt: _u,
      via: _v,
      confirmedAt: _c,
      noticeClaimedUntil: _n,
      noticeOwedSince: _o,
      noticeLocale: _l,
      ...kept
    } = this.items.get(key) ?? { key, email };
    this.items.set(key, { ...kept, key, email: kept.email ?? email, subscribed: true, resubscribedAt: now.toISOString() });
  }
}

/** Holds jobs until the fake clock passes their delay, like SQS's DelaySeconds. */
export class SimScheduler<J extends DeadlineJob | RegisterJob = DeadlineJob> {
  queue: { job: J; visibleAt: number }[] = [];
  sent = 0;
  constructor(private readonly clock: FixedClock) {}
  async schedule(job: DeadlineJob | RegisterJob, delaySeconds: number) {
    if (delaySeconds > 900) throw new Error('SQS refuses delays over 900 s');
    this.sent++;
    this.queue.push({ job: structuredClone(job) as J, visibleAt: this.clock.now().getTime() + delaySeconds * 1000 });
  }
  /** Takes the next visible message, moving the clock forward to it if needed. */
  next(): J | undefined {
    this.queue.sort((a, b) => a.visibleAt - b.visibleAt);
    const first = this.queue.shift();
    if (!first) return undefined;
    if (first.visibleAt > this.clock.now().getTime()) this.clock.current = new Date(first.visibleAt);
    return first.job;
  }
}

export class RecordingMailer {
  readonly sent: (OutgoingMail & { at: string })[] = [];
  constructor(private readonly clock: FixedClock) {}
  async send(mail: OutgoingMail) {
    this.sent.push({ ...mail, at: this.clock.now().toISOString() });
    return { messageId: `m-${this.sent.length}` };
  }
}

export class MemoryAudit {
  readonly entries: AuditEntry[] = [];
  async append(input: AuditInput) {
    const entry = { ...input, seq: this.entries.length + 1, at: new Date().toISOString(), prevHash: '', hash: '' };
    this.entries.push(entry);
    return entry;
  }
  async entries_(subject: string) {
    return this.entries.filter((e) => e.subject === subject);
  }
}

export function simulation(start = new Date('2026-11-25T03:00:00.000Z')) {
  const clock = new FixedClock(start);
  const requests = new MemoryRequestStore();
  const chains = new MemoryChainStore();
  const scheduler = new SimScheduler(clock);
  const mailer = new RecordingMailer(clock);
  const subscriptions = new MemorySubscriptionStore();
  const audit = new MemoryAudit();
  /** Events put on the bus of events out, in order. */
  const published: OutEvent[] = [];
  const events = { publish: async (batch: OutEvent[]) => void published.push(...structuredClone(batch)) };
  // The whole subscription deps (with a key), so tests of links and unsubscribes can use them too.
  const deps: DeadlineDeps & { subscriptions: SubscriptionDeps } = {
    requests,
    chains,
    scheduler,
    audit: { append: (i) => audit.append(i), entries: (s) => audit.entries_(s) },
    mailer,
    clock,
    subscriptions: {
      subscriptions,
      mailer,
      signingKey: async () => Buffer.from('k'.repeat(40)),
      clock,
      settings: { publicUrl: 'https://api.example.com', requestAddress: 'privacy@shop.example.com' },
    },
    events,
    settings: { deadlines: DEFAULT_DEADLINES, escalationAddress: 'dpo@shop.example.com', maxDelaySeconds: 900, staleChainMinutes: 45 },
  };
  return { clock, requests, chains, scheduler, mailer, subscriptions, audit, published, deps };
}
