/**
 * Use cases of the DPO's registers: record and update processors and breaches (never delete; every
 * change appends history and an audit entry), tell the people affected by a breach, and run the
 * registers' deadline chains on the deadlines queue beside the requests' chains: one hop per job,
 * idempotent, restarted by the hourly sweep when quiet.
 */
import { randomUUID } from 'node:crypto';
import type { DataCategory } from '../processing';
import { decideChainHop, delayUntil } from './deadline-chain';
import { restartQuietChains, type HopOutcome } from './deadline-service';
import { ConflictError, InvalidInputError, NotFoundError, type Issue } from './errors';
import { agreementExpiryNotice, breachDeadlineNotice } from './notices';
import type { AlarmPublisher, AuditLog, ChainStore, Clock, Mailer, MemberStore, RegisterJob, RegisterStore, Scheduler } from './ports';
import {
  agreementExpiresAt,
  hoursLeft,
  newBreachId,
  newProcessorId,
  nextRegisterMilestone,
  notifyByFor,
  registerChainClosed,
  registerNeedsChain,
  withRegisterEvent,
  type Agreement,
  type Breach,
  type EntryOf,
  type PdpcOutcome,
  type Processor,
  type RegisterEffect,
  type RegisterKind,
  type RiskLevel,
} from './registers';

export interface RegisterDeps {
  registers: RegisterStore;
  /** Chain state of the registers' deadline chains (beside the entries, in the registers table). */
  chains: ChainStore;
  scheduler: Scheduler;
  audit: AuditLog;
  mailer: Mailer;
  alarms: AlarmPublisher;
  members: Pick<MemberStore, 'get' | 'findByEmail'>;
  clock: Clock;
  /**
   * Sends a breach's notice to one affected member (breach-notices.ts `tellSubject`). Passed only where
   * a `notice` can be owed and sent; elsewhere such an effect stays owed for a function that has it.
   */
  tellSubject?: (deps: RegisterDeps, breach: Breach, memberId: string) => Promise<(entry: Breach) => Partial<Breach>>;
  /**
   * Starts an entry's deadline chain (`startRegisterChain`). Passed only where the deadlines queue is
   * granted (recording entries, the deadline worker, the sweep); elsewhere a chain effect stays owed.
   */
  startChain?: typeof startRegisterChain;
  settings: {
    /** Where the DPO's reminders go. */
    dpoAddress: string;
    shopName: string;
    requestAddress: string;
    maxDelaySeconds: number;
    staleChainMinutes: number;
  };
}

/** Who the registers' own steps (deadline hops, notices) are recorded as. */
export const REGISTER_ACTOR = 'system:deadlines';
/** How long a delivery holds an owed effect it is performing before another may take it over. */
const CLAIM_MS = 5 * 60_000;
/** A learned-at a little ahead of the server's clock is a clock skew, not a breach from the future. */
const CLOCK_SKEW_MS = 5 * 60_000;

const chainKey = (kind: RegisterKind, id: string) => `${kind}:${id}`;
const auditSubjectOf = (kind: RegisterKind) => (kind === 'breach' ? 'breaches' : 'processors');
const audit = (kind: RegisterKind, id: string, actor: string, action: string, details: Record<string, unknown> = {}): RegisterEffect => ({
  id: `audit:${action}:${randomUUID()}`,
  kind: 'audit',
  entry: { subject: auditSubjectOf(kind), actor, action, details: { id, ...details } },
});

// ---------------------------------------------------------------------------------------------
// Writing entries

/** Applies `change` to the stored entry, re-reading and re-applying when someone wrote in between. */
async function mutate<K extends RegisterKind>(
  deps: Pick<RegisterDeps, 'registers'>,
  kind: K,
  current: EntryOf<K>,
  change: (entry: EntryOf<K>) => EntryOf<K> | undefined,
): Promise<EntryOf<K>> {
  let entry = current;
  for (let attempt = 0; ; attempt++) {
    const next = change(entry);
    if (!next) return entry;
    try {
      await deps.registers.update(kind, next);
      return next;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 4) throw error;
      const fresh = await deps.registers.get(kind, entry.id);
      if (!fresh) throw new NotFoundError(kind === 'breach' ? 'Breach' : 'Processor');
      entry = fresh;
    }
  }
}

async function entryOrThrow<K extends RegisterKind>(deps: Pick<RegisterDeps, 'registers'>, kind: K, id: string): Promise<EntryOf<K>> {
  const entry = await deps.registers.get(kind, id);
  if (!entry) throw new NotFoundError(kind === 'breach' ? 'Breach' : 'Processor');
  return entry;
}

// ---------------------------------------------------------------------------------------------
// Owed effects

/** The entry owing `owed`; an entry that owes nothing has no `owed` at all. */
function withOwed<T extends { owed?: RegisterEffect[] }>(entry: T, owed: RegisterEffect[]): T {
  const { owed: _old, ...rest } = entry;
  return (owed.length ? { ...rest, owed } : rest) as T;
}

type Performed<K extends RegisterKind> = ((entry: EntryOf<K>) => Partial<EntryOf<K>>) | undefined;

async function perform<K extends RegisterKind>(deps: RegisterDeps, kind: K, entry: EntryOf<K>, effect: RegisterEffect): Promise<Performed<K>> {
  switch (effect.kind) {
    case 'mail':
      await deps.mailer.send(effect.mail);
      return undefined;
    case 'alarm':
      await deps.alarms.publish(effect.subject, effect.message);
      return undefined;
    case 'audit':
      await deps.audit.append(effect.entry);
      return undefined;
    case 'chain':
      if (!deps.startChain) throw new Error('chain effect owed where no deadlines queue is wired');
      await deps.startChain(deps, kind, entry);
      return undefined;
    case 'notice':
      if (!deps.tellSubject) throw new Error('notice effect owed where no breach notices are wired');
      return (await deps.tellSubject(deps, entry as Breach, effect.memberId)) as unknown as Performed<K>;
  }
}

/**
 * Settles what an entry owes, one effect at a time: claim (a conditional write), perform, remove.
 * A failure gives the claim back and leaves the effect owed; the caller decides whether to throw
 * (a queue delivery, so SQS retries) or to answer anyway (a person's request, the sweep finishes it).
 */
export async function settleRegisterOwed<K extends RegisterKind>(
  deps: RegisterDeps,
  kind: K,
  entry: EntryOf<K>,
): Promise<{ entry: EntryOf<K>; failures: { effect: string; error: unknown }[] }> {
  let current = entry;
  const failures: { effect: string; error: unknown }[] = [];
  const tried = new Set<string>();
  for (;;) {
    const now = deps.clock.now();
    const effect = current.owed?.find((e) => !tried.has(e.id) && (!e.claimedUntil || e.claimedUntil <= now.toISOString()));
    if (!effect) break;
    tried.add(effect.id);
    const until = new Date(now.getTime() + CLAIM_MS).toISOString();
    const claimed = { ...current, version: current.version + 1, owed: current.owed!.map((e) => (e.id === effect.id ? { ...e, claimedUntil: until } : e)) };
    try {
      await deps.registers.update(kind, claimed);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // Someone else wrote (perhaps claimed it): look again at what is still owed.
      tried.delete(effect.id);
      const fresh = await deps.registers.get(kind, current.id);
      if (!fresh) break;
      current = fresh;
      if (fresh.owed?.some((e) => e.id === effect.id && e.claimedUntil && e.claimedUntil > now.toISOString())) tried.add(effect.id);
      continue;
    }
    current = claimed;
    try {
      const extra = await perform(deps, kind, current, effect);
      current = await mutate(deps, kind, current, (e) =>
        e.owed?.some((o) => o.id === effect.id)
          ? withOwed(
              { ...e, ...(extra ? extra(e) : {}), version: e.version + 1 },
              e.owed.filter((o) => o.id !== effect.id),
            )
          : undefined,
      );
    } catch (error) {
      failures.push({ effect: effect.id, error });
      current = await mutate(deps, kind, current, (e) => ({
        ...e,
        version: e.version + 1,
        owed: (e.owed ?? []).map((o) => (o.id === effect.id && o.claimedUntil === until ? { ...o, claimedUntil: undefined } : o)),
      }));
    }
  }
  return { entry: current, failures };
}

async function settleOrThrow<K extends RegisterKind>(deps: RegisterDeps, kind: K, entry: EntryOf<K>) {
  const { entry: settled, failures } = await settleRegisterOwed(deps, kind, entry);
  if (failures.length) throw failures[0]!.error;
  return settled;
}

// ---------------------------------------------------------------------------------------------
// Deadline chains

export async function startRegisterChain(
  deps: Pick<RegisterDeps, 'chains' | 'scheduler' | 'clock' | 'settings'>,
  kind: RegisterKind,
  entry: Breach | Processor,
) {
  const now = deps.clock.now();
  const next = nextRegisterMilestone(kind, entry, now);
  if (!next) return false;
  const chainId = randomUUID();
  await deps.chains.start(chainKey(kind, entry.id), chainId, now);
  await deps.scheduler.schedule(
    { v: 1, register: kind, entryId: entry.id, chainId, hop: 0, milestone: next.name, at: next.at.toISOString() },
    delayUntil(next.at, now, deps.settings.maxDelaySeconds),
  );
  return true;
}

/** The milestone recorded on the entry with what it owes, in one conditional write. */
function milestoneEffects(deps: RegisterDeps, kind: RegisterKind, entry: Breach | Processor, milestone: string, now: Date) {
  const effects: RegisterEffect[] = [];
  let change: Partial<Breach & Processor> = {};
  if (kind === 'breach') {
    const breach = entry as Breach;
    const notice = breachDeadlineNotice({
      breachId: breach.id,
      milestone,
      learnedAt: breach.learnedAt,
      notifyBy: breach.notifyBy,
      hoursLeft: hoursLeft(breach, now),
      approxAffected: breach.approxAffected,
      risk: breach.risk,
      shopName: deps.settings.shopName,
    });
    effects.push(
      { id: `mail:${milestone}`, kind: 'mail', mail: { to: deps.settings.dpoAddress, ...notice } },
      // Ids and counts only: the topic's subscribers may be a chat channel.
      { id: `alarm:${milestone}`, kind: 'alarm', subject: notice.subject, message: notice.text },
    );
    if (milestone.startsWith('overdue')) change = { overdue: true };
  } else {
    const processor = entry as Processor;
    const expiresOn = processor.agreement.expiresOn!;
    const daysLeft = Math.max(0, Math.round((agreementExpiresAt(expiresOn).getTime() - now.getTime()) / 86_400_000));
    const notice = agreementExpiryNotice({
      processorId: processor.id,
      processorName: processor.name,
      reference: processor.agreement.reference,
      expiresOn,
      daysLeft,
      shopName: deps.settings.shopName,
    });
    effects.push({ id: `mail:${milestone}`, kind: 'mail', mail: { to: deps.settings.dpoAddress, ...notice } });
  }
  effects.push(audit(kind, entry.id, REGISTER_ACTOR, `${kind}.deadline`, { milestone }));
  return { change, effects };
}

/** One delivery of a register job: wait (re-send), act when due (remind, escalate, flag overdue), or drop. */
export async function processRegisterJob(deps: RegisterDeps, job: RegisterJob): Promise<HopOutcome> {
  const now = deps.clock.now();
  const kind = job.register;
  const key = chainKey(kind, job.entryId);
  const [entry, chain] = await Promise.all([deps.registers.get(kind, job.entryId), deps.chains.get(key)]);
  const decision = decideChainHop(job, entry && { closed: registerChainClosed(kind, entry), needsChain: registerNeedsChain(kind, entry, now) }, chain, now);
  if (decision.kind === 'drop') {
    if (entry?.owed?.length) await settleOrThrow(deps, kind, entry);
    if (decision.reason === 'closed' || decision.reason === 'gone' || decision.reason === 'not_needed') await deps.chains.retire(key, job.chainId);
    return decision.reason;
  }
  let current: Breach | Processor = entry!;
  if (decision.kind === 'act' && nextRegisterMilestone(kind, current, now)?.name === job.milestone && !current.milestones.includes(job.milestone)) {
    const { change, effects } = milestoneEffects(deps, kind, current, job.milestone, now);
    current = await mutate(deps, kind, current as EntryOf<typeof kind>, (e) =>
      e.milestones.includes(job.milestone)
        ? undefined
        : withRegisterEvent(
            e,
            { ...change, milestones: [...e.milestones, job.milestone] } as Partial<typeof e>,
            { at: now.toISOString(), by: REGISTER_ACTOR, event: `deadline:${job.milestone}` },
            effects,
          ),
    );
  }
  if (current.owed?.length) current = await settleOrThrow(deps, kind, current as EntryOf<typeof kind>);
  if (!(await deps.chains.advance(key, job.chainId, job.hop, now))) return 'stale';
  const next = decision.kind === 'wait' ? { name: job.milestone, at: new Date(job.at) } : nextRegisterMilestone(kind, current, now);
  if (!next) {
    await deps.chains.retire(key, job.chainId);
    return 'closed';
  }
  await deps.scheduler.schedule(
    { v: 1, register: kind, entryId: job.entryId, chainId: job.chainId, hop: job.hop + 1, milestone: next.name, at: next.at.toISOString() },
    delayUntil(next.at, now, deps.settings.maxDelaySeconds),
  );
  return decision.kind === 'wait' ? 'waited' : 'acted';
}

/**
 * Hourly: restarts any register chain that went quiet (read from the sparse byQuietChain index of
 * the registers table) and finishes what entries still owe. The registers are small, so reading
 * them whole costs a few read units.
 */
export async function sweepRegisters(deps: RegisterDeps): Promise<{ checked: number; restarted: number; settled: number }> {
  const now = deps.clock.now();
  const staleBefore = new Date(now.getTime() - deps.settings.staleChainMinutes * 60_000);
  const { checked, restarted } = await restartQuietChains(deps.chains, staleBefore, async (chain) => {
    const [kind, id] = chain.requestId.split(':') as [RegisterKind, string];
    const entry = kind === 'breach' || kind === 'processor' ? await deps.registers.get(kind, id) : undefined;
    return entry !== undefined && registerNeedsChain(kind, entry, now) && (await startRegisterChain(deps, kind, entry));
  });
  let settled = 0;
  for (const kind of ['breach', 'processor'] as const) {
    for (const entry of await deps.registers.list(kind)) {
      if (!entry.owed?.length) continue;
      const { failures } = await settleRegisterOwed(deps, kind, entry);
      if (!failures.length) settled++;
    }
  }
  return { checked, restarted, settled };
}

// ---------------------------------------------------------------------------------------------
// Breaches

export interface BreachInput {
  learnedAt: string;
  summary: string;
  categories: DataCategory[];
  approxAffected: number;
  risk: RiskLevel;
  riskAssessment: string;
}

/** The fields of `next` whose value differs from the entry's, with their new values: what a history event records as changed. */
function changedFields<T extends object>(entry: T, next: Partial<T>): Partial<T> {
  return Object.fromEntries(
    (Object.keys(next) as (keyof T)[]).filter((k) => JSON.stringify(entry[k]) !== JSON.stringify(next[k])).map((k) => [k, next[k]]),
  ) as Partial<T>;
}

/** Records a suspected breach and starts its 72-hour chain (an owed effect, so it cannot be lost). */
export async function recordBreach(deps: RegisterDeps, input: BreachInput, actor: string): Promise<Breach> {
  const now = deps.clock.now();
  if (Date.parse(input.learnedAt) > now.getTime() + CLOCK_SKEW_MS) {
    throw new InvalidInputError('learned_in_future', 'When the shop learned of the breach cannot be in the future', [
      { path: 'body.learnedAt', message: 'is in the future' },
    ]);
  }
  const id = newBreachId();
  const learnedAt = new Date(input.learnedAt).toISOString();
  const breach: Breach = {
    id,
    version: 1,
    ...input,
    learnedAt,
    notifyBy: notifyByFor(learnedAt),
    recordedAt: now.toISOString(),
    recordedBy: actor,
    overdue: false,
    milestones: [],
    noticesSent: [],
    history: [{ at: now.toISOString(), by: actor, event: 'recorded' }],
    owed: [
      audit('breach', id, actor, 'breach.recorded', { categories: input.categories, approxAffected: input.approxAffected, risk: input.risk }),
      { id: 'chain:start', kind: 'chain' },
    ],
  };
  await deps.registers.create('breach', breach);
  return (await settleRegisterOwed(deps, 'breach', breach)).entry;
}

/**
 * The DPO's corrected assessment of a breach (what happened, the data, how many, the risk): the
 * fields are replaced and the history and the audit trail keep what changed. Nothing changed records
 * nothing. The 72-hour clock is not moved: it runs from when the shop learned of the breach.
 */
export async function reassessBreach(deps: RegisterDeps, id: string, input: Omit<BreachInput, 'learnedAt'>, actor: string): Promise<Breach> {
  const now = deps.clock.now().toISOString();
  const current = await entryOrThrow(deps, 'breach', id);
  const updated = await mutate(deps, 'breach', current, (e) => {
    const changes = changedFields(e, input);
    if (!Object.keys(changes).length) return undefined;
    return withRegisterEvent(e, { ...input }, { at: now, by: actor, event: 'reassessed', changes }, [
      audit('breach', id, actor, 'breach.reassessed', { fields: Object.keys(changes) }),
    ]);
  });
  return (await settleRegisterOwed(deps, 'breach', updated)).entry;
}

/** Records the notification to the PDPC (date, reference), or why none is required; closes the chain. */
export async function recordPdpcOutcome(deps: RegisterDeps, id: string, input: PdpcOutcome, actor: string): Promise<Breach> {
  const now = deps.clock.now();
  const current = await entryOrThrow(deps, 'breach', id);
  const pdpc = { ...input, recordedAt: now.toISOString() };
  const updated = await mutate(deps, 'breach', current, (e) =>
    withRegisterEvent(e, { pdpc }, { at: now.toISOString(), by: actor, event: 'pdpc_recorded', changes: { ...input } }, [
      audit(
        'breach',
        id,
        actor,
        'breach.pdpc_recorded',
        'notifiedAt' in input ? { notifiedAt: input.notifiedAt, reference: input.reference } : { notRequired: true },
      ),
    ]),
  );
  return (await settleRegisterOwed(deps, 'breach', updated)).entry;
}

/** Reads affected members by id or address, from the members table the access export starts from. */
async function resolveMembers(deps: Pick<RegisterDeps, 'members'>, affected: string[]): Promise<string[]> {
  const issues: Issue[] = [];
  const ids: string[] = [];
  for (const [i, who] of affected.entries()) {
    const member = who.includes('@') ? await deps.members.findByEmail(who.trim().toLowerCase()) : await deps.members.get(who);
    if (member) ids.push(member.memberId);
    else issues.push({ path: `body.affected.${i}`, message: 'no member has this id or address' });
  }
  if (issues.length) throw new InvalidInputError('unknown_members', 'Some of the affected people are not members', issues);
  return [...new Set(ids)];
}

/**
 * The decision whether to tell the people affected, and why. Telling them owes each member one
 * notice in their language through the mail path; a member already told is not told twice.
 */
export async function decideSubjectNotice(
  deps: RegisterDeps,
  id: string,
  input: { tell: boolean; reason: string; affected?: string[] },
  actor: string,
): Promise<{ breach: Breach; pending: number }> {
  const now = deps.clock.now();
  if (input.tell && !input.affected?.length) {
    throw new InvalidInputError('affected_required', 'Name the affected members (ids or addresses) to tell them', [
      { path: 'body.affected', message: 'required when tell is true' },
    ]);
  }
  const current = await entryOrThrow(deps, 'breach', id);
  const memberIds = input.tell ? await resolveMembers(deps, input.affected!) : [];
  const updated = await mutate(deps, 'breach', current, (e) => {
    const owedIds = new Set((e.owed ?? []).map((o) => o.id));
    const notices: RegisterEffect[] = memberIds
      .filter((m) => !e.noticesSent.includes(m) && !owedIds.has(`notice:${m}`))
      .map((memberId) => ({ id: `notice:${memberId}`, kind: 'notice', memberId }));
    const subjects = {
      tell: input.tell,
      reason: input.reason,
      decidedAt: now.toISOString(),
      memberIds: [...new Set([...(e.subjects?.memberIds ?? []), ...memberIds])],
    };
    return withRegisterEvent(
      e,
      { subjects },
      { at: now.toISOString(), by: actor, event: 'subjects_decision', note: input.reason, changes: { tell: input.tell, members: memberIds.length } },
      [audit('breach', id, actor, 'breach.subjects_decision', { tell: input.tell, members: memberIds.length }), ...notices],
    );
  });
  const { entry } = await settleRegisterOwed(deps, 'breach', updated);
  return { breach: entry, pending: (entry.owed ?? []).filter((o) => o.kind === 'notice').length };
}

// ---------------------------------------------------------------------------------------------
// Processors

export interface ProcessorInput {
  name: string;
  service: string;
  categories: DataCategory[];
  country: string;
  agreement: Agreement;
  receivesEvents?: string[];
  endedOn?: string;
}

function checkAgreement(agreement: Agreement) {
  if (agreement.expiresOn && agreement.expiresOn < agreement.signedOn) {
    throw new InvalidInputError('agreement_dates', 'An agreement cannot expire before it was signed', [
      { path: 'body.agreement.expiresOn', message: 'is before signedOn' },
    ]);
  }
}

export async function createProcessor(deps: RegisterDeps, input: ProcessorInput, actor: string): Promise<Processor> {
  checkAgreement(input.agreement);
  const now = deps.clock.now().toISOString();
  const id = newProcessorId();
  const processor: Processor = {
    id,
    version: 1,
    ...input,
    receivesEvents: input.receivesEvents ?? [],
    recordedAt: now,
    recordedBy: actor,
    milestones: [],
    history: [{ at: now, by: actor, event: 'recorded' }],
    owed: [audit('processor', id, actor, 'processor.recorded', { name: input.name }), { id: 'chain:start', kind: 'chain' }],
  };
  await deps.registers.create('processor', processor);
  return (await settleRegisterOwed(deps, 'processor', processor)).entry;
}

/** Replaces a processor's fields, keeping what changed in its history; a new expiry date restarts its reminders. */
export async function updateProcessor(deps: RegisterDeps, id: string, input: ProcessorInput, actor: string): Promise<Processor> {
  checkAgreement(input.agreement);
  const now = deps.clock.now().toISOString();
  const current = await entryOrThrow(deps, 'processor', id);
  const updated = await mutate(deps, 'processor', current, (e) => {
    const next = { ...input, receivesEvents: input.receivesEvents ?? [], endedOn: input.endedOn };
    const changes = changedFields(e, next);
    if (!Object.keys(changes).length) return undefined;
    const expiryChanged = e.agreement.expiresOn !== next.agreement.expiresOn || e.endedOn !== next.endedOn;
    return withRegisterEvent(e, { ...next, ...(expiryChanged ? { milestones: [] } : {}) }, { at: now, by: actor, event: 'updated', changes }, [
      audit('processor', id, actor, 'processor.updated', { fields: Object.keys(changes) }),
      ...(expiryChanged ? [{ id: `chain:${e.version + 1}`, kind: 'chain' as const }] : []),
    ]);
  });
  return (await settleRegisterOwed(deps, 'processor', updated)).entry;
}
