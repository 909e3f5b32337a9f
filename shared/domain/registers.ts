/**
 * The DPO's registers, as plain data and rules: processors with their confidentiality agreements
 * (policy 5: contractors keep customer data confidential) and personal-data breaches with the PDPC's
 * 72-hour deadline (PDPA s37(4)). Entries are never deleted; every change appends to the entry's
 * history. Both registers run deadline chains on the same queue and chain machinery as requests
 * (deadline-chain.ts): a breach counts 72 hours from when the shop learned of it, an agreement
 * reminds the DPO before it expires.
 */
import { randomBytes } from 'node:crypto';
import type { DataCategory } from '../processing';
import type { AuditInput, OutgoingMail } from './ports';

export const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface RegisterEvent {
  at: string;
  by: string;
  event: string;
  note?: string;
  /** What changed, field by field (the earlier value is in the entry's earlier history). */
  changes?: Record<string, unknown>;
}

/**
 * What a change still owes the world, written with the change in one conditional write and settled
 * afterwards (claimed, performed, removed), as request effects are: a failure leaves it owed for the
 * redelivery or the sweep, and duplicates race for the claim.
 */
export type RegisterEffect = { id: string; claimedUntil?: string } & (
  | { kind: 'mail'; mail: OutgoingMail }
  | { kind: 'alarm'; subject: string; message: string }
  | { kind: 'notice'; memberId: string }
  | { kind: 'audit'; entry: AuditInput }
  /** Start (or restart) the entry's deadline chain. */
  | { kind: 'chain' }
);

interface RegisterEntry {
  id: string;
  /** Optimistic lock: every write is conditional on the version it read. */
  version: number;
  recordedAt: string;
  recordedBy: string;
  history: RegisterEvent[];
  owed?: RegisterEffect[];
  /** Deadline milestones handled (for a processor: of its current agreement expiry). */
  milestones: string[];
}

export interface Agreement {
  /** Calendar dates, YYYY-MM-DD. */
  signedOn: string;
  reference: string;
  expiresOn?: string;
}

export interface Processor extends RegisterEntry {
  name: string;
  /** What it does for the shop. */
  service: string;
  categories: DataCategory[];
  /** Where the data goes: ISO 3166-1 alpha-2. */
  country: string;
  agreement: Agreement;
  /** Event consumers of this system it receives events from (ids or descriptions); empty: none. */
  receivesEvents: string[];
  /** The day the shop stopped using it; the entry stays. */
  endedOn?: string;
}

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export type PdpcOutcome = { notifiedAt: string; reference: string } | { notRequired: true; reason: string };

export interface Breach extends RegisterEntry {
  learnedAt: string;
  /** learnedAt + 72 hours: clock hours, not working days (s37(4)). */
  notifyBy: string;
  summary: string;
  categories: DataCategory[];
  approxAffected: number;
  risk: RiskLevel;
  riskAssessment: string;
  overdue: boolean;
  pdpc?: PdpcOutcome & { recordedAt: string };
  /** The decision whether to tell the people affected, and why. */
  subjects?: { tell: boolean; reason: string; decidedAt: string; memberIds: string[] };
  /** Members whose notice went out. */
  noticesSent: string[];
}

export type RegisterKind = 'breach' | 'processor';
export type EntryOf<K extends RegisterKind> = K extends 'breach' ? Breach : Processor;

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const reference = (prefix: string) => `${prefix}-${Array.from(randomBytes(10), (b) => ALPHABET[b % ALPHABET.length]).join('')}`;
export const newBreachId = () => reference('B');
export const newProcessorId = () => reference('P');
export const BREACH_ID = /^B-[A-Z2-9]{10}$/;
export const PROCESSOR_ID = /^P-[A-Z2-9]{10}$/;

// ---------------------------------------------------------------------------------------------
// Deadlines

/** PDPA s37(4): the PDPC is told within 72 hours of the shop learning of a breach. */
export const PDPC_DEADLINE_HOURS = 72;

/** The breach chain: reminders at 24 h and 48 h, escalation at 60 h, overdue after 72 h. */
export const BREACH_MILESTONES = [
  { name: 'remind-24h', hours: 24 },
  { name: 'remind-48h', hours: 48 },
  { name: 'escalate-60h', hours: 60 },
  { name: 'overdue-72h', hours: PDPC_DEADLINE_HOURS },
] as const;

/** Reminders before a confidentiality agreement expires, and on the day. */
export const AGREEMENT_MILESTONES = [
  { name: 'expires-30d', daysBefore: 30 },
  { name: 'expires-7d', daysBefore: 7 },
  { name: 'expired', daysBefore: 0 },
] as const;

export interface RegisterMilestone {
  name: string;
  at: Date;
}

/** The start of an agreement's expiry day in Bangkok, where the shop is. */
export const agreementExpiresAt = (expiresOn: string) => new Date(`${expiresOn}T00:00:00+07:00`);

export const notifyByFor = (learnedAt: string) => new Date(Date.parse(learnedAt) + PDPC_DEADLINE_HOURS * HOUR_MS).toISOString();

export function plannedRegisterMilestones(kind: RegisterKind, entry: Breach | Processor): RegisterMilestone[] {
  if (kind === 'breach') {
    const learned = Date.parse((entry as Breach).learnedAt);
    return BREACH_MILESTONES.map((m) => ({ name: m.name, at: new Date(learned + m.hours * HOUR_MS) }));
  }
  const p = entry as Processor;
  if (!p.agreement.expiresOn || p.endedOn) return [];
  const expires = agreementExpiresAt(p.agreement.expiresOn).getTime();
  return AGREEMENT_MILESTONES.map((m) => ({ name: m.name, at: new Date(expires - m.daysBefore * DAY_MS) }));
}

/** A breach's chain ends once the PDPC notification (or the finding that none is required) is recorded. */
export const registerChainClosed = (kind: RegisterKind, entry: Breach | Processor) => (kind === 'breach' ? Boolean((entry as Breach).pdpc) : false);

/**
 * The next milestone not handled yet; one whose time passed while a later one is also due is
 * skipped (a chain recovered late goes straight to what matters now, as request chains do).
 */
export function nextRegisterMilestone(kind: RegisterKind, entry: Breach | Processor, now: Date): RegisterMilestone | undefined {
  if (registerChainClosed(kind, entry)) return undefined;
  const done = new Set(entry.milestones);
  const pending = plannedRegisterMilestones(kind, entry).filter((m) => !done.has(m.name));
  for (let i = 0; i < pending.length; i++) {
    const later = pending[i + 1];
    if (later && later.at <= now) continue;
    return pending[i];
  }
  return undefined;
}

export const registerNeedsChain = (kind: RegisterKind, entry: Breach | Processor, now: Date) => Boolean(nextRegisterMilestone(kind, entry, now));

/** The hours left until the PDPC deadline (negative when past), rounded down. */
export const hoursLeft = (breach: Pick<Breach, 'notifyBy'>, now: Date) => Math.floor((Date.parse(breach.notifyBy) - now.getTime()) / HOUR_MS);

/** Appends an event and bumps the version: the one way an entry changes. */
export function withRegisterEvent<T extends Breach | Processor>(entry: T, change: Partial<T>, event: RegisterEvent, owed: RegisterEffect[] = []): T {
  return {
    ...entry,
    ...change,
    version: entry.version + 1,
    history: [...entry.history, event],
    ...(owed.length ? { owed: [...(entry.owed ?? []), ...owed] } : {}),
  };
}
