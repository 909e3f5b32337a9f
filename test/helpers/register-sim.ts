/**
 * Simulated time for the registers' deadline chains: an in-memory registers table with the same
 * contract as the DynamoDB adapter (version-conditional writes), members, and an alarm topic that
 * records what it was given, beside the deadline simulation's clock, queue, chains and mailer.
 */
import { tellSubject } from '../../shared/domain/breach-notices';
import { startRegisterChain, type RegisterDeps } from '../../shared/domain/register-service';
import { ConflictError } from '../../shared/domain/errors';
import type { Member } from '../../shared/domain/members';
import type { RegisterJob, RegisterStore } from '../../shared/domain/ports';
import type { EntryOf, RegisterKind } from '../../shared/domain/registers';
import { MemoryAudit, MemoryChainStore, RecordingMailer, SimScheduler } from './deadline-sim';
import { FixedClock } from './memory-stores';

export class MemoryRegisterStore implements RegisterStore {
  readonly items = new Map<string, unknown>();
  /** Fails the next N updates with a conflict, as a concurrent writer would. */
  conflicts = 0;
  async get<K extends RegisterKind>(kind: K, id: string) {
    const e = this.items.get(`${kind}:${id}`);
    return e ? (structuredClone(e) as EntryOf<K>) : undefined;
  }
  async create<K extends RegisterKind>(kind: K, entry: EntryOf<K>) {
    if (this.items.has(`${kind}:${entry.id}`)) throw new ConflictError('entry_exists', 'exists');
    this.items.set(`${kind}:${entry.id}`, structuredClone(entry));
  }
  async update<K extends RegisterKind>(kind: K, entry: EntryOf<K>) {
    const stored = this.items.get(`${kind}:${entry.id}`) as EntryOf<K> | undefined;
    if (this.conflicts > 0) {
      this.conflicts--;
      if (stored) this.items.set(`${kind}:${entry.id}`, { ...stored, version: stored.version + 1 });
      throw new ConflictError('entry_changed', 'changed');
    }
    if (!stored || stored.version !== entry.version - 1) throw new ConflictError('entry_changed', 'changed');
    this.items.set(`${kind}:${entry.id}`, structuredClone(entry));
  }
  async list<K extends RegisterKind>(kind: K) {
    return [...this.items.entries()].filter(([k]) => k.startsWith(`${kind}:`)).map(([, e]) => structuredClone(e) as EntryOf<K>);
  }
}

export class RecordingAlarms {
  readonly published: { subject: string; message: string; at: string }[] = [];
  failNext = 0;
  constructor(private readonly clock: FixedClock) {}
  async publish(subject: string, message: string) {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('SNS unavailable');
    }
    this.published.push({ subject, message, at: this.clock.now().toISOString() });
  }
}

export function registerSimulation(start = new Date('2026-11-25T03:00:00.000Z')) {
  const clock = new FixedClock(start);
  const registers = new MemoryRegisterStore();
  const chains = new MemoryChainStore();
  const scheduler = new SimScheduler<RegisterJob>(clock);
  const mailer = new RecordingMailer(clock);
  const alarms = new RecordingAlarms(clock);
  const audit = new MemoryAudit();
  const members = new Map<string, Member>();
  const deps: RegisterDeps = {
    registers,
    chains,
    scheduler,
    audit: { append: (i) => audit.append(i), entries: (s) => audit.entries_(s) },
    mailer,
    alarms,
    members: {
      get: async (id) => members.get(id),
      findByEmail: async (email) => [...members.values()].find((m) => m.email === email),
    },
    clock,
    tellSubject,
    startChain: startRegisterChain,
    settings: {
      dpoAddress: 'dpo@shop.example.com',
      shopName: 'Example Shop',
      requestAddress: 'privacy@shop.example.com',
      maxDelaySeconds: 900,
      staleChainMinutes: 45,
    },
  };
  return { clock, registers, chains, scheduler, mailer, alarms, audit, members, deps };
}
